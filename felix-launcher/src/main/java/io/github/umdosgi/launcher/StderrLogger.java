package io.github.umdosgi.launcher;

import java.io.PrintStream;

import org.apache.felix.framework.Logger;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Felix's own log messages, sent to stderr instead of Felix's default stdout so
 * that the output of {@code -c} commands stays clean; escaped ({@link SafeText}),
 * as they quote bundles' names and headers. Stateless beyond its stream.
 */
final class StderrLogger extends Logger {

    private final PrintStream err;

    StderrLogger(PrintStream err) {
        this.err = err;
    }

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        err.println("felix " + levelName(level) + ": " + SafeText.field(msg));
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
