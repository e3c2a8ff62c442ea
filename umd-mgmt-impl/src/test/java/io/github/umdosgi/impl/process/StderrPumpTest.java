package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StderrPumpTest {

    private static final String LABEL = "driver 'x' instance 0 pid 1";
    private static final Pattern SUPPRESSED = Pattern.compile(Pattern.quote(LABEL)
            + ": (\\d+) stderr lines suppressed \\(rate limit\\)");

    private final List<String> received = new CopyOnWriteArrayList<>();

    private void pumpToEnd(InputStream in) {
        StderrPump pump = StderrPump.start(in, LABEL, received::add);
        pump.awaitEnd(Duration.ofSeconds(20));
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
    void linesArePassedOnWithTheLabel() {
        pumpToEnd(new ByteArrayInputStream("a\nbb\n\nlast".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", "bb", "", "last"), payloads());
    }

    @Test
    void utf8IsDecoded() {
        pumpToEnd(new ByteArrayInputStream("grüße ✓\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("grüße ✓"), payloads());
    }

    @Test
    void emptyStreamGivesNothing() {
        pumpToEnd(new ByteArrayInputStream(new byte[0]));
        assertEquals(List.of(), received);
    }

    @Test
    void longLinesAreCutAtMaxLine() {
        String longLine = "x".repeat(StderrPump.MAX_LINE * 3 + 17);
        String exact = "y".repeat(StderrPump.MAX_LINE);
        pumpToEnd(new ByteArrayInputStream((longLine + "\nshort\n" + exact + "\n" + longLine)
                .getBytes(StandardCharsets.US_ASCII)));
        List<String> lines = payloads();
        assertEquals(4, lines.size(), "the rest of a cut line must not become new lines");
        assertEquals("x".repeat(StderrPump.MAX_LINE), lines.get(0));
        assertEquals("short", lines.get(1));
        assertEquals(exact, lines.get(2));
        assertEquals("x".repeat(StderrPump.MAX_LINE), lines.get(3));
    }

    @Test
    void aFloodIsRateLimitedAndTheSuppressedLinesAreCounted() {
        int total = 100_000;
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < total; i++) {
            flood.append("line ").append(i).append('\n');
        }
        long begin = System.nanoTime();
        pumpToEnd(new ByteArrayInputStream(flood.toString().getBytes(StandardCharsets.US_ASCII)));
        double seconds = (System.nanoTime() - begin) / 1e9;

        long passed = 0;
        long suppressed = 0;
        int summaries = 0;
        for (String line : received) {
            Matcher m = SUPPRESSED.matcher(line);
            if (m.matches()) {
                suppressed += Long.parseLong(m.group(1));
                summaries++;
            } else {
                passed++;
            }
        }
        assertTrue(summaries >= 1, "a summary of suppressed lines must be logged");
        assertEquals(total, passed + suppressed, "every line is either passed on or counted");
        // At most LINES_PER_SECOND per started second of pumping.
        long allowed = (long) StderrPump.LINES_PER_SECOND * ((long) Math.ceil(seconds) + 1);
        assertTrue(passed <= allowed, "passed " + passed + " lines in " + seconds + " s, allowed " + allowed);
        assertTrue(passed >= StderrPump.LINES_PER_SECOND, "the first " + StderrPump.LINES_PER_SECOND
                + " lines pass: " + passed);
        // The first lines are the ones that pass.
        assertEquals(LABEL + ": line 0", received.get(0));
        assertEquals(LABEL + ": line " + (StderrPump.LINES_PER_SECOND - 1),
                received.get(StderrPump.LINES_PER_SECOND - 1));
    }

    @Test
    void rateLimitWindowReopensAfterASecond() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        StderrPump pump = StderrPump.start(in, LABEL, received::add);
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            burst.append("burst ").append(i).append('\n');
        }
        out.write(burst.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(1300); // let the one-second window pass
        out.write("after the pause\n".getBytes(StandardCharsets.US_ASCII));
        out.close();
        pump.awaitEnd(Duration.ofSeconds(10));

        assertTrue(received.contains(LABEL + ": after the pause"), "a new window passes lines again");
        assertFalse(received.contains(LABEL + ": burst 999"));
        long suppressed = received.stream().map(SUPPRESSED::matcher).filter(Matcher::matches)
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
        long burstPassed = received.stream().filter(l -> l.startsWith(LABEL + ": burst ")).count();
        assertEquals(1000, burstPassed + suppressed);
        // The summary is logged when the next window opens, before the next passed line.
        int summary = -1;
        for (int i = 0; i < received.size(); i++) {
            if (SUPPRESSED.matcher(received.get(i)).matches()) {
                summary = i;
                break;
            }
        }
        assertTrue(summary >= 0 && summary < received.indexOf(LABEL + ": after the pause"), received.toString());
    }

    @Test
    void pumpEndsWhenTheStreamFails() {
        InputStream failing = new InputStream() {
            private int calls;

            @Override
            public int read() throws IOException {
                throw new IOException("closed");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (calls++ == 0) {
                    byte[] partial = "partial".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(partial, 0, b, off, partial.length);
                    return partial.length;
                }
                throw new IOException("closed");
            }
        };
        pumpToEnd(failing);
        assertEquals(List.of("partial"), payloads());
    }

    @Test
    void pumpThreadIsANamedDaemonThatEnds() throws Exception {
        PipedInputStream in = new PipedInputStream();
        PipedOutputStream out = new PipedOutputStream(in);
        StderrPump pump = StderrPump.start(in, "named", received::add);
        Thread thread = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("umd-stderr named")) {
                thread = t;
            }
        }
        assertTrue(thread != null, "thread 'umd-stderr named' exists");
        assertTrue(thread.isDaemon());
        out.close();
        pump.awaitEnd(Duration.ofSeconds(10));
        assertFalse(thread.isAlive());
    }
}
