package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdPaxExam;

/**
 * Handlers that die (or stop talking) around a reply: before it, in the middle of it, right after
 * it, by closing stdout, and on every call until the restart policy gives up. Each case checks the
 * caller's outcome, that the manager stays usable and that nothing leaks. One driver per case, so
 * counters and lastError are the case's own.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultDeathIT extends FaultTestSupport {

    /** 'D': the handler exits with status 3 before replying. */
    @Test
    public void diesBeforeReplying() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fdie";
        Bundle b = startFaultDriver(d, "");
        assertEchoWorks(d, "warm-up");
        DriverInfo loaded = info(d);
        long pid = loaded.pid().getAsLong();

        TransportException e = expectExactly(TransportException.class, "exit\\w* with status 3",
                "call 'D'", () -> umd.call(d, req('D', "")));
        assertEquals(d, e.driverName());

        assertProcessGone(pid);
        DriverInfo failed = info(d);
        assertMentions("lastError", "status 3", failed.lastError().orElse(null));
        assertEquals("failures counted: " + failed, loaded.failures() + 1, failed.failures());
        assertNextCallRestarts(d, loaded, pid);
        assertOneHandler(d);

        finish("D: exit(3) before reply", b, d, before, "TransportException: " + e.getMessage());
    }

    /** 'P': the handler announces 1000 bytes, writes 500 of them and exits with status 4. */
    @Test
    public void diesInTheMiddleOfAReply() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fpartial";
        Bundle b = startFaultDriver(d, "");
        DriverInfo loaded = info(d);
        long pid = loaded.pid().getAsLong();

        TransportException e = expectExactly(TransportException.class, "exit\\w* with status 4",
                "call 'P1000'", () -> umd.call(d, req('P', "1000")));
        assertMentions("the message says the frame was cut short", "(inside|partial|incomplete|truncat|after 500)",
                e.getMessage());

        assertProcessGone(pid);
        assertNextCallRestarts(d, loaded, pid);
        assertOneHandler(d);

        finish("P: half a reply, exit(4)", b, d, before, "TransportException: " + e.getMessage());
    }

    /** 'A': the handler replies, then exits at once: that call has its reply, the next one restarts. */
    @Test
    public void diesRightAfterReplying() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fafter";
        Bundle b = startFaultDriver(d, "");
        DriverInfo loaded = info(d);
        long pid = loaded.pid().getAsLong();

        assertEquals("the call that made the handler exit gets its reply", "last words", call(d, 'A', "last words"));

        // Eager exit detection: the manager sees the death without a call. Waiting for it keeps
        // the next call from racing the exit (that race would be a TransportException by contract).
        DriverInfo dead = awaitDeathRecorded(d, pid, "status 0");
        assertNotEquals("an exit is not a failed driver: " + dead, DriverState.FAILED, dead.state());
        assertProcessGone(pid);
        assertNextCallRestarts(d, loaded, pid);
        assertOneHandler(d);
        assertEquals("no call failed: " + info(d), 0, info(d).failures());

        finish("A: reply then exit(0)", b, d, before, "reply received; next call restarted (starts "
                + loaded.starts() + "->" + info(d).starts() + ")");
    }

    /** 'C': the handler closes stdout but keeps running: the manager sees end of stream and kills it. */
    @Test
    public void closesStdoutButKeepsRunning() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fclosed";
        // Unconfined: in the sandbox, bubblewrap's own two processes hold the stdout pipe too, so a
        // handler that closes it but keeps running is ended by the call timeout instead (see docs/SECURITY.md).
        Bundle b = startFaultDriver(d, UNCONFINED);
        DriverInfo loaded = info(d);
        long pid = loaded.pid().getAsLong();

        // A bounded call timeout, so a manager that could not see the end of stream fails the test
        // with CallTimeoutException instead of hanging it.
        TransportException e = expectExactly(TransportException.class, "(end of stream|eof|closed)",
                "call 'C'", () -> umd.call(d, req('C', ""), Duration.ofSeconds(10)));

        assertProcessGone(pid);
        assertTrue("no process left for the driver: " + handlersOf(d), handlersOf(d).isEmpty());
        assertNextCallRestarts(d, loaded, pid);
        assertOneHandler(d);

        finish("C: close(stdout), keep running", b, d, before, "TransportException: " + e.getMessage());
    }

    /**
     * 'X' on every call, restart-intensity=3 within 10 s: three restarts are made (with growing
     * backoff), the fourth is refused, the driver is FAILED, further calls fail at once without
     * starting anything, and an operator restart brings it back.
     */
    @Test
    public void alwaysCrashingHandlerStopsBeingRestarted() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fcrashy";
        Bundle b = startFaultDriver(d, "restart-intensity=3;restart-period=10000");
        assertEquals(1, info(d).starts());

        List<Long> durations = new ArrayList<>();
        HandlerStartException refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            long t0 = System.nanoTime();
            try {
                umd.call(d, req('X', "5"), Duration.ofSeconds(10));
                throw new AssertionError("call " + i + " of 'X5' returned a reply");
            } catch (HandlerStartException e) {
                refused = e;
            } catch (UmdException e) {
                checkExactly(TransportException.class, "status 5", "call " + i + " of 'X5'", e);
            }
            durations.add(System.nanoTime() - t0);
        }
        assertTrue("the restart policy never refused: " + info(d), refused != null);
        assertMentions("the refusal says restarting stopped", "restart.*(stop|no longer|gave up|give up)",
                refused.getMessage());
        DriverInfo failed = info(d);
        assertEquals("FAILED after the refusal: " + failed, DriverState.FAILED, failed.state());
        assertMentions("lastError says restarting stopped", "restart.*(stop|no longer|gave up|give up)",
                failed.lastError().orElse(null));
        // Call 0 used the handler started at load; calls 1..3 restarted it; call 4 was refused.
        assertEquals("calls until the refusal (restarts allowed: 3)", 5, durations.size());
        assertEquals("starts: the load's plus 3 restarts: " + failed, 4, failed.starts());
        // Backoff: none before the first consecutive restart, then 10 ms, then 20 ms (lower bounds
        // only: a sleep is never shorter than asked; no upper bound is asserted).
        assertTrue("the 2nd restart waited a backoff: " + ms(durations.get(2)), durations.get(2) >= 5_000_000L);
        assertTrue("the 3rd restart waited a longer backoff: " + ms(durations.get(3)),
                durations.get(3) >= 10_000_000L);
        assertTrue("no handler left once FAILED: " + handlersOf(d), handlersOf(d).isEmpty());

        for (int i = 0; i < 3; i++) {
            HandlerStartException e = expectExactly(HandlerStartException.class, "fail|restart",
                    "call on the FAILED driver", () -> umd.call(d, req('E', "anyone?")));
            assertEquals(d, e.driverName());
        }
        DriverInfo still = info(d);
        assertEquals("calls on a FAILED driver start nothing: " + still, failed.starts(), still.starts());
        assertEquals(DriverState.FAILED, still.state());
        assertTrue("no handler: " + handlersOf(d), handlersOf(d).isEmpty());

        DriverInfo back = admin.restart(d);
        assertEquals("operator restart clears FAILED: " + back, DriverState.IDLE, back.state());
        assertTrue("handler runs after the operator restart: " + back, back.pid().isPresent());
        assertEchoWorks(d, "back again");
        assertOneHandler(d);

        String observed = "refused at restart 4; call times (restart backoff 0/10/20 ms): "
                + durations.stream().map(FaultTestSupport::ms).toList() + "; restart() brought it back";
        finish("X every call, intensity 3", b, d, before, observed);
    }

    /** The next echo call works on a new handler process, and the starts counter grew. */
    private void assertNextCallRestarts(String d, DriverInfo before, long deadPid) throws Exception {
        assertEchoWorks(d, "next call " + deadPid);
        DriverInfo after = info(d);
        assertEquals("state after a good call: " + after, DriverState.IDLE, after.state());
        assertTrue("a handler runs: " + after, after.pid().isPresent());
        assertNotEquals("a new handler process: " + after, deadPid, after.pid().getAsLong());
        assertTrue("starts grew: " + before.starts() + " -> " + after.starts(), after.starts() > before.starts());
    }
}
