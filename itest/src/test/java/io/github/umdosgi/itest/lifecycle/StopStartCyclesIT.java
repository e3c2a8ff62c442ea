package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.Payloads;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;

/**
 * Issue case 10: N stop/start cycles of the sample loader bundle with a call in each leak nothing:
 * no handler process, file descriptor, thread or private directory. N is the issue's
 * {@value #DEFAULT_CYCLES} by default (about 20 s here) and {@value #SOAK_CYCLES} with
 * {@code -Dumd.soak=true}.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StopStartCyclesIT extends UmdTestSupport {

    static final int DEFAULT_CYCLES = 1000;
    static final int SOAK_CYCLES = 5000;

    /** fds and threads the JDK and the framework may open or pool on their own. */
    private static final int SLACK = 16;

    @Test
    public void stopStartWithACallEachLeaksNothing() throws Exception {
        int cycles = Soak.pick(DEFAULT_CYCLES, SOAK_CYCLES);
        awaitSampleReady();
        Bundle loader = sampleBundle();
        // Warm up once so that lazily created JDK and framework resources are not counted as leaks.
        cycle(loader, 0, new Random(1), new ArrayList<>());
        LeakProbe before = LeakProbe.take(root());
        DriverInfo first = info(SAMPLE);

        Random rnd = new Random(42);
        List<Long> pids = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 1; i <= cycles; i++) {
            cycle(loader, i, rnd, pids);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        LeakProbe after = LeakProbe.assertNoGrowth(cycles + " stop/start cycles", root(), before, SLACK);
        System.out.printf("[StopStartCyclesIT] %d cycles in %.1f s = %.1f cycles/s; before %s, after %s%n",
                cycles, seconds, cycles / seconds, before, after);
        DriverInfo last = info(SAMPLE);
        // Counters belong to a load, and every cycle is a new load: one start and no failure in the last one.
        assertEquals("one handler start in the last cycle's load: first " + first + ", last " + last,
                1, last.starts());
        assertEquals("no failed calls: " + last, 0, last.failures());
        assertEquals("distinct handler processes, one per cycle", cycles, pids.stream().distinct().count());
        long stillAlive = pids.subList(0, pids.size() - 1).stream()
                .filter(pid -> HandlerProcesses.alive(pid) && isHandler(pid)).count();
        assertEquals("handlers of earlier cycles still alive", 0, stillAlive);
    }

    private void cycle(Bundle loader, int i, Random rnd, List<Long> pids) throws Exception {
        loader.stop();
        DriverInfo stopped = info(SAMPLE);
        assertEquals("cycle " + i + ": " + stopped, DriverState.NOT_LOADED, stopped.state());
        assertFalse("cycle " + i + ": pid after stop: " + stopped, stopped.pid().isPresent());
        assertTrue("cycle " + i + ": private directory deleted by the stop",
                HandlerProcesses.privateDirs(root(), SAMPLE).isEmpty());

        loader.start();
        int offset = rnd.nextInt(128) * 1024;
        byte[] reply = Waits.runBounded("cycle " + i + " call", () -> umd.call(SAMPLE, Payloads.offset(offset)));
        assertNull("cycle " + i, Payloads.sampleReplyProblem(reply, offset));
        DriverInfo running = info(SAMPLE);
        long pid = running.pid().orElseThrow(() -> new AssertionError("no pid after the call: " + running));
        if (!pids.isEmpty()) {
            assertNotEquals("cycle " + i + ": a new handler per load", (long) pids.get(pids.size() - 1), pid);
        }
        pids.add(pid);
    }

    /** Whether a live pid is (still) one of our handlers, not a recycled pid of something else. */
    private boolean isHandler(long pid) {
        return HandlerProcesses.under(root()).stream().anyMatch(p -> p.pid() == pid);
    }
}
