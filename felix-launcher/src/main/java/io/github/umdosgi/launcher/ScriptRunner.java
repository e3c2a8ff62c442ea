package io.github.umdosgi.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Runs commands one by one, printing each result to stdout and the first
 * failure, as one line, to stderr. Both are escaped ({@link SafeText}): any
 * bundle may register a command, and a result or message may quote what a
 * handler or a bundle wrote; a result keeps its line breaks and tabs.
 * <p>
 * Commands are services that appear asynchronously (SCR activates components
 * after the bundles started), so a command not found is retried until a grace
 * period after the runner was created has passed.
 */
final class ScriptRunner {

    private static final long RETRY_PAUSE_MILLIS = 100;

    /** A failed command is quoted in its error line up to this many characters. */
    static final int MAX_QUOTED_COMMAND = 80;

    private final CommandShell shell;
    private final PrintStream out;
    private final PrintStream err;
    private final long notFoundDeadline;
    private final BooleanSupplier stopping;

    /**
     * @param notFoundGrace how long after now a "command not found" is retried
     * @param stopping      true once the process is shutting down: stop quietly
     */
    ScriptRunner(CommandShell shell, PrintStream out, PrintStream err, Duration notFoundGrace,
            BooleanSupplier stopping) {
        this.shell = shell;
        this.out = out;
        this.err = err;
        this.notFoundDeadline = System.nanoTime() + notFoundGrace.toNanos();
        this.stopping = stopping;
    }

    /** Runs {@code commands} in order; false at the first failure (later ones are not run). */
    boolean run(List<String> commands) {
        for (String command : commands) {
            if (stopping.getAsBoolean() || !runOne(command)) {
                return false;
            }
        }
        return true;
    }

    private boolean runOne(String command) {
        while (true) {
            Object result;
            try {
                result = shell.execute(command);
            } catch (Exception e) {
                if (shell.isCommandNotFound(e) && System.nanoTime() < notFoundDeadline
                        && !stopping.getAsBoolean() && pause()) {
                    continue;
                }
                if (!stopping.getAsBoolean()) {
                    // The command is quoted cut: it may hold a request of megabytes.
                    err.println("error in \"" + SafeText.field(command, MAX_QUOTED_COMMAND) + "\": " + oneLine(e));
                    err.flush();
                }
                out.flush();
                return false;
            }
            if (result != null) {
                String text = shell.format(result);
                if (!text.isEmpty()) {
                    out.println(SafeText.lines(text, Integer.MAX_VALUE));
                }
            }
            out.flush();
            return true;
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The message's first line, or the exception's name when it has no message; escaped for the terminal. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return SafeText.field(e.getClass().getSimpleName());
        }
        // Cut at a line feed only: a lone CR is shown escaped, with what follows it.
        String stripped = message.strip();
        int end = stripped.indexOf('\n');
        return SafeText.field((end < 0 ? stripped : stripped.substring(0, end)).strip());
    }
}
