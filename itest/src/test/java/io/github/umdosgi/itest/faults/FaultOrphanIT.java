package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;

/**
 * Handlers that fork a child which keeps the handler's stdin, stdout and stderr open and ignores
 * SIGTERM/SIGHUP ('G'; 'F' without the ignoring). Whatever happens to the handler, no process of
 * its tree may outlive the driver, and a call must never hang on a pipe the child holds.
 *
 * <p>Children that outlive their handler are reparented away from this JVM, so the usual
 * descendant-based checks cannot see them: these tests check the child's pid itself, and kill any
 * child they made that the manager left running, so a failing run leaves nothing either.
 *
 * <p>These handlers run unconfined ({@code sandbox=none}): the child's pid the handler reports is
 * only meaningful outside a pid namespace, and this is the tree kill of an unconfined handler
 * (session and subreaper). Inside the sandbox the pid namespace takes every such child along:
 * SandboxAttackIT shows that for the same escapes.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultOrphanIT extends FaultTestSupport {

    /** Children the test made; killed after the test if the manager left them. */
    private final List<Long> children = new ArrayList<>();

    @After
    public void killLeftoverChildren() {
        for (long pid : children) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        children.clear();
    }

    /** "pid N, parent P, alive" for messages: an orphan's parent is no longer the handler. */
    private static String describe(long pid) {
        return ProcessHandle.of(pid).map(p -> "pid " + pid + ", parent "
                + p.parent().map(pp -> Long.toString(pp.pid())).orElse("?") + (p.isAlive() ? ", alive" : ", dead"))
                .orElse("pid " + pid + " gone");
    }

    private long fork(String d, char op) throws Exception {
        long child = Long.parseLong(call(d, op, ""));
        children.add(child);
        assertAlive("the handler's child", child);
        return child;
    }

    /**
     * The child is still the handler's descendant when the tree is killed: by {@code kill(name)},
     * then (after a restart) by stopping the bundle.
     */
    @Test
    public void childIgnoringSigtermDiesWithItsHandler() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fchild";
        Bundle b = startFaultDriver(d, UNCONFINED);
        long pid = pid(d);
        long child = fork(d, 'G');

        assertEquals("handler processes signalled", 1, admin.kill(d));
        assertProcessGone(pid);
        assertProcessGone(child);
        assertEchoWorks(d, "after kill");

        long pid2 = pid(d);
        long child2 = fork(d, 'G');
        b.stop();
        assertProcessGone(pid2);
        assertProcessGone(child2);
        assertNothingLeft(d);

        finish("G then kill(name), G then stop", b, d, before, "children " + child + " and " + child2
                + " gone with their handlers");
    }

    /**
     * The handler is killed from outside, the child outlives it holding the old pipes; the driver
     * restarts on the next call, and once the bundle stops, no process of the first tree is left.
     */
    @Test
    public void childOutlivingItsHandlerIsGoneAfterUnload() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "forphan";
        Bundle b = startFaultDriver(d, UNCONFINED);
        long pid = pid(d);
        long child = fork(d, 'G');

        // SIGKILL to the handler alone: its child is orphaned and keeps the pipes open.
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        assertProcessGone(pid);
        awaitDeathRecorded(d, pid, "(killed|signal 9)");
        String orphan = describe(child);
        long callStart = System.nanoTime();
        assertEchoWorks(d, "after the handler was killed");
        long callTook = System.nanoTime() - callStart;

        long stopStart = System.nanoTime();
        b.stop();
        long stopTook = System.nanoTime() - stopStart;
        assertNothingLeft(d);
        Waits.waitFor("the orphaned child " + child + " of handler " + pid + " is gone after the bundle stopped"
                + " (after the handler's death it was: " + orphan + "; the next call took " + ms(callTook)
                + ", the stop " + ms(stopTook) + ")",
                Waits.SOON, () -> !HandlerProcesses.alive(child));

        finish("G, handler killed outside, stop", b, d, before, "orphan " + child
                + " gone after stop; next call took " + ms(callTook) + ", stop took " + ms(stopTook));
    }

    /**
     * 'F' then 'D': the handler exits before replying while its child holds the reply pipe open, so
     * no end of stream comes. The call must still end (TransportException for the exit, or at the
     * latest CallTimeoutException at its 500 ms timeout), the next call must work, and the child
     * must be gone once the bundle stops.
     */
    @Test
    public void handlerDyingWhileItsChildHoldsTheReplyPipe() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fheld";
        Bundle b = startFaultDriver(d, UNCONFINED);
        long pid = pid(d);
        long child = fork(d, 'F');

        Bounded call = Bounded.start("call-D", () -> umd.call(d, req('D', ""), Duration.ofMillis(500)));
        if (!call.await(Duration.ofSeconds(5))) {
            // Unblock the manager before failing, so the failure leaves nothing behind.
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
            call.await(Waits.SOON);
            fail("a call whose handler exited (status 3) while its child held stdout did not return within 5 s"
                    + " although its timeout was 500 ms; after killing the child " + child + " it "
                    + call.describe() + "; driver: " + umd.driver(d).orElse(null));
        }
        Throwable t = call.thrown();
        if (t == null || (t.getClass() != TransportException.class && t.getClass() != CallTimeoutException.class)) {
            AssertionError e = new AssertionError("expected TransportException or CallTimeoutException, but it "
                    + call.describe());
            e.initCause(t);
            throw e;
        }
        if (t.getClass() == TransportException.class) {
            assertMentions("the message says how the handler exited", "status 3", t.getMessage());
        }
        assertProcessGone(pid);
        assertEchoWorks(d, "after the exit");

        b.stop();
        assertNothingLeft(d);
        Waits.waitFor("the child " + child + " that held the reply pipe is gone after the bundle stopped",
                Waits.SOON, () -> !HandlerProcesses.alive(child));

        finish("F then D (child holds stdout)", b, d, before, t.getClass().getSimpleName() + ": " + t.getMessage());
    }
}
