package io.github.umdosgi.impl.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Cuts one handler's stderr bytes into lines for the log. Lines are cut at
 * {@value #MAX_LINE} bytes, with the count of bytes dropped shown, and at
 * most {@value #LINES_PER_SECOND} lines a second are passed on; the rest are
 * counted and reported, which keeps the log bounded when a handler floods
 * stderr. Every line is escaped ({@link SafeText}) before anyone sees it, so
 * the log, the driver's last error and a terminal never get a handler's
 * control characters raw.
 *
 * <p>Not thread safe: the drain calls it under the source's monitor.
 * {@link #lastLine()} alone may be read from any thread.
 */
final class StderrLines {

    static final int MAX_LINE = 4096;
    static final int LINES_PER_SECOND = 200;

    private final String label;
    private final Consumer<String> sink;
    // Raw lines (cut, not escaped), every one, not rate limited: the tail bounds itself. May be null.
    private final StderrTail tail;
    private final LongSupplier clock;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    // Bytes of the current line beyond MAX_LINE.
    private long dropped;

    /** Lines quoted in the reason of a failure. */
    static final int LAST_LINES = 3;

    // Read by whoever reports why a handler failed: an immutable list, replaced whole, newest last.
    private volatile java.util.List<String> lastLines = java.util.List.of();

    private long windowStart;
    private int linesInWindow;
    private long suppressed;

    StderrLines(String label, Consumer<String> sink) {
        this(label, sink, null, System::nanoTime);
    }

    StderrLines(String label, Consumer<String> sink, StderrTail tail) {
        this(label, sink, tail, System::nanoTime);
    }

    StderrLines(String label, Consumer<String> sink, LongSupplier clock) {
        this(label, sink, null, clock);
    }

    StderrLines(String label, Consumer<String> sink, StderrTail tail, LongSupplier clock) {
        this.label = label;
        this.sink = sink;
        this.tail = tail;
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /** Takes the next bytes of the stream. */
    void accept(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit();
            } else if (line.size() < MAX_LINE) {
                line.write(b);
            } else {
                dropped++;
            }
        }
    }

    /** The stream ended: passes on an unterminated last line and the count of suppressed lines. */
    void finish() {
        if (line.size() > 0 || dropped > 0) {
            emit();
        }
        reportSuppressed();
    }

    /** @return the last complete line, or null */
    String lastLine() {
        java.util.List<String> last = lastLines;
        return last.isEmpty() ? null : last.get(last.size() - 1);
    }

    /** @return the last lines (at most {@value #LAST_LINES}), escaped, newest last */
    java.util.List<String> lastLines() {
        return lastLines;
    }

    private void emit() {
        // Escaping at most quadruples a line (a control byte becomes \xHH), so this bound cuts nothing
        // that the byte bound kept; it is there so that no line can ever exceed it.
        String raw = line.toString(StandardCharsets.UTF_8);
        String text = SafeText.field(raw, 4 * MAX_LINE);
        if (dropped > 0) {
            text += "…(" + dropped + " more bytes)";
            raw += "…(" + dropped + " more bytes)";
        }
        if (tail != null) {
            tail.add(raw);
        }
        line.reset();
        dropped = 0;
        java.util.List<String> last = new java.util.ArrayList<>(lastLines);
        last.add(text);
        lastLines = java.util.List.copyOf(last.subList(Math.max(0, last.size() - LAST_LINES), last.size()));
        long now = clock.getAsLong();
        if (now - windowStart > 1_000_000_000L) {
            reportSuppressed();
            windowStart = now;
            linesInWindow = 0;
        }
        if (linesInWindow++ < LINES_PER_SECOND) {
            sink.accept(label + ": " + text);
        } else {
            suppressed++;
        }
    }

    private void reportSuppressed() {
        if (suppressed > 0) {
            sink.accept(label + ": " + suppressed + " stderr lines suppressed (rate limit)");
            suppressed = 0;
        }
    }
}
