package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class StderrLinesTest {

    private static final String LABEL = "driver 'x' instance 0 pid 1";
    private static final Pattern SUPPRESSED = Pattern.compile(Pattern.quote(LABEL)
            + ": (\\d+) stderr lines suppressed \\(rate limit\\)");

    private final List<String> received = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StderrLines lines = new StderrLines(LABEL, received::add, now::get);

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // Feed in odd-sized pieces: lines must not depend on how reads split the stream.
        for (int i = 0; i < bytes.length; i += 7) {
            lines.accept(bytes, i, Math.min(7, bytes.length - i));
        }
    }

    private List<String> payloads() {
        List<String> out = new ArrayList<>();
        for (String line : received) {
            assertTrue(line.startsWith(LABEL + ": "), line);
            out.add(line.substring(LABEL.length() + 2));
        }
        return out;
    }

    @Test
    void linesArePassedOnWithTheLabelAndTheLastPartialLineAtFinish() {
        feed("a\nbb\n\nlast");
        assertEquals(List.of("a", "bb", ""), payloads());
        lines.finish();
        assertEquals(List.of("a", "bb", "", "last"), payloads());
        assertEquals("last", lines.lastLine());
    }

    @Test
    void utf8IsDecoded() {
        feed("grüße ✓\n");
        assertEquals(List.of("grüße ✓"), payloads());
    }

    @Test
    void nothingGivesNothing() {
        lines.finish();
        assertEquals(List.of(), received);
        assertNull(lines.lastLine());
    }

    @Test
    void longLinesAreCutAtMaxLineWithTheDroppedBytesCounted() {
        String longLine = "x".repeat(StderrLines.MAX_LINE * 3 + 17);
        String exact = "y".repeat(StderrLines.MAX_LINE);
        feed(longLine + "\nshort\n" + exact + "\n" + longLine);
        lines.finish();
        List<String> out = payloads();
        assertEquals(4, out.size(), "the rest of a cut line must not become new lines");
        String cut = "x".repeat(StderrLines.MAX_LINE) + "…(" + (StderrLines.MAX_LINE * 2 + 17) + " more bytes)";
        assertEquals(cut, out.get(0));
        assertEquals("short", out.get(1));
        assertEquals(exact, out.get(2));
        assertEquals(cut, out.get(3));
        assertEquals(cut, lines.lastLine());
    }

    @Test
    void controlCharactersReachNeitherTheLogNorTheLastLineRaw() {
        // Clear screen, set the terminal title, a CR that would overwrite the line, a C1 CSI, a bidi override.
        feed("\u001b[2J\u001b]0;owned\u0007 fake\rreal \u009b31m \u202eevil\n");
        String escaped = "\\e[2J\\e]0;owned\\x07 fake\\rreal \\u009b31m \\u202eevil";
        assertEquals(List.of(escaped), payloads());
        assertEquals(escaped, lines.lastLine());
    }

    @Test
    void aLineOfControlsStaysBounded() {
        feed("\u0001".repeat(StderrLines.MAX_LINE * 2) + "\n");
        String line = payloads().get(0);
        assertEquals("\\x01".repeat(StderrLines.MAX_LINE) + "…(" + StderrLines.MAX_LINE + " more bytes)", line);
    }

    @Test
    void aFloodWithinOneSecondPassesTheFirstLinesAndCountsTheRest() {
        int total = 100_000;
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < total; i++) {
            flood.append("line ").append(i).append('\n');
        }
        feed(flood.toString());
        lines.finish();
        long passed = received.stream().filter(l -> !SUPPRESSED.matcher(l).matches()).count();
        assertEquals(StderrLines.LINES_PER_SECOND, passed);
        assertEquals(LABEL + ": line 0", received.get(0));
        assertEquals(LABEL + ": line " + (StderrLines.LINES_PER_SECOND - 1),
                received.get(StderrLines.LINES_PER_SECOND - 1));
        Matcher summary = SUPPRESSED.matcher(received.get(received.size() - 1));
        assertTrue(summary.matches(), received.get(received.size() - 1));
        assertEquals(total - StderrLines.LINES_PER_SECOND, Long.parseLong(summary.group(1)));
        assertEquals("line " + (total - 1), lines.lastLine(), "suppressed lines still count as the last line");
    }

    @Test
    void theWindowReopensAfterASecondWithTheSummaryFirst() {
        for (int i = 0; i < 1000; i++) {
            feed("burst " + i + "\n");
        }
        now.addAndGet(1_300_000_000L);
        feed("after the pause\n");
        int summary = -1;
        for (int i = 0; i < received.size(); i++) {
            if (SUPPRESSED.matcher(received.get(i)).matches()) {
                summary = i;
            }
        }
        assertTrue(summary >= 0, received.toString());
        assertEquals(LABEL + ": after the pause", received.get(summary + 1));
        assertFalse(received.contains(LABEL + ": burst 999"));
    }
}
