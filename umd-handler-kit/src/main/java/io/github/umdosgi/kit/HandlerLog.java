package io.github.umdosgi.kit;

import java.io.PrintStream;

/**
 * Log lines on stderr, which the manager sends, escaped, to the OSGi log:
 * one line per message, prefixed with the driver and instance the manager
 * named in {@code UMD_DRIVER} and {@code UMD_INSTANCE}. Thread safe.
 */
public final class HandlerLog {

    private final PrintStream err;
    private final String prefix;

    /** @param err where lines go, normally {@code System.err} */
    public HandlerLog(PrintStream err) {
        this.err = err;
        String driver = System.getenv("UMD_DRIVER");
        String instance = System.getenv("UMD_INSTANCE");
        this.prefix = (driver == null ? "handler" : driver) + (instance == null ? "" : "#" + instance) + ": ";
    }

    /** @param message one line; line breaks are written as spaces so that one message stays one line */
    public void info(String message) {
        line("", message);
    }

    /** @param message one line, marked as a warning */
    public void warn(String message) {
        line("WARN ", message);
    }

    /**
     * @param message one line, marked as an error
     * @param failure its cause, written as one line per stack frame (null for none)
     */
    public void error(String message, Throwable failure) {
        line("ERROR ", message + (failure == null ? "" : ": " + failure));
        if (failure != null) {
            for (StackTraceElement frame : failure.getStackTrace()) {
                line("ERROR ", "    at " + frame);
            }
        }
    }

    private void line(String level, String message) {
        err.println(prefix + level + message.replace('\n', ' ').replace('\r', ' '));
        err.flush();
    }
}
