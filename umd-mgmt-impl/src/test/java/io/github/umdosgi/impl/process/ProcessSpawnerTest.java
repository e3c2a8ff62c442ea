package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessSpawnerTest {

    @TempDir
    Path temp;

    private final List<Process> processes = new ArrayList<>();
    private final List<ProcessSpawner> spawners = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        spawners.forEach(ProcessSpawner::close);
    }

    private ProcessSpawner spawner(ProcessSpawner s) {
        spawners.add(s);
        return s;
    }

    private Process spawnCat(ProcessSpawner spawner) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("/bin/cat").directory(temp.toFile());
        Process p = spawner.spawn(builder);
        processes.add(p);
        return p;
    }

    private static boolean setprivInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/setpriv"));
    }

    @Test
    void guardIsUsedExactlyWhenSetprivIsInstalled() {
        assertEquals(setprivInstalled(), spawner(ProcessSpawner.withParentDeathGuard()).guarded());
        assertFalse(spawner(new ProcessSpawner(List.of())).guarded());
    }

    @Test
    void commandIsPrefixedWithTheGuardAndTheHandlerKeepsItsPid() throws Exception {
        assumeTrue(setprivInstalled());
        ProcessSpawner spawner = spawner(ProcessSpawner.withParentDeathGuard());
        ProcessBuilder builder = new ProcessBuilder("/bin/cat").directory(temp.toFile());
        Process p = spawner.spawn(builder);
        processes.add(p);
        assertEquals(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/cat"), builder.command());
        // setpriv execs the handler: the pid we hold is the handler's own.
        awaitExecOf(p, "cat");
        assertTrue(p.isAlive());
    }

    /**
     * Waits until setpriv has exec'd the handler. Before that, the parent-death
     * signal may not be set up yet: start() returns once setpriv runs.
     */
    private static void awaitExecOf(Process p, String comm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip();
            if (seen.equals(comm)) {
                return;
            }
            Thread.sleep(5);
        }
        assertEquals(comm, seen);
    }

    @Test
    void handlerSurvivesTheEndOfTheThreadThatAskedForIt() throws Exception {
        assumeTrue(setprivInstalled());
        ProcessSpawner spawner = spawner(ProcessSpawner.withParentDeathGuard());
        AtomicReference<Process> started = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                started.set(spawnCat(spawner));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        caller.start();
        caller.join();
        assertFalse(caller.isAlive());
        Process p = started.get();
        awaitExecOf(p, "cat");
        // The parent-death signal would come at once if it were tied to the calling thread.
        assertFalse(p.waitFor(500, TimeUnit.MILLISECONDS), "the handler must still run");
    }

    @Test
    void closingAGuardedSpawnerKillsItsHandlers() throws Exception {
        assumeTrue(setprivInstalled());
        ProcessSpawner spawner = spawner(ProcessSpawner.withParentDeathGuard());
        Process p = spawnCat(spawner);
        awaitExecOf(p, "cat");
        spawner.close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the parent-death signal killed the handler");
        assertEquals(128 + 9, p.exitValue());
    }

    @Test
    void closingAnUnguardedSpawnerLeavesHandlersRunning() throws Exception {
        ProcessSpawner spawner = spawner(new ProcessSpawner(List.of()));
        Process p = spawnCat(spawner);
        spawner.close();
        assertFalse(p.waitFor(500, TimeUnit.MILLISECONDS));
    }

    @Test
    void execFailureIsAnIOException() {
        ProcessSpawner spawner = spawner(new ProcessSpawner(List.of()));
        IOException e = assertThrows(IOException.class,
                () -> spawner.spawn(new ProcessBuilder(temp.resolve("missing").toString())));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void spawnAfterCloseIsAnIOException() {
        ProcessSpawner spawner = spawner(new ProcessSpawner(List.of()));
        spawner.close();
        // spawn() promises IOException for a start that cannot happen; callers only catch that.
        assertThrows(IOException.class, () -> spawnCat(spawner));
    }
}
