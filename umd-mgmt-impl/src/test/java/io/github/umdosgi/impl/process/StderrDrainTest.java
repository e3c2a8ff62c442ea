package io.github.umdosgi.impl.process;

import static io.github.umdosgi.impl.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real pipes from real processes: a drain thread shared by many handlers. */
class StderrDrainTest {

    private final StderrDrain drain = new StderrDrain();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        drain.close();
    }

    private Process sh(String script) throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
        processes.add(p);
        return p;
    }

    private static long drainThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("umd-stderr")).count();
    }

    @Test
    void oneThreadDrainsEveryHandler() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            Process p = sh("echo hello " + i + " >&2; exec sleep 1000");
            drain.register(p.getErrorStream(), p::isAlive, "h" + i, lines::add);
        }
        await("all five lines", () -> lines.size() == 5);
        for (int i = 0; i < 5; i++) {
            assertTrue(lines.contains("h" + i + ": hello " + i), lines.toString());
        }
        assertEquals(1, drainThreads(), "one shared thread, not one per handler");
    }

    @Test
    void aHandlerWritingMegabytesNeverBlocks() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        // 8 MiB of stderr: far beyond a pipe buffer; the handler only exits if it is drained.
        Process p = sh("head -c 8388608 /dev/zero | tr '\\0' 'x' | fold -w 100 >&2; echo >&2; echo done >&2");
        StderrDrain.Source source = drain.register(p.getErrorStream(), p::isAlive, "flood", lines::add);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the flooding handler finished: its stderr was drained");
        source.finish();
        assertEquals("done", source.lastLine());
        assertTrue(lines.size() <= StderrLines.LINES_PER_SECOND * 32 + 40, "the log stays bounded: " + lines.size());
    }

    @Test
    void finishDrainsTheRestAndThePartialLineThenUnregisters() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process p = sh("printf 'one\\ntwo\\nno newline' >&2; exit 3");
        StderrDrain.Source source = drain.register(p.getErrorStream(), p::isAlive, "h", lines::add);
        assertEquals(3, p.waitFor());
        source.finish();
        assertEquals(List.of("h: one", "h: two", "h: no newline"), lines);
        source.finish();
        assertEquals(3, lines.size(), "finish is idempotent");
    }

    @Test
    void closeStopsTheThread() throws Exception {
        Process p = sh("echo x >&2; exec sleep 1000");
        List<String> lines = new CopyOnWriteArrayList<>();
        drain.register(p.getErrorStream(), p::isAlive, "h", lines::add);
        await("the line", () -> lines.size() == 1);
        drain.close();
        await("the drain thread ended", () -> drainThreads() == 0);
        assertFalse(lines.isEmpty());
    }

    /**
     * A handler that closes its stderr at once but lives on: its end of file must not stop, stall
     * or break the shared drain for the others, nor make up a line.
     */
    @Test
    void aHandlerClosingItsStderrEarlyLeavesTheDrainServingTheOthers() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process closer = sh("exec 2>&-; exec sleep 1000");
        StderrDrain.Source early = drain.register(closer.getErrorStream(), closer::isAlive, "early", lines::add);
        Path closerStderr = Path.of("/proc", Long.toString(closer.pid()), "fd", "2");
        await("the handler closed its stderr", () -> Files.notExists(closerStderr, LinkOption.NOFOLLOW_LINKS));

        Process talker = sh("echo after >&2; exec sleep 1000");
        drain.register(talker.getErrorStream(), talker::isAlive, "talker", lines::add);
        await("the other handler's line arrived", () -> lines.contains("talker: after"));

        closer.destroyForcibly().waitFor();
        early.finish();
        assertNull(early.lastLine(), "no line from a stderr closed before writing");
        assertEquals(List.of("talker: after"), lines);
    }
}
