package io.github.umdosgi.launcher;

import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * Where messages that arrive at any moment (the manager's warnings, Felix's
 * own log) are printed: stderr, or, once the interactive shell has handed
 * over its jline {@code LineReader}, above the prompt line through
 * {@code LineReader.printAbove}, which redraws the prompt and what the
 * operator was typing instead of breaking it. The reader's classes live in
 * the jline bundle, which the launcher cannot see, hence reflection.
 *
 * <p>The shell's profile ({@code etc/gosh_profile}) hands the reader over
 * with the command {@code launcher:attachprompt $.reader}, which exists only
 * in an interactive launch; in {@code -c} mode everything goes to stderr, so
 * that stdout carries only command output.
 *
 * <p>Thread safe: {@link #reader} and {@link #printAbove} are one volatile
 * pair, replaced whole; the stream is thread safe.
 */
public final class AsyncConsole {

    private record Prompt(Object reader, Method printAbove) {
    }

    private final PrintStream err;
    private volatile Prompt prompt;

    AsyncConsole(PrintStream err) {
        this.err = err;
    }

    /**
     * Prints one line, already escaped by the caller.
     *
     * @param line the line
     */
    void println(String line) {
        Prompt p = prompt;
        if (p != null) {
            try {
                p.printAbove().invoke(p.reader(), line);
                return;
            } catch (ReflectiveOperationException | RuntimeException e) {
                // The reader is closed (the shell ended): back to plain stderr for good.
                prompt = null;
            }
        }
        err.println(line);
        err.flush();
    }

    /**
     * The Gogo command {@code launcher:attachprompt}: from now on, lines go above the prompt of
     * this reader.
     *
     * @param reader the interactive shell's {@code org.jline.reader.LineReader}
     * @return a confirmation, or why the reader was refused
     */
    public String attachprompt(Object reader) {
        if (reader == null) {
            return "no line reader: messages stay on stderr";
        }
        try {
            Method printAbove = reader.getClass().getMethod("printAbove", String.class);
            printAbove.setAccessible(true);
            prompt = new Prompt(reader, printAbove);
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "not a jline LineReader (" + e + "): messages stay on stderr";
        }
    }
}
