package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.testkit.BundleJar;

/**
 * With several drivers loaded at once (extender-declared, header-only, programmatic), stopping
 * their bundles, or stopping the manager itself, leaves no handler process and no driver
 * directory. (Every test class also gets this check after its framework stops, see
 * {@link UmdPaxExam}.)
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NoLeftoversIT extends UmdTestSupport {

    private Bundle echo;
    private Bundle programmatic;

    @Before
    public void loadThreeDrivers() throws Exception {
        awaitSampleReady();
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        echo = install("itest:echo", BundleJar.named("itest.echo")
                .driverHeader("echo;handler=bin/echo-handler").entry("bin/echo-handler", handler), "echo");
        echo.start();
        programmatic = install("itest:prog", BundleJar.named("itest.prog")
                .entry("bin/echo", handler), "prog");
        programmatic.start();
        loaderOf(programmatic).load(DriverDescriptor.of("prog", "bin/echo"), null);
        for (String d : List.of(SAMPLE, "echo", "prog")) {
            DriverInfo info = info(d);
            assertEquals("loaded: " + info, DriverState.IDLE, info.state());
            assertTrue("running: " + info, info.pid().isPresent());
        }
        // A sandboxed handler shows under the root once bubblewrap has exec'd it, a moment after its
        // start was confirmed: wait for that, as asserting at once failed now and then.
        Waits.waitFor("three handlers run under " + root(), Waits.SOON,
                () -> HandlerProcesses.describeAll(HandlerProcesses.under(root())), running -> running.size() == 3);
    }

    @Test
    public void stoppingEveryDriverBundleLeavesNothing() throws Exception {
        sampleBundle().stop();
        echo.stop();
        programmatic.stop();

        assertRootClean();
    }

    @Test
    public void stoppingTheManagerLeavesNothing() throws Exception {
        Bundle manager = managerBundle();
        manager.stop();

        assertRootClean();
        // The loader bundles themselves are untouched: only their drivers went away.
        assertEquals(Bundle.ACTIVE, sampleBundle().getState());
        assertEquals(Bundle.ACTIVE, echo.getState());
    }

    private Bundle managerBundle() {
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getLocation().endsWith("/umd-mgmt-impl.jar")) {
                return b;
            }
        }
        throw new AssertionError("manager bundle not found");
    }

    private void assertRootClean() {
        Path root = root();
        Waits.waitFor("no handler process under " + root, Waits.SOON,
                () -> HandlerProcesses.describeAll(HandlerProcesses.under(root)), List::isEmpty);
        Waits.waitFor("no driver directory in " + root, Waits.SOON,
                () -> HandlerProcesses.entries(root).stream().filter(Files::isDirectory)
                        .map(p -> p.getFileName().toString()).collect(Collectors.toList()),
                List::isEmpty);
    }
}
