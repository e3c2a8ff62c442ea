package io.github.umdosgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsAndReportTest {

    @Test
    void resultsSurviveAFileRoundTrip(@TempDir Path dir) throws Exception {
        Results results = new Results().put("meta.label", "pinned").put("rtt.umd.16.median_us", 12.5)
                .putMicros("start.java.pb", Stats.of(new long[] {1_000_000, 2_000_000, 3_000_000}));
        Path file = dir.resolve("r.tsv");
        results.write(file);
        Results read = Results.read(file);
        assertEquals(results.keys(), read.keys());
        assertEquals("pinned", read.get("meta.label").orElseThrow());
        assertEquals(12.5, read.number("rtt.umd.16.median_us").getAsDouble(), 1e-9);
        assertEquals(2000.0, read.number("start.java.pb.median_us").getAsDouble(), 1e-9);
        assertEquals(3.0, read.number("start.java.pb.n").getAsDouble(), 1e-9);
        assertTrue(read.number("meta.label").isEmpty());
        assertTrue(read.number("missing").isEmpty());
    }

    @Test
    void wholeNumbersAreWrittenWithoutFraction() {
        Results results = new Results().put("a", 100.0).put("b", 0.125).put("c", 1234567.891);
        assertEquals("100", results.get("a").orElseThrow());
        assertEquals("0.125000", results.get("b").orElseThrow());
        assertEquals(1234570.0, results.number("c").getAsDouble(), 1e-9);
    }

    @Test
    void rejectsValuesThatWouldBreakTheFile(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new Results().put("a\tb", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Results().put("a", "x\ny"));
        assertThrows(IllegalArgumentException.class, () -> new Results().put("a", Double.NaN));
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "no tab here\n");
        assertThrows(java.io.IOException.class, () -> Results.read(bad));
    }

    @Test
    void targetsCompareInTheRightDirection() {
        Report.Target atMost = new Report.Target("t", 1.2, true, "x");
        assertEquals("met", atMost.verdict(OptionalDouble.of(1.2)));
        assertEquals("MISSED", atMost.verdict(OptionalDouble.of(1.21)));
        Report.Target atLeast = new Report.Target("t", 0.8, false, "x");
        assertEquals("met", atLeast.verdict(OptionalDouble.of(0.8)));
        assertEquals("MISSED", atLeast.verdict(OptionalDouble.of(0.79)));
        assertEquals("n/a", atLeast.verdict(OptionalDouble.empty()));
    }

    @Test
    void targetValuesAreDerivedFromTheFigures() {
        Results r = new Results()
                .put("rtt.umd.16.median_us", 11).put("rtt.java.16.median_us", 10).put("rtt.c.16.median_us", 5)
                .put("rtt.umd.131072.mbps", 800).put("rtt.c.131072.mbps", 1000)
                .put("rtt.umd_buf.131072.mbps", 950)
                .put("start.umd.start.median_us", 60_000).put("start.umd.restart.median_us", 3000)
                .put("start.java.pb.median_us", 2000)
                .put("tput.umd.64.i1.t2.cps", 100_000).put("tput.umd.64.i2.t2.cps", 190_000)
                .put("scale.drivers", 100)
                .put("scale.before.threads", 40).put("scale.after.threads", 240)
                .put("scale.before.reaper_threads", 1).put("scale.after.reaper_threads", 101)
                .put("scale.before.heap_bytes", 1_000_000).put("scale.after.heap_bytes", 1_000_000 + 100 * 2048);
        assertEquals(1.1, Report.targetValue(0, r).getAsDouble(), 1e-9);
        assertEquals(2.2, Report.targetValue(1, r).getAsDouble(), 1e-9);
        assertEquals(0.8, Report.targetValue(2, r).getAsDouble(), 1e-9);
        assertTrue(Report.targetValue(3, r).isEmpty(), "16 MiB was not measured");
        assertEquals(30.0, Report.targetValue(4, r).getAsDouble(), 1e-9);
        assertEquals(1.5, Report.targetValue(5, r).getAsDouble(), 1e-9);
        assertEquals(1.9, Report.targetValue(6, r).getAsDouble(), 1e-9);
        // 2 threads per driver, 1 of them the JDK's reaper: 1 of its own
        assertEquals(1.0, Report.targetValue(8, r).getAsDouble(), 1e-9);
        assertEquals(2.0, Report.heapPerDriverKiB(r).getAsDouble(), 1e-9);
        assertEquals(0.95, Report.targetValue(9, r).getAsDouble(), 1e-9);
        assertTrue(Report.targetValue(10, r).isEmpty(), "16 MiB was not measured");
        assertEquals(Report.targetList().size() - 1, 10);
    }

    @Test
    void reportPrintsEveryPassAndVerdict() {
        Results unpinned = new Results().put("meta.label", "unpinned")
                .put("rtt.umd.16.median_us", 11).put("rtt.java.16.median_us", 10).put("rtt.c.16.median_us", 5);
        Results pinned = new Results().put("meta.label", "pinned")
                .put("rtt.umd.16.median_us", 3).put("rtt.java.16.median_us", 3).put("rtt.c.16.median_us", 2.5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Report(List.of(new Report.Run("unpinned", unpinned), new Report.Run("pinned", pinned)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8)).print();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("-- unpinned --") && text.contains("-- pinned --"), text);
        assertTrue(text.matches("(?s).*16 B call <= 1.10x plain Java.*\\| 1\\.100x\\s+met\\s+\\| 1\\.000x\\s+met.*"), text);
        assertTrue(text.matches("(?s).*16 B call <= 1.5x C client.*\\| 2\\.200x\\s+MISSED\\s+\\| 1\\.200x\\s+met.*"), text);
    }

    @Test
    void sandboxRowsSetTheManagerAgainstItsOwnPlannedLaunch() {
        Results r = new Results().put("meta.label", "pinned")
                .put("start.umd_sandbox.restart.median_us", 40_000).put("start.umd.restart.median_us", 8_000)
                .put("start.java.pb_like_manager_sandbox.median_us", 32_000).put("start.java.pb_like_manager.median_us", 3_000)
                .put("start.java.pb.median_us", 1_000);
        assertEquals(32.0, Report.differenceMillis(r, "start.umd_sandbox.restart", "start.umd.restart").getAsDouble(), 1e-9);
        assertTrue(Report.differenceMillis(r, "start.umd_sandbox.start", "start.umd.start").isEmpty());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Report(List.of(new Report.Run("pinned", r)), new PrintStream(bytes, true, StandardCharsets.UTF_8)).print();
        String text = bytes.toString(StandardCharsets.UTF_8);
        // the manager's own part: 40 - 32 ms sandboxed, 8 - 3 ms without; the sandbox adds 3 ms to it
        assertTrue(text.matches("(?s).*umd restart - bare, ms\\s+\\|\\s+8\\.00\\s+5\\.00\\s+\\+3\\.00.*"), text);
        assertTrue(text.matches("(?s).*ratio umd restart / bare\\s+\\|\\s+1\\.25x\\s+2\\.67x.*"), text);
        assertTrue(text.matches("(?s).*ratio bare / plain ProcessBuilder\\s+\\|\\s+32\\.00x\\s+3\\.00x.*"), text);
    }
}
