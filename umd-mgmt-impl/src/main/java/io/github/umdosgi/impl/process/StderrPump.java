package io.github.umdosgi.impl.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Drains a handler's stderr line by line into a consumer (the OSGi log), so
 * the handler never blocks on a full stderr pipe. Lines are cut at
 * {@value #MAX_LINE} bytes and at most {@value #LINES_PER_SECOND} lines a
 * second are passed on; the rest are counted and reported, which keeps the
 * log bounded when a handler floods stderr.
 *
 * <p>All state is confined to the pump thread, which ends at end of stream.
 */
final class StderrPump implements Runnable {

    static final int MAX_LINE = 4096;
    static final int LINES_PER_SECOND = 200;

    private final InputStream stderr;
    private final String label;
    private final Consumer<String> lines;
    private final Thread thread;

    // Written by the pump thread, read by whoever reports why a handler failed.
    private volatile String lastLine;

    private long windowStart;
    private int linesInWindow;
    private long suppressed;

    private StderrPump(InputStream stderr, String label, Consumer<String> lines) {
        this.stderr = stderr;
        this.label = label;
        this.lines = lines;
        this.thread = new Thread(this, "umd-stderr " + label);
        this.thread.setDaemon(true);
    }

    static StderrPump start(InputStream stderr, String label, Consumer<String> lines) {
        StderrPump pump = new StderrPump(stderr, label, lines);
        pump.thread.start();
        return pump;
    }

    /** @return the last line the handler wrote to stderr, or null */
    String lastLine() {
        return lastLine;
    }

    void awaitEnd(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (stderr) {
            for (int n; (n = stderr.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        emit(line);
                    } else if (line.size() < MAX_LINE) {
                        line.write(b);
                    }
                }
            }
        } catch (IOException closed) {
            // The pipe was closed at shutdown: nothing more to read.
        }
        if (line.size() > 0) {
            emit(line);
        }
        if (suppressed > 0) {
            lines.accept(label + ": " + suppressed + " stderr lines suppressed (rate limit)");
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        lastLine = text;
        long now = System.nanoTime();
        if (now - windowStart > 1_000_000_000L) {
            if (suppressed > 0) {
                lines.accept(label + ": " + suppressed + " stderr lines suppressed (rate limit)");
                suppressed = 0;
            }
            windowStart = now;
            linesInWindow = 0;
        }
        if (linesInWindow++ < LINES_PER_SECOND) {
            lines.accept(label + ": " + text);
        } else {
            suppressed++;
        }
        line.reset();
    }
}
