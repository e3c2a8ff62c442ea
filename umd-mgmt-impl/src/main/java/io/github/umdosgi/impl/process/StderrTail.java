package io.github.umdosgi.impl.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The recent stderr lines of one driver's load, raw as the handlers wrote
 * them, for {@code umd:log} and for the reason of a failed start. Bounded in
 * lines and in characters: the oldest lines go first, so a handler that
 * floods stderr costs at most {@link #maxChars} characters here, whatever it
 * writes. Each line arrives already cut by {@link StderrLines} (at
 * {@value StderrLines#MAX_LINE} bytes), so one line can never take the whole
 * buffer. Independent of the log service's level and buffer.
 *
 * <p>Thread safe: every field is guarded by {@code this}; the stderr drain
 * thread appends while shell commands read.
 */
public final class StderrTail {

    /** Lines kept by default. */
    public static final int DEFAULT_MAX_LINES = 1000;

    /** Characters kept by default (about 512 KiB of heap). */
    public static final int DEFAULT_MAX_CHARS = 256 << 10;

    private final int maxLines;
    private final int maxChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long chars;
    // Lines ever appended: the sequence number of the next line, for followers.
    private long appended;

    /** A tail with the default bounds. */
    public StderrTail() {
        this(DEFAULT_MAX_LINES, DEFAULT_MAX_CHARS);
    }

    /**
     * @param maxLines lines kept, at least 1
     * @param maxChars characters kept over all lines, at least 1
     */
    public StderrTail(int maxLines, int maxChars) {
        if (maxLines < 1 || maxChars < 1) {
            throw new IllegalArgumentException("bounds must be positive: " + maxLines + " lines, " + maxChars
                    + " chars");
        }
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    /**
     * Appends a line, dropping the oldest ones beyond the bounds. A line
     * longer than the whole character bound is cut to it.
     *
     * @param line a raw line, without its newline
     */
    public synchronized void add(String line) {
        String kept = line.length() > maxChars ? line.substring(0, maxChars) : line;
        lines.addLast(kept);
        chars += kept.length();
        appended++;
        while (lines.size() > maxLines || chars > maxChars) {
            chars -= lines.removeFirst().length();
        }
    }

    /**
     * @param max at most this many lines
     * @return the newest lines, oldest first
     */
    public synchronized List<String> last(int max) {
        int skip = Math.max(0, lines.size() - max);
        List<String> out = new ArrayList<>(Math.min(max, lines.size()));
        Iterator<String> it = lines.iterator();
        for (int i = 0; it.hasNext(); i++) {
            String line = it.next();
            if (i >= skip) {
                out.add(line);
            }
        }
        return out;
    }

    /** @return the sequence number the next line will get (the count of lines ever added) */
    public synchronized long next() {
        return appended;
    }

    /**
     * For a follower: the lines added since {@code from}, as far as they are
     * still kept.
     *
     * @param from a value of {@link #next()} read earlier
     * @return the lines, and how many were added but already dropped
     */
    public synchronized Since since(long from) {
        long available = appended - from;
        int kept = (int) Math.min(available, lines.size());
        return new Since(last(kept), available - kept, appended);
    }

    /**
     * Lines a follower has not seen yet.
     *
     * @param lines the lines, oldest first
     * @param missed lines added meanwhile but dropped before they were read
     * @param next where to continue from
     */
    public record Since(List<String> lines, long missed, long next) {
    }
}
