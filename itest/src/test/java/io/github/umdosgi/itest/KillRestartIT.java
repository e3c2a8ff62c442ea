package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.regex.Pattern;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;

/**
 * The 2020 test of the kernel code: kill the handler, the next request restarts it; and a loop of
 * request + unload. Per method, so each test starts from a fresh driver and {@code lastError}
 * cannot be left over from another test.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KillRestartIT extends UmdTestSupport {

    /** What a lastError about a handler that died should say. */
    private static final Pattern MENTIONS_EXIT = Pattern.compile("(?i).*(exit|kill|signal|died|dead|terminat).*",
            Pattern.DOTALL);

    @Before
    public void sampleLoaded() {
        awaitSampleReady();
    }

    @Test
    public void killThroughManagerThenNextCallRestarts() throws Exception {
        DriverInfo before = info(SAMPLE);
        long pid = before.pid().getAsLong();

        assertEquals("handler processes signalled", 1, admin.kill(SAMPLE));

        assertProcessGone(pid);
        // An operator kill is the manager's own doing: it need not be recorded as an error.
        DriverInfo dead = awaitDeathNoticed(pid, false);
        assertNextCallRestarts(before, dead, pid);
    }

    @Test
    public void killFromOutsideThenNextCallRestarts() throws Exception {
        DriverInfo before = info(SAMPLE);
        long pid = before.pid().getAsLong();
        ProcessHandle handler = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));

        assertTrue("SIGKILL requested", handler.destroyForcibly());

        assertProcessGone(pid);
        // A death the manager did not cause must be recorded.
        DriverInfo dead = awaitDeathNoticed(pid, true);
        assertNextCallRestarts(before, dead, pid);
    }

    @Test
    public void twentyTimesCallThenUnload() throws Exception {
        Bundle loader = sampleBundle();
        long previousPid = -1;
        for (int i = 0; i < 20; i++) {
            int offset = (i % 128) * 1024;
            byte[] reply = umd.call(SAMPLE, Payloads.offset(offset));
            assertNull("iteration " + i, Payloads.sampleReplyProblem(reply, offset));
            assertEquals("iteration " + i + ": loader active after the call", Bundle.ACTIVE, loader.getState());
            DriverInfo loaded = info(SAMPLE);
            long pid = loaded.pid().orElseThrow(() -> new AssertionError("no pid while loaded: " + loaded));
            assertNotEquals("iteration " + i + ": each load starts a new handler", previousPid, pid);
            previousPid = pid;

            loader.stop();
            DriverInfo unloaded = info(SAMPLE);
            assertEquals("iteration " + i + ": " + unloaded, DriverState.NOT_LOADED, unloaded.state());
            assertFalse("iteration " + i + ": pid after unload: " + unloaded, unloaded.pid().isPresent());
            assertProcessGone(pid);
            assertNothingLeft(SAMPLE);
        }
    }

    /**
     * Eager exit detection: without any call, the manager notices the death soon, drops the pid and
     * (when {@code errorRequired}) records why.
     */
    private DriverInfo awaitDeathNoticed(long deadPid, boolean errorRequired) {
        DriverInfo dead = Waits.waitFor("manager notices the death of handler " + deadPid
                + (errorRequired ? " and records it in lastError" : ""), Waits.SOON,
                () -> info(SAMPLE), d -> d.pid().isEmpty() && (!errorRequired || d.lastError().isPresent()));
        dead.lastError().ifPresent(error -> assertTrue("lastError should mention the exit: " + error,
                MENTIONS_EXIT.matcher(error).matches()));
        assertNotEquals("a killed handler is not a failed driver: " + dead, DriverState.FAILED, dead.state());
        return dead;
    }

    private void assertNextCallRestarts(DriverInfo before, DriverInfo dead, long deadPid) throws Exception {
        byte[] reply = umd.call(SAMPLE, Payloads.offset(5 * 1024));
        assertNull(Payloads.sampleReplyProblem(reply, 5 * 1024));
        DriverInfo after = info(SAMPLE);
        assertTrue("pid after restart: " + after, after.pid().isPresent());
        assertNotEquals("restart runs a new process", deadPid, after.pid().getAsLong());
        assertTrue("starts counter grows: before " + before.starts() + ", after " + after.starts(),
                after.starts() > before.starts());
        assertEquals("state after a successful call", DriverState.IDLE, after.state());
        assertTrue("calls counter grows", after.calls() > dead.calls());
    }
}
