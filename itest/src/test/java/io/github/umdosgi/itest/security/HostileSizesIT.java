package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Sizes a hostile bundle or handler declares but does not deliver: a handler
 * entry that inflates far beyond the manager's bound (a zip bomb), and a reply
 * header that declares 1 GiB under {@code max-message=1073741824} (the largest a
 * header may declare; 2147483647 is refused) and sends ten bytes. Neither may cost the manager what was declared.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostileSizesIT extends SecurityTestSupport {

    /** The largest maximum message size a driver may declare (DriverDescriptor.MAX_MESSAGE_LIMIT). */
    private static final int MAX_MESSAGE = 1 << 30;

    /** The bound this framework runs with; the sample handler (under 1 MiB) fits. */
    private static final long MAX_HANDLER = 16L << 20;

    /** Declares 1 GiB less one in reply to every request, sends ten bytes, then waits or exits. */
    private static String forger(String then) {
        return "#!/bin/sh\n"
                + "while head -c 5 >/dev/null; do\n"
                + "  printf '\\077\\377\\377\\3770123456789'\n"
                + "  " + then + "\n"
                + "done\n";
    }

    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                frameworkProperty("io.github.umdosgi.maxHandlerSize").value(Long.toString(MAX_HANDLER)));
    }

    @Test
    public void aHandlerEntryThatInflatesBeyondTheBoundIsRefusedAndLeavesNothing() throws Exception {
        // "#!/bin/sh", then 64 MiB of zeros: deflated, the bundle is a few tens of KiB.
        byte[] bomb = Arrays.copyOf("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII), 64 << 20);
        BundleJar spec = BundleJar.named("itest.bomb").driverHeader("bomb;handler=bin/bomb")
                .entry("bin/bomb", bomb);
        int jarSize = spec.build().length;
        Bundle b = install("itest:bomb", spec, "bomb");
        b.start();
        DriverInfo d = awaitState("bomb", DriverState.FAILED);
        String reason = d.lastError().orElse("");
        System.out.println("[HostileSizesIT] a " + jarSize + "-byte bundle holding a 64 MiB handler: " + reason);
        assertTrue("the reason names the entry and the bound: " + reason,
                reason.contains("bin/bomb") && reason.contains(Long.toString(MAX_HANDLER)));
        assertNothingLeft("bomb");
    }

    @Test
    public void aForgedReplyLengthCostsNoMoreThanWhatCameAndTheHandlerIsKilled() throws Exception {
        Bundle b = install("itest:forged", BundleJar.named("itest.forged")
                .driverHeader("forged;handler=bin/forged;max-message=" + MAX_MESSAGE)
                .entry("bin/forged", forger("sleep 600")), "forged");
        b.start();
        long pid = awaitState("forged", DriverState.IDLE).pid().orElseThrow();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        // The reply is read on the calling thread: what that thread allocates is what the reply cost.
        long[] allocatedBox = new long[1];
        CallTimeoutException timedOut = Waits.expectThrows(CallTimeoutException.class, "a call to the forger", () -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                return umd.call("forged", new byte[] {'a'}, Duration.ofSeconds(2));
            } finally {
                allocatedBox[0] = threads.getCurrentThreadAllocatedBytes() - before;
            }
        });
        long allocated = allocatedBox[0];
        System.out.println("[HostileSizesIT] 1 GiB declared, 10 bytes sent: " + allocated
                + " bytes allocated by the caller; " + timedOut.getMessage());
        assertTrue(allocated + " bytes allocated", allocated < 8 << 20);
        assertProcessGone(pid);

        // The next call gets a fresh handler, which lies again and is killed again.
        Waits.expectThrows(CallTimeoutException.class, "a second call",
                () -> umd.call("forged", new byte[] {'a'}, Duration.ofSeconds(2)));
        DriverInfo after = info("forged");
        assertTrue("a new handler served the second call: " + after, after.starts() >= 2);
        assertEquals("both calls failed: " + after, 2, after.failures());
    }

    @Test
    public void aMaximumMessageSizeBeyondOneGibibyteIsRefused() throws Exception {
        Bundle b = install("itest:toolarge", BundleJar.named("itest.toolarge")
                .driverHeader("toolarge;handler=bin/forged;max-message=2147483647")
                .entry("bin/forged", forger("exit 0")), "toolarge");
        b.start();
        String reason = awaitState("toolarge", DriverState.FAILED).lastError().orElse("");
        assertTrue(reason, reason.contains("max-message='2147483647' is not an integer between 1 and 1073741824"));
    }

    @Test
    public void aForgedReplyLengthFromAHandlerThatExitsIsATransportError() throws Exception {
        Bundle b = install("itest:forged-exit", BundleJar.named("itest.forgedexit")
                .driverHeader("forgedexit;handler=bin/forged;max-message=" + MAX_MESSAGE)
                .entry("bin/forged", forger("exit 0")), "forgedexit");
        b.start();
        awaitState("forgedexit", DriverState.IDLE);
        TransportException e = Waits.expectThrows(TransportException.class, "a call to the forger",
                () -> umd.call("forgedexit", new byte[] {'a'}, Duration.ofSeconds(10)));
        assertTrue("not a timeout: " + e, !(e instanceof CallTimeoutException));
        assertTrue(e.getMessage(), e.getMessage().contains("after 10 bytes"));
    }
}
