package io.github.umdosgi.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Drivers whose handler cannot start. In every case the bundle start still succeeds, the driver is
 * FAILED with a reason, calls fail fast with {@link HandlerStartException}, and nothing is left:
 * no process, no private directory.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StartFailureIT extends UmdTestSupport {

    @Test
    public void handlerThatIsNotAnExecutable() throws Exception {
        // Not ELF and no #! line. exec fails, or (JDK and glibc fall back to /bin/sh on ENOEXEC)
        // the shell runs it, does not find the command "This" and exits with 127: either way, no
        // handler comes up.
        Bundle b = install("itest:notexec", BundleJar.named("itest.notexec")
                .driverHeader("notexec;handler=bin/notexec")
                .entry("bin/notexec", "This file is plain text, not a program.\n"), "notexec");

        b.start();

        assertFailedCleanly(b, "notexec", Pattern.compile("(?i)(exec|format|executable|exit|status|127)"));
    }

    @Test
    public void handlerThatExitsAtOnce() throws Exception {
        Bundle b = install("itest:exit3", BundleJar.named("itest.exit3")
                .driverHeader("exit3;handler=bin/exit3")
                .entry("bin/exit3", "#!/bin/sh\nexit 3\n"), "exit3");

        b.start();

        // The reason is the exit status.
        assertFailedCleanly(b, "exit3", Pattern.compile("\\b3\\b"));
    }

    @Test
    public void handlerEntryMissingFromTheBundle() throws Exception {
        Bundle b = install("itest:missing", BundleJar.named("itest.missing")
                .driverHeader("missing;handler=bin/nothere")
                .entry("bin/other", "unrelated"), "missing");

        b.start();

        assertFailedCleanly(b, "missing",
                Pattern.compile("(?i)(bin/nothere|not found|missing|no such|does not exist|no entry)"));
    }

    @Test
    public void postStartHookThatRefuses() throws Exception {
        Bundle owner = install("itest:hooked", BundleJar.named("itest.hooked")
                .entry("bin/echo", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "hooked");
        owner.start();
        AtomicInteger hookRuns = new AtomicInteger();

        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "load with a refusing hook",
                () -> loaderOf(owner).load(DriverDescriptor.of("hooked", "bin/echo"), channel -> {
                    hookRuns.incrementAndGet();
                    throw new Exception("health check refused");
                }));

        assertEquals("the hook ran once", 1, hookRuns.get());
        assertTrue("load exception names the hook's reason: " + e.getMessage(),
                chain(e).contains("health check refused"));
        assertFailedCleanly(owner, "hooked", Pattern.compile(Pattern.quote("health check refused")));
    }

    /** Control for the case above: the same bundle and handler with a passing hook loads and works. */
    @Test
    public void postStartHookThatAccepts() throws Exception {
        Bundle owner = install("itest:hooked-ok", BundleJar.named("itest.hooked.ok")
                .entry("bin/echo", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "hookedok");
        owner.start();

        DriverInfo loaded = Waits.runBounded("load with a health-checking hook",
                () -> loaderOf(owner).load(DriverDescriptor.of("hookedok", "bin/echo"), channel -> {
                    byte[] ping = "ping".getBytes();
                    if (!java.util.Arrays.equals(ping, channel.call(ping))) {
                        throw new Exception("echo handler did not echo");
                    }
                }));

        assertEquals(DriverState.IDLE, loaded.state());
        assertTrue("pid: " + loaded, loaded.pid().isPresent());
        assertArrayEquals("hello".getBytes(), umd.call("hookedok", "hello".getBytes()));

        // A programmatic driver is unloaded when its owner bundle stops.
        long pid = loaded.pid().getAsLong();
        owner.stop();
        DriverInfo after = umd.driver("hookedok").orElse(null);
        assertTrue("unloaded with its owner: " + after, after == null || after.state() == DriverState.NOT_LOADED);
        assertProcessGone(pid);
        assertNothingLeft("hookedok");
    }

    private void assertFailedCleanly(Bundle bundle, String driver, Pattern reason) throws Exception {
        assertEquals("the bundle start itself succeeds", Bundle.ACTIVE, bundle.getState());
        DriverInfo d = awaitState(driver, DriverState.FAILED);
        String error = d.lastError().orElse("");
        assertFalse("lastError is set: " + d, error.isBlank());
        assertTrue("lastError should name the reason (" + reason + "): '" + error + "'", reason.matcher(error).find());
        assertTrue("no pid: " + d, d.pid().isEmpty());
        assertNothingLeft(driver);

        HandlerStartException e = Waits.expectThrows(HandlerStartException.class,
                "call on FAILED driver " + driver, () -> umd.call(driver, new byte[] {1, 2, 3}));
        assertEquals(driver, e.driverName());
        assertTrue("the call's exception should give the reason (" + reason + "): '" + e.getMessage() + "'",
                reason.matcher(e.getMessage()).find());
        // A call must not leave anything behind either (it may have tried a restart).
        assertNothingLeft(driver);
        assertEquals("still FAILED after the call", DriverState.FAILED, info(driver).state());
    }

    private static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            sb.append(x).append(" / ");
        }
        return sb.toString();
    }
}
