package io.github.umdosgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ProcessRssAndPgpReportTest {

    @Test
    void readsVmRssFromAStatusFile() {
        String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   40556 kB\nRssAnon:\t 1 kB\n";
        assertEquals(OptionalLong.of(40556), ProcessRss.vmRssKiB(status));
        assertTrue(ProcessRss.vmRssKiB("Name:\tkthreadd\nState:\tS (sleeping)\n").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ProcessRss.vmRssKiB("VmRSS:\t12 MB\n"));
        assertThrows(IllegalArgumentException.class, () -> ProcessRss.vmRssKiB("VmRSS:\t-12 kB\n"));
    }

    @Test
    void sumsTheTreeOfARealProcess() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessRss.Tree self = ProcessRss.of(ProcessHandle.current().pid());
            ProcessRss.Tree alone = ProcessRss.of(child.pid());
            assertEquals(1, alone.processes());
            assertTrue(alone.kib() > 0, "a running process has resident pages");
            // this JVM's tree holds the child too
            assertTrue(self.processes() >= 2, "processes: " + self.processes());
            assertTrue(self.kib() > alone.kib());
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThrows(java.io.IOException.class, () -> ProcessRss.of(child.pid()));
    }

    @Test
    void reportPrintsThePgpRatiosAndTheRssRows() {
        Results r = new Results().put("meta.label", "unpinned")
                .put("pgp.rsa2048.1k.umd.per_s", 500).put("pgp.rsa2048.1k.umd.median_us", 2000)
                .put("pgp.rsa2048.1k.jvm.per_s", 2000).put("pgp.rsa2048.1k.jvm.median_us", 500)
                .put("pgp.rsa2048.1k.jvm_jdk.per_s", 1000)
                .put("rss.c_sandbox.kib", 5120).put("rss.c_sandbox.procs", 4)
                .put("rss.java_echo.kib", 40960).put("rss.java_echo.procs", 4);
        assertEquals(0.25, Report.pgpRatio(r, "rsa2048.1k", "jvm").getAsDouble(), 1e-9);
        assertEquals(0.5, Report.pgpRatio(r, "rsa2048.1k", "jvm_jdk").getAsDouble(), 1e-9);
        assertTrue(Report.pgpRatio(r, "ed25519.1k", "jvm").isEmpty());
        assertEquals("500 (2000.0)", Report.perSecond(r, "pgp.rsa2048.1k.umd"));
        assertEquals("-", Report.perSecond(r, "pgp.ed25519.1m.umd"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Report(List.of(new Report.Run("unpinned", r)), new PrintStream(bytes, true, StandardCharsets.UTF_8)).print();
        String text = bytes.toString(StandardCharsets.UTF_8);
        String pgpLine = text.lines().filter(l -> l.startsWith("RSA-2048, 1 KiB file")).findFirst().orElseThrow();
        assertTrue(pgpLine.contains("0.25x") && pgpLine.contains("0.50x"), pgpLine);
        String rssLine = text.lines().filter(l -> l.startsWith("Java handler (kit echo)")).findFirst().orElseThrow();
        assertTrue(rssLine.contains("40.0 MiB") && rssLine.contains("8.00x"), rssLine);
    }
}
