package io.github.umdosgi.launcher;

import java.io.PrintStream;

import org.apache.felix.framework.Logger;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Felix's own log messages, sent to stderr instead of Felix's default stdout so
 * that the output of {@code -c} commands stays clean; escaped ({@link SafeText}),
 * as they quote bundles' names and headers; in the interactive shell, above
 * the prompt ({@link AsyncConsole}). Stateless beyond its streams.
 */
final class StderrLogger extends Logger {

    private final PrintStream err;
    private final AsyncConsole console;

    StderrLogger(PrintStream err) {
        this(err, new AsyncConsole(err));
    }

    /** @param console where the message lines go: stderr, or above the interactive prompt */
    StderrLogger(PrintStream err, AsyncConsole console) {
        this.err = err;
        this.console = console;
    }

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        console.println("felix " + levelName(level) + ": " + SafeText.field(msg));
        if (throwable != null && level >= LOG_DEBUG) {
            throwable.printStackTrace(err);
        }
        err.flush();
    }

    private static String levelName(int level) {
        return switch (level) {
            case LOG_ERROR -> "ERROR";
            case LOG_WARNING -> "WARNING";
            case LOG_INFO -> "INFO";
            default -> "DEBUG";
        };
    }
}
