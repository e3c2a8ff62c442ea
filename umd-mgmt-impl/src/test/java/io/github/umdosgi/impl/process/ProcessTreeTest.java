package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** ProcessTree against real processes: a shell with a child, and the child alone. */
class ProcessTreeTest {

    @Test
    void childrenAreSeenThroughTheCheapListsAndTheFullPass() throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", "sleep 1000 & wait").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<ProcessHandle> below;
            while ((below = ProcessTree.below(shell.pid(), false)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("the shell's child never showed");
                }
                Thread.sleep(10);
            }
            assertEquals(1, below.size(), below.toString());
            long sleeper = below.get(0).pid();
            assertTrue(ProcessTree.hasChildren(shell.pid()), "the shell has its sleep");
            assertFalse(ProcessTree.hasChildren(sleeper), "the sleep has none");
            assertTrue(ProcessTree.hasChildren(Long.MAX_VALUE), "unknown counts as yes: the full pass then decides");
            below.get(0).destroyForcibly();
        } finally {
            shell.destroyForcibly();
            shell.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
