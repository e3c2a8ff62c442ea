package io.github.umdosgi.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverLoader;
import io.github.umdosgi.api.DriverOwnershipException;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Client and operator apart: a bundle loads through its own {@link DriverLoader} only the
 * executables it carries, and unloads only what it loaded there; what it loaded goes when it ungets
 * the loader or stops; the operator service restarts, kills and unloads any bundle's driver.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClientOperatorSplitIT extends UmdTestSupport {

    /** This test's own bundle's loader, as pax-exam injects it: the probe carries no handler. */
    @Inject
    private DriverLoader probeLoader;

    private byte[] echo;

    @Before
    public void sampleReady() {
        awaitSampleReady();
        echo = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
    }

    /** The carrier: a bundle with the echo handler at bin/echo and no header. */
    private Bundle startCarrier(String tag, String driver) throws Exception {
        Bundle carrier = install("itest:carrier-" + tag, BundleJar.named("itest.carrier." + tag)
                .entry("bin/echo", echo), driver);
        carrier.start();
        return carrier;
    }

    /** A bundle without any handler, started, so that it has a loader of its own. */
    private Bundle startEmpty(String tag, String driver) throws Exception {
        Bundle empty = install("itest:empty-" + tag, BundleJar.named("itest.empty." + tag)
                .entry("README", "no handler here"), driver);
        empty.start();
        return empty;
    }

    @Test
    public void aBundleCannotLoadAnotherBundlesExecutable() throws Exception {
        Bundle carrier = startCarrier("exe", "stolen");
        Bundle thief = startEmpty("exe", "stolen");
        DriverDescriptor theirs = DriverDescriptor.of("stolen", "bin/echo");

        // The handler is read from the loader's own bundle, which has no bin/echo.
        HandlerStartException e = Waits.expectThrows(HandlerStartException.class,
                "load of the carrier's bin/echo through the thief's loader",
                () -> loaderOf(thief).load(theirs, null));
        assertTrue("names the entry: " + e.getMessage(), e.getMessage().contains("bin/echo"));
        assertNotLoaded("stolen");
        Waits.expectThrows(HandlerStartException.class, "the same through the test probe's injected loader",
                () -> probeLoader.load(theirs, null));
        assertNotLoaded("stolen");
        assertNothingLeft("stolen");
        loaderOf(thief).unload("stolen");

        // Control: the bundle that carries it can.
        DriverInfo loaded = loaderOf(carrier).load(theirs, null);
        assertEquals(carrier.getBundleId(), loaded.bundleId());
        assertArrayEquals("hi".getBytes(), umd.call("stolen", "hi".getBytes()));
    }

    @Test
    public void aBundleCannotUnloadNorTakeOverAnotherBundlesDriver() throws Exception {
        Bundle carrier = startCarrier("own", "carried");
        Bundle other = install("itest:other-own", BundleJar.named("itest.other.own")
                .entry("bin/echo", echo), "carried");
        other.start();
        long pid = loaderOf(carrier).load(DriverDescriptor.of("carried", "bin/echo"), null).pid().getAsLong();
        long samplePid = info(SAMPLE).pid().getAsLong();
        DriverLoader others = loaderOf(other);

        DriverOwnershipException unload = Waits.expectThrows(DriverOwnershipException.class,
                "unload of the carrier's driver through another bundle's loader", () -> {
                    others.unload("carried");
                    return null;
                });
        assertEquals("carried", unload.driverName());
        Waits.expectThrows(DriverOwnershipException.class, "unload of the sample driver through that loader", () -> {
            others.unload(SAMPLE);
            return null;
        });
        // Even with an executable of its own, it cannot load under a name another bundle loaded.
        Waits.expectThrows(DriverOwnershipException.class, "load under the carrier's name", () ->
                others.load(DriverDescriptor.of("carried", "bin/echo"), null));

        assertUnchanged("carried", carrier, pid);
        assertUnchanged(SAMPLE, sampleBundle(), samplePid);
        assertArrayEquals("still".getBytes(), umd.call("carried", "still".getBytes()));

        // Control: the owner's own loader unloads it.
        loaderOf(carrier).unload("carried");
        assertNotLoaded("carried");
        assertProcessGone(pid);
    }

    @Test
    public void aBundlesDriversGoWhenItUngetsTheLoaderOrStops() throws Exception {
        Bundle carrier = startCarrier("stop", "byunget");
        BundleContext context = carrier.getBundleContext();
        ServiceReference<DriverLoader> reference = context.getServiceReference(DriverLoader.class);
        long ungot = context.getService(reference).load(DriverDescriptor.of("byunget", "bin/echo"), null)
                .pid().getAsLong();
        assertTrue("last use released", context.ungetService(reference));
        assertNotLoaded("byunget");
        assertProcessGone(ungot);
        assertNothingLeft("byunget");

        long stopped = loaderOf(carrier).load(DriverDescriptor.of("bystop", "bin/echo"), null).pid().getAsLong();
        carrier.stop();
        assertNotLoaded("bystop");
        assertProcessGone(stopped);
        assertNothingLeft("bystop");
    }

    @Test
    public void theOperatorServiceRestartsKillsAndUnloadsAnyDriver() throws Exception {
        Bundle carrier = startCarrier("ops", "operated");
        long pid = loaderOf(carrier).load(DriverDescriptor.of("operated", "bin/echo"), null).pid().getAsLong();

        assertEquals("signalled", 1, admin.kill("operated"));
        assertProcessGone(pid);
        assertArrayEquals("back".getBytes(), umd.call("operated", "back".getBytes()));
        long restartedByCall = info("operated").pid().getAsLong();
        assertNotEquals(pid, restartedByCall);

        long samplePid = info(SAMPLE).pid().getAsLong();
        DriverInfo sample = admin.restart(SAMPLE);
        assertEquals(DriverState.IDLE, sample.state());
        assertNotEquals("a new sample handler", samplePid, sample.pid().getAsLong());
        assertProcessGone(samplePid);
        DriverInfo operated = admin.restart("operated");
        assertNotEquals(restartedByCall, operated.pid().getAsLong());

        admin.unload("operated");
        assertNotLoaded("operated");
        assertProcessGone(operated.pid().getAsLong());
        assertEquals("the carrier itself is untouched", Bundle.ACTIVE, carrier.getState());
    }

    /** Not listed, or listed without instances (a failed or unloaded driver). */
    private void assertNotLoaded(String driver) {
        Waits.waitFor(driver + " not loaded", Waits.SOON, () -> umd.driver(driver).orElse(null),
                d -> d == null || d.instances().isEmpty());
        Waits.waitFor("no handler of " + driver, Waits.SOON, () -> HandlerProcesses.ofDriver(root(), driver).stream()
                .noneMatch(ProcessHandle::isAlive));
    }

    private void assertUnchanged(String driver, Bundle owner, long pid) {
        DriverInfo d = info(driver);
        assertEquals(driver + " still " + owner + "'s: " + d, owner.getBundleId(), d.bundleId());
        assertEquals(driver + " same handler: " + d, List.of(pid), d.instances().stream()
                .map(i -> i.pid().getAsLong()).toList());
    }
}
