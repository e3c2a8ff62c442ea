package io.github.umdosgi.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.testkit.BundleJar;

/**
 * A driver bundle that is nothing but a manifest header and the handler executable: no classes,
 * no activator. The extender alone makes it a driver.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HeaderOnlyDriverIT extends UmdTestSupport {

    private static final int MAX = 16 * 1024 * 1024;

    @Test
    public void echoRoundTripsUpToTheMaximumSize() throws Exception {
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        String digest = DriverBundles.sha256(handler);
        assertEquals("digest recorded by the sample-handler build", DriverBundles.recordedSha256(
                DriverBundles.ECHO_HANDLER), digest);
        Bundle b = install("itest:echo", BundleJar.named("itest.echo")
                .driverHeader("echo;handler=bin/echo-handler;sha256=" + digest + ";max-message=" + MAX)
                .entry("bin/echo-handler", handler), "echo");

        b.start();

        DriverInfo loaded = info("echo");
        assertEquals("loaded synchronously by the bundle start: " + loaded, DriverState.IDLE, loaded.state());
        assertTrue("handler runs: " + loaded, loaded.pid().isPresent());
        assertEquals("declaring bundle", b.getBundleId(), loaded.bundleId());
        long pid = loaded.pid().getAsLong();

        Random rnd = new Random(42);
        for (int size : new int[] {0, 1, 4096, 1024 * 1024, MAX}) {
            byte[] request = Payloads.random(rnd, size);
            byte[] reply = umd.call("echo", request);
            assertEquals("reply length for " + size, size, reply.length);
            assertArrayEquals("echo of " + size + " bytes", request, reply);
        }

        MessageTooLargeException tooLarge = Waits.expectThrows(MessageTooLargeException.class,
                "request of max + 1 bytes", () -> umd.call("echo", new byte[MAX + 1]));
        assertEquals("echo", tooLarge.driverName());

        byte[] after = umd.call("echo", "still there".getBytes());
        assertArrayEquals("still there".getBytes(), after);
        DriverInfo still = info("echo");
        assertEquals("nothing was sent, so the handler was not replaced: " + still, pid, still.pid().getAsLong());

        b.stop();
        assertEquals(DriverState.NOT_LOADED, info("echo").state());
        assertProcessGone(pid);
        assertNothingLeft("echo");
    }

    /** Lazy load of a bundle that was installed but never started: the first call starts it. */
    @Test
    public void installedOnlyDriverLoadsOnFirstCall() throws Exception {
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        Bundle b = install("itest:echo-lazy", BundleJar.named("itest.echo.lazy")
                .driverHeader("echolazy;handler=bin/echo-handler")
                .entry("bin/echo-handler", handler), "echolazy");

        DriverInfo declared = Waits.waitFor("installed driver bundle listed", Waits.SOON,
                () -> umd.driver("echolazy").orElse(null), d -> d != null);
        assertEquals("declared but not loaded: " + declared, DriverState.NOT_LOADED, declared.state());
        assertTrue("no pid: " + declared, declared.pid().isEmpty());
        assertNothingLeft("echolazy");

        byte[] reply = umd.call("echolazy", "wake up".getBytes());

        assertArrayEquals("wake up".getBytes(), reply);
        assertEquals("the call started the declaring bundle", Bundle.ACTIVE, b.getState());
        DriverInfo loaded = info("echolazy");
        assertEquals(DriverState.IDLE, loaded.state());
        assertTrue("pid: " + loaded, loaded.pid().isPresent());
    }

    @Test
    public void wrongDigestFailsTheDriverNotTheBundle() throws Exception {
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        String wrong = DriverBundles.sha256("not the handler".getBytes());
        Bundle b = install("itest:echo-bad-digest", BundleJar.named("itest.echo.bad")
                .driverHeader("echobad;handler=bin/echo-handler;sha256=" + wrong)
                .entry("bin/echo-handler", handler), "echobad");

        b.start();

        assertEquals("the bundle start itself succeeds", Bundle.ACTIVE, b.getState());
        DriverInfo d = awaitState("echobad", DriverState.FAILED);
        String error = d.lastError().orElse("");
        assertTrue("lastError should be about the digest: '" + error + "'",
                Pattern.compile("(?i)(sha-?256|digest|checksum|hash|" + wrong + ")").matcher(error).find());
        assertTrue("no pid: " + d, d.pid().isEmpty());
        assertNothingLeft("echobad");

        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "call on a FAILED driver",
                () -> umd.call("echobad", new byte[] {1}));
        assertTrue("exception names the reason: " + e.getMessage(),
                Pattern.compile("(?i)(sha-?256|digest|checksum|hash)").matcher(e.getMessage()).find());
        assertNothingLeft("echobad");
    }
}
