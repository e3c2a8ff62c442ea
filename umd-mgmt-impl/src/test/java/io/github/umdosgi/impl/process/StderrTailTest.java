package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-load stderr buffer stays bounded whatever a hostile handler writes, and keeps lines raw. */
class StderrTailTest {

    /** All characters held, summed over the kept lines. */
    private static long held(StderrTail tail) {
        return tail.last(Integer.MAX_VALUE).stream().mapToLong(String::length).sum();
    }

    @Test
    void keepsTheNewestLinesOldestFirst() {
        StderrTail tail = new StderrTail(3, 1000);
        for (int i = 1; i <= 5; i++) {
            tail.add("line " + i);
        }
        assertEquals(List.of("line 3", "line 4", "line 5"), tail.last(10));
        assertEquals(List.of("line 5"), tail.last(1));
        assertEquals(5, tail.next(), "every line counts for followers, kept or not");
    }

    @Test
    void charactersAreBoundedAcrossLines() {
        StderrTail tail = new StderrTail(1000, 100);
        for (int i = 0; i < 50; i++) {
            tail.add("x".repeat(30));
        }
        assertTrue(held(tail) <= 100, "held " + held(tail));
        assertEquals(3, tail.last(1000).size(), "three lines of 30 fit in 100 chars");
    }

    @Test
    void aLineLongerThanTheWholeBoundIsCutToIt() {
        StderrTail tail = new StderrTail(10, 64);
        tail.add("y".repeat(1_000_000));
        assertEquals(List.of("y".repeat(64)), tail.last(10));
    }

    @Test
    void followersGetNewLinesAndHearOfDroppedOnes() {
        StderrTail tail = new StderrTail(2, 1000);
        tail.add("a");
        long from = tail.next();
        tail.add("b");
        assertEquals(new StderrTail.Since(List.of("b"), 0, 2), tail.since(from));
        tail.add("c");
        tail.add("d");
        tail.add("e");
        StderrTail.Since since = tail.since(2);
        assertEquals(List.of("d", "e"), since.lines());
        assertEquals(1, since.missed(), "c was dropped before it was read");
        assertEquals(5, since.next());
        assertEquals(List.of(), tail.since(5).lines());
    }

    @Test
    void refusesBoundsThatKeepNothing() {
        assertThrows(IllegalArgumentException.class, () -> new StderrTail(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new StderrTail(10, 0));
    }

    /** A hostile handler: megabytes without a newline, endless short lines, control characters. */
    @Test
    void hostileStderrThroughTheLineCutterStaysBoundedAndRaw() {
        StderrTail tail = new StderrTail();
        List<String> logged = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        StderrLines lines = new StderrLines("h", logged::add, tail, now::get);

        // 8 MiB in one line without a newline: cut at MAX_LINE bytes as it arrives.
        byte[] chunk = new byte[64 << 10];
        java.util.Arrays.fill(chunk, (byte) 'z');
        for (int i = 0; i < 128; i++) {
            lines.accept(chunk, 0, chunk.length);
        }
        assertEquals(List.of(), tail.last(10), "no line yet: nothing ended it");
        lines.accept(new byte[] {'\n'}, 0, 1);
        String cut = tail.last(1).get(0);
        assertEquals("z".repeat(StderrLines.MAX_LINE) + "…(" + ((128L << 16) - StderrLines.MAX_LINE) + " more bytes)",
                cut);

        // Control characters stay raw in the tail (callers escape), escaped in the log.
        byte[] hostile = "\u001b[2J\rFAKE\u202e\n".getBytes(StandardCharsets.UTF_8);
        lines.accept(hostile, 0, hostile.length);
        assertEquals("\u001b[2J\rFAKE\u202e", tail.last(1).get(0));
        assertEquals("h: \\e[2J\\rFAKE\\u202e", logged.get(logged.size() - 1));

        // Endless lines: the tail keeps its bounds, and is not rate limited as the log is.
        byte[] many = "0123456789abcdef\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        lines.accept(many, 0, many.length);
        assertEquals(StderrTail.DEFAULT_MAX_LINES, tail.last(Integer.MAX_VALUE).size());
        assertTrue(held(tail) <= StderrTail.DEFAULT_MAX_CHARS, "held " + held(tail));
        assertEquals("0123456789abcdef", tail.last(1).get(0));
        assertTrue(logged.size() <= StderrLines.LINES_PER_SECOND + 1, "the log is rate limited: " + logged.size());
    }

    @Test
    void theReasonQuotesUpToTheLastThreeLines() {
        StderrLines lines = new StderrLines("h", l -> { }, null, () -> 0L);
        byte[] text = "one\ntwo\nthree\nfour\n".getBytes(StandardCharsets.UTF_8);
        lines.accept(text, 0, text.length);
        assertEquals(List.of("two", "three", "four"), lines.lastLines());
        assertEquals("four", lines.lastLine());
    }
}
