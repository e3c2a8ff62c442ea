package io.github.umdosgi.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.testkit.BundleJar;

/**
 * One driver, one handler per platform, chosen as {@code Bundle-NativeCode} chooses a library:
 * by the framework's {@code org.osgi.framework.os.name} and {@code .processor}.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformSelectionIT extends UmdTestSupport {

    @Test
    public void theClauseForThisPlatformIsLoadedAndTheOthersAreNeverTouched() throws Exception {
        byte[] echo = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        String here = bundleContext.getProperty("org.osgi.framework.processor");
        // The first clause names a processor this machine is not; its handler is not even in the bundle.
        Bundle b = install("itest:platforms", BundleJar.named("itest.platforms")
                .driverHeader("multi;handler=bin/nowhere/tool;processor=" + (here.equals("sparc") ? "mips" : "sparc")
                        + ", multi;handler=bin/echo-handler;osname=\"Linux, Mac OS X\";processor=" + here
                        + ", multi;handler=bin/fallback/tool")
                .entry("bin/echo-handler", echo), "multi");
        b.start();

        DriverInfo info = awaitState("multi", DriverState.IDLE);
        assertTrue("running: " + info, info.instances().get(0).pid().isPresent());
        assertArrayEquals("platform".getBytes(), umd.call("multi", "platform".getBytes()));
        b.uninstall();
        assertNothingLeft("multi");
    }

    @Test
    public void aDriverWithNoHandlerForThisPlatformFailsSayingSo() throws Exception {
        Bundle b = install("itest:alien", BundleJar.named("itest.alien")
                .driverHeader("alien;handler=bin/echo-handler;osname=plan9")
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "alien");
        b.start();

        assertEquals("the bundle itself starts", Bundle.ACTIVE, b.getState());
        DriverInfo failed = awaitState("alien", DriverState.FAILED);
        String reason = failed.lastError().orElse("");
        assertTrue(reason, reason.contains("no handler for this platform") && reason.contains("plan9"));
        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "a call to it",
                () -> umd.call("alien", new byte[] {1}));
        assertTrue(e.getMessage(), e.getMessage().contains("no handler for this platform"));
        assertNothingLeft("alien");
        b.uninstall();
    }
}
