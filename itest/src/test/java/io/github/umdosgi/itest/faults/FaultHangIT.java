package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;

/**
 * Handlers that never answer, or announce a reply they never send: a call that hangs is cut by the
 * call timeout (the handler and its children killed), a forged reply length is refused before
 * anything is allocated, and a post-start hook that never finishes fails the load within the start
 * timeout.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultHangIT extends FaultTestSupport {

    private static final long MIB = 1024 * 1024;

    /** 'F' then 'H' with a 500 ms call timeout: the handler and the child it forked are killed. */
    @Test
    public void hangingHandlerAndItsChildAreKilledAtTheTimeout() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fhang";
        Bundle b = startFaultDriver(d, "");
        long pid = pid(d);
        call(d, 'F', "");
        // The child's pid as the host sees it (inside the sandbox's pid namespace it has another).
        List<ProcessHandle> tree = HandlerProcesses.ofDriver(root(), d);
        assertEquals("the child is the handler's: " + handlersOf(d), 2, tree.size());
        long child = tree.stream().filter(p -> p.parent().map(up -> tree.contains(up)).orElse(false))
                .findFirst().orElseThrow().pid();
        assertAlive("the handler's child", child);

        CallTimeoutException e = expectExactly(CallTimeoutException.class, "(time[d ]?out|timed out)",
                "call 'H' with a 500 ms timeout", () -> umd.call(d, req('H', ""), Duration.ofMillis(500)));
        assertEquals(d, e.driverName());

        assertProcessGone(pid);
        assertProcessGone(child);
        DriverInfo after = info(d);
        assertMentions("lastError records the timeout", "(time[d ]?out|timed out)", after.lastError().orElse(null));
        assertEchoWorks(d, "after the timeout");
        assertOneHandler(d);

        finish("H after F, timeout 500 ms", b, d, before, "CallTimeoutException: " + e.getMessage()
                + "; handler and child " + child + " gone");
    }

    /**
     * 'L': reply headers announcing 0xFFFFFFFF and 0x7FFFFFFF bytes with max-message=65536: refused
     * as a protocol error before any allocation, the handler killed, the driver usable.
     */
    @Test
    public void forgedReplyLengthsAreRefusedWithoutAllocating() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fforged";
        Bundle b = startFaultDriver(d, "max-message=65536");
        StringBuilder observed = new StringBuilder();

        for (String announced : List.of("ffffffff", "7fffffff")) {
            long pid = pid(d);
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long usedBefore = rt.totalMemory() - rt.freeMemory();

            ProtocolException e = expectExactly(ProtocolException.class, "(maximum|too large|exceed|limit)",
                    "reply announcing 0x" + announced + " bytes",
                    () -> umd.call(d, req('L', announced), Duration.ofSeconds(10)));

            long usedAfter = rt.totalMemory() - rt.freeMemory();
            long grown = usedAfter - usedBefore;
            assertMentions("the message gives the announced length", Long.toString(Long.parseLong(announced, 16)),
                    e.getMessage());
            assertTrue("used heap grew by " + grown / MIB + " MiB: something was allocated for the forged length",
                    grown < 64 * MIB);
            assertProcessGone(pid);
            assertMentions("lastError records the protocol error", "(maximum|too large|exceed|limit)",
                    info(d).lastError().orElse(null));
            assertEchoWorks(d, "after 0x" + announced);
            observed.append("0x").append(announced).append(": ProtocolException '").append(e.getMessage())
                    .append("', heap +").append(grown / 1024).append(" KiB; ");
        }
        assertOneHandler(d);

        finish("L forged length", b, d, before, observed.toString());
    }

    /** A post-start hook whose health check the handler never answers ('H'): the load fails at the start timeout. */
    @Test
    public void postStartHookWhoseRequestIsNeverAnswered() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fhookhang";
        Bundle owner = startOwnerBundle(d);
        DriverDescriptor descriptor = DriverDescriptor.builder(d, HANDLER_PATH).sha256(faultDigest())
                .startTimeout(Duration.ofMillis(500)).build();

        HandlerStartException e = expectExactly(HandlerStartException.class, "(time[d ]?out|timed out)",
                "load with a hook that waits for 'H'",
                () -> loaderOf(owner).load(descriptor, channel -> channel.call(req('H', ""))));
        assertEquals(d, e.driverName());

        assertFailedAndClean(d);
        assertRecovers(owner, descriptor.toBuilder().startTimeout(DriverDescriptor.DEFAULT_START_TIMEOUT).build());

        finish("post-start hook, 'H'", owner, d, before, "HandlerStartException: " + e.getMessage());
    }

    /** The same with FAULT_MODE=nofirstreply through a wrapper: the hook's first request is dropped. */
    @Test
    public void postStartHookWithAHandlerThatDropsTheFirstRequest() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fhooknofirst";
        Bundle owner = startOwnerBundle(d);
        DriverDescriptor descriptor = DriverDescriptor.builder(d, HANDLER_PATH).sha256(faultDigest())
                .startTimeout(Duration.ofMillis(500)).build();
        AtomicInteger hookRuns = new AtomicInteger();

        HandlerStartException e = expectExactly(HandlerStartException.class, "(time[d ]?out|timed out)",
                "load with FAULT_MODE=nofirstreply", () -> loaderOf(owner).load(
                        descriptor.toBuilder().wrapper(List.of("/usr/bin/env", "FAULT_MODE=nofirstreply")).build(), channel -> {
                            hookRuns.incrementAndGet();
                            channel.call(req('E', "health"));
                        }));

        assertEquals("the hook ran once", 1, hookRuns.get());
        assertFailedAndClean(d);
        assertRecovers(owner, descriptor.toBuilder().startTimeout(DriverDescriptor.DEFAULT_START_TIMEOUT).build());

        finish("post-start hook, nofirstreply", owner, d, before, "HandlerStartException: " + e.getMessage());
    }

    /**
     * A post-start hook that blocks without using its channel (waits on a latch): the start timeout
     * ({@link DriverDescriptor#startTimeout()}: "how long a start plus its post-start hook may take")
     * must still end the load. Bounded at 5 s here; the latch is released afterwards in any case.
     */
    @Test
    public void postStartHookThatBlocksOutsideItsChannel() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fhookblock";
        Bundle owner = startOwnerBundle(d);
        DriverDescriptor descriptor = DriverDescriptor.builder(d, HANDLER_PATH).sha256(faultDigest())
                .startTimeout(Duration.ofMillis(500)).build();
        CountDownLatch release = new CountDownLatch(1);
        PostStartHook blocking = channel -> {
            if (release.await(60, TimeUnit.SECONDS)) {
                throw new Exception("hook released by the test after the bound");
            }
            throw new Exception("hook waited 60 s");
        };

        Bounded load = Bounded.start("load", () -> loaderOf(owner).load(descriptor, blocking));
        boolean returned;
        try {
            returned = load.await(Duration.ofSeconds(5));
        } finally {
            release.countDown();
        }
        if (!returned) {
            load.await(Waits.SOON);
            fail("load with a hook that blocks did not end within 5 s although start-timeout is 500 ms; "
                    + "after releasing the hook it " + load.describe() + "; driver: " + umd.driver(d).orElse(null));
        }
        checkExactly(HandlerStartException.class, "(time[d ]?out|timed out)", "load with a blocking hook",
                load.thrown() != null ? load.thrown() : new AssertionError("load " + load.describe()));

        assertFailedAndClean(d);
        assertRecovers(owner, descriptor.toBuilder().startTimeout(DriverDescriptor.DEFAULT_START_TIMEOUT).build());

        finish("post-start hook blocks (no channel)", owner, d, before,
                "HandlerStartException: " + load.thrown().getMessage());
    }

    /** After a failed load: FAILED with a reason, no process, no private directory. */
    private void assertFailedAndClean(String d) {
        DriverInfo failed = info(d);
        assertEquals("state after the failed load: " + failed, DriverState.FAILED, failed.state());
        assertMentions("lastError gives the reason", "(time[d ]?out|timed out)", failed.lastError().orElse(null));
        assertTrue("no pid: " + failed, failed.pid().isEmpty());
        assertNothingLeft(d);
        assertTrue("no private directory: " + HandlerProcesses.privateDirs(root(), d),
                HandlerProcesses.privateDirs(root(), d).isEmpty());
    }

    /** The manager stays usable: the same driver loads with a hook that passes, and answers. */
    private void assertRecovers(Bundle owner, DriverDescriptor descriptor) throws Exception {
        DriverInfo loaded = Waits.runBounded("load with a passing hook", () -> loaderOf(owner).load(descriptor, channel -> {
            if (!"ok?".equals(text(channel.call(req('E', "ok?"))))) {
                throw new Exception("health check failed");
            }
        }));
        assertEquals("loaded again: " + loaded, DriverState.IDLE, loaded.state());
        assertEchoWorks(descriptor.name(), "recovered");
        assertOneHandler(descriptor.name());
    }
}
