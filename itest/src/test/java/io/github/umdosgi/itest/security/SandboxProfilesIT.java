package io.github.umdosgi.itest.security;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * A driver loosens or tightens the default sandbox only where it says so, in its header or its
 * configuration: {@code sandbox=strict} serves frames and kills a handler that forks;
 * {@code network=host} reaches the host; {@code ro-paths} lets it read a host folder, never write
 * it; a configuration changes a limit and the reloaded driver shows it.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SandboxProfilesIT extends SecurityTestSupport {

    private static final String ATTACK = "attack-handler";

    private void start(String driver, String handler, String attributes) throws Exception {
        byte[] bytes = DriverBundles.handler(handler);
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver)
                .driverHeader(driver + ";handler=bin/" + handler + ";sha256=" + DriverBundles.sha256(bytes) + attributes)
                .entry("bin/" + handler, bytes), driver);
        b.start();
        assertEquals(DriverState.IDLE, info(driver).state());
    }

    private String call(String driver, String request) throws Exception {
        return new String(Waits.runBounded(request, () -> umd.call(driver, request.getBytes(US_ASCII))), US_ASCII);
    }

    @Test
    public void strictServesFramesAndKillsAHandlerThatForks() throws Exception {
        start("strictecho", DriverBundles.ECHO_HANDLER, ";sandbox=strict");
        byte[] big = new byte[1 << 20];
        big[12345] = 7;
        assertArrayEquals(big, umd.call("strictecho", big));
        assertEquals(Sandbox.Profile.STRICT, info("strictecho").settings().orElseThrow().sandbox().profile());

        start("strictfork", ATTACK, ";sandbox=strict");
        try {
            call("strictfork", "fork 1");
            fail("a fork under the strict profile was answered");
        } catch (UmdException e) {
            String why = e.getMessage() + " / " + info("strictfork").lastError().orElse("");
            assertTrue(why, why.contains("SIGSYS: a system call the seccomp profile denies"));
        }
        // The next call gets a new handler: the profile kills the process, not the driver.
        // (An unknown request: its ERR reply needs only read and write, which strict allows.)
        assertTrue(call("strictfork", "nosuchattack").startsWith("ERR "));
    }

    @Test
    public void hostNetworkIsThereOnlyWhenAsked() throws Exception {
        start("netnone", ATTACK, "");
        start("nethost", ATTACK, ";network=host");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String request = "connect 127.0.0.1 " + server.getLocalPort();
            assertTrue(call("netnone", request).startsWith("NO "));
            String reply = call("nethost", request);
            assertTrue(reply, reply.startsWith("OK "));
            server.setSoTimeout(5000);
            server.accept().close();
        }
    }

    @Test
    public void readOnlyPathsCanBeReadAndNotWritten() throws Exception {
        Path shared = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "umd-ro-");
        Path data = Files.writeString(shared.resolve("data.txt"), "twelve bytes");
        // The sandbox's uid reads what any user may read: a bound path keeps its permissions.
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try {
            start("roblind", ATTACK, "");
            start("roshared", ATTACK, ";ro-paths=" + shared.toRealPath());
            assertTrue(call("roblind", "read " + data.toRealPath()).startsWith("NO "));
            String read = call("roshared", "read " + data.toRealPath());
            assertTrue(read, read.startsWith("OK ") && read.contains("12"));
            assertTrue(call("roshared", "write " + shared.toRealPath().resolve("planted")).startsWith("NO "));
            assertFalse(Files.exists(shared.resolve("planted")));
        } finally {
            Files.deleteIfExists(shared.resolve("planted"));
            Files.deleteIfExists(data);
            Files.deleteIfExists(shared);
        }
    }

    @Test
    public void aConfigurationChangesALimitAndTheDriverShowsIt() throws Exception {
        start("cfgmem", DriverBundles.ECHO_HANDLER, "");
        ServiceReference<ConfigurationAdmin> ref = bundleContext.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin cm = bundleContext.getService(ref);
        Configuration config = cm.createFactoryConfiguration("io.github.umdosgi.driver", "?");
        try {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("name", "cfgmem");
            properties.put("memory", "64m");
            properties.put("open.files", "64");
            config.update(properties);
            DriverInfo d = Waits.waitFor("cfgmem reloaded with 64 MiB", Waits.SOON, () -> info("cfgmem"),
                    x -> x.state() == DriverState.IDLE && x.settings().map(s -> s.sandbox().memory() == 64L << 20)
                            .orElse(false));
            assertEquals(64, d.settings().orElseThrow().sandbox().openFiles());
            assertArrayEquals("ok".getBytes(US_ASCII), umd.call("cfgmem", "ok".getBytes(US_ASCII)));
        } finally {
            config.delete();
            bundleContext.ungetService(ref);
        }
    }
}
