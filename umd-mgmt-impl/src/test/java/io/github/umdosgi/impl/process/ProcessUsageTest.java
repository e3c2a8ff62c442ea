package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ProcessUsageTest {

    @Test
    void cpuTicksAreCountedAfterACommandNameWithSpacesAndParentheses() {
        // pid (comm) state ppid ... field 14 utime = 7, field 15 stime = 5
        String stat = "42 (evil ) (name) S 1 42 42 0 -1 4194560 100 0 0 0 7 5 0 0 20 0 1 0 100 1000 50";
        assertEquals(12, ProcessUsage.cpuTicks(stat));
    }

    @Test
    void residentMemoryIsReadFromStatus() {
        assertEquals(4344, ProcessUsage.residentKib("Name:\tx\nVmPeak:\t 9 kB\nVmRSS:\t    4344 kB\nThreads: 1\n"));
        assertEquals(0, ProcessUsage.residentKib("Name:\tzombie\nState:\tZ\n"), "a zombie has no VmRSS");
    }

    @Test
    void aTreeIsSummedOverTheProcessAndItsDescendants() throws Exception {
        // sh waits for its child sleep: two processes.
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", "sleep 30; exit 0")).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Optional<ProcessUsage> usage;
            do {
                usage = ProcessUsage.ofTree(p.pid());
            } while (usage.map(u -> u.processes() < 2).orElse(true) && System.nanoTime() < deadline);
            assertEquals(2, usage.orElseThrow().processes(), "sh and its sleep: " + usage);
            assertTrue(usage.get().residentBytes() > 0, usage.toString());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
        assertEquals(Optional.empty(), ProcessUsage.ofTree(p.pid()), "a reaped process has no usage");
    }
}
