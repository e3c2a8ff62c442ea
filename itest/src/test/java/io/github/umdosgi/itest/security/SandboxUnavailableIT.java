package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The sandbox fails closed: on a host where bubblewrap cannot be run (here: the manager is told
 * to use a binary that does not exist, as on a machine without the package), a driver that did
 * not opt out is FAILED with a reason that names what is missing and how to opt out, and nothing
 * of it runs; a driver with {@code sandbox=none} still works, unconfined.
 *
 * <p>The manager reads the bubblewrap path when it activates ({@code BundleContext.getProperty}
 * falls back to system properties), so the test restarts the manager bundle around it.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SandboxUnavailableIT extends UmdTestSupport {

    private static final String BWRAP_PROPERTY = "io.github.umdosgi.sandbox.bwrap";

    @Test
    public void confinedDriversFailNamingTheMissingToolAndUnconfinedOnesRun() throws Exception {
        awaitSampleReady();
        Bundle manager = bundleBySymbolicName("io.github.umdosgi.impl");
        manager.stop();
        System.setProperty(BWRAP_PROPERTY, "/nonexistent/bwrap");
        try {
            manager.start();
            UmdManager restarted = currentManager();
            DriverInfo sample = Waits.waitFor("driver 'sample' FAILED", Waits.SOON,
                    () -> restarted.driver(SAMPLE).orElse(null), d -> d != null && d.state() == DriverState.FAILED);
            String reason = sample.lastError().orElse("");
            assertTrue(reason, reason.contains("bubblewrap is not installed at /nonexistent/bwrap"));
            assertTrue(reason, reason.contains("sandbox=none"));
            assertTrue("no handler runs for it: " + sample, sample.instances().isEmpty());
            try {
                restarted.call(SAMPLE, new byte[4]);
                throw new AssertionError("a call on the failed driver succeeded");
            } catch (HandlerStartException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("bubblewrap is not installed"));
            }

            byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
            Bundle open = install("itest:unconfined-echo", BundleJar.named("itest.unconfined.echo")
                    .driverHeader("openecho;handler=bin/echo-handler;sandbox=none")
                    .entry("bin/echo-handler", handler), "openecho");
            open.start();
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(hello, restarted.call("openecho", hello));
            open.uninstall();
        } finally {
            manager.stop();
            System.clearProperty(BWRAP_PROPERTY);
            manager.start();
        }
        // Back on a host that can sandbox, the sample works again.
        UmdManager again = currentManager();
        assertEquals(DriverState.IDLE, Waits.waitFor("sample IDLE again", Waits.SOON,
                () -> again.driver(SAMPLE).orElse(null), d -> d != null && d.state() == DriverState.IDLE).state());
    }

    /** The manager service registered now: the injected one is the instance that was stopped. */
    private UmdManager currentManager() {
        return Waits.waitFor("the manager service is registered again", Waits.SOON, () -> {
            ServiceReference<UmdManager> ref = bundleContext.getServiceReference(UmdManager.class);
            return ref == null ? null : bundleContext.getService(ref);
        }, m -> m != null);
    }
}
