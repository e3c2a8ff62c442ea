package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Integrity of the handler file: the header's sha256 is checked at extraction, and the digest
 * recorded at extraction is checked again before every exec (restarts included). A file changed
 * after the load is never executed: the tampering tests replace it with a script that would
 * create a marker file, and the marker must not appear. (The test JVM's user owns the private
 * directory, so it can change the file; that is exactly the attack the re-check is for.)
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HandlerIntegrityIT extends SecurityTestSupport {

    @Test
    public void wrongDigestInTheHeaderFailsTheLoadNamingTheDigest() throws Exception {
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        String actual = DriverBundles.sha256(handler);
        String declared = DriverBundles.sha256("something else".getBytes(StandardCharsets.US_ASCII));
        Bundle b = install("itest:digest", BundleJar.named("itest.digest")
                .driverHeader("digest;handler=bin/echo-handler;sha256=" + declared)
                .entry("bin/echo-handler", handler), "digest");

        b.start();

        DriverInfo d = awaitState("digest", DriverState.FAILED);
        String error = d.lastError().orElse("");
        System.out.println("[HandlerIntegrityIT] wrong digest: lastError = " + error);
        assertTrue("lastError names the declared digest " + declared + ": '" + error + "'", error.contains(declared));
        assertTrue("lastError names the file's digest " + actual + ": '" + error + "'", error.contains(actual));
        assertTrue("no pid: " + d, d.pid().isEmpty());
        assertNothingLeft("digest");
        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "call on the FAILED driver",
                () -> umd.call("digest", new byte[] {1}));
        assertTrue("the call's exception names the digest: " + e.getMessage(), e.getMessage().contains(declared));
        b.uninstall();
    }

    /** Control for the tampering tests: the marker script does create its marker when it runs. */
    @Test
    public void markerScriptCreatesItsMarkerWhenExecuted() throws Exception {
        Path marker = freshMarker("control");
        Bundle b = install("itest:markerctl", BundleJar.named("itest.markerctl")
                .driverHeader("markerctl;handler=bin/h;" + UNCONFINED).entry("bin/h", markerScript(marker)), "markerctl");
        b.start();
        assertArrayEquals("the script is a working echo handler", "x".getBytes(),
                umd.call("markerctl", "x".getBytes()));
        assertTrue("marker " + marker + " created by the executed script", Files.exists(marker));
        b.uninstall();
        assertNothingLeft("markerctl");
    }

    /** One byte of the extracted file flipped in place after a load; the next start must refuse it. */
    @Test
    public void flippedByteIsDetectedBeforeTheRestart() throws Exception {
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        Bundle b = install("itest:flip", BundleJar.named("itest.flip")
                .driverHeader("flip;handler=bin/echo-handler;sha256=" + DriverBundles.sha256(handler))
                .entry("bin/echo-handler", handler), "flip");
        b.start();
        Path file = extractedFile("flip");
        killAndAwaitDeath("flip");

        makeWritable(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int old = raf.read();
            raf.seek(at);
            raf.write(old ^ 0x01);
        }

        assertRefusedAsModified("flip");
        assertRecoversAfterBundleRestart(b, "flip");
    }

    /** The extracted file overwritten in place (same inode) with a script, after the handler was killed. */
    @Test
    public void fileOverwrittenInPlaceIsNeverExecuted() throws Exception {
        Path marker = freshMarker("inplace");
        Bundle b = install("itest:inplace", BundleJar.named("itest.inplace")
                .driverHeader("inplace;handler=bin/echo-handler;" + UNCONFINED)
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "inplace");
        b.start();
        Path file = extractedFile("inplace");
        killAndAwaitDeath("inplace");

        makeWritable(file);
        Files.write(file, markerScript(marker).getBytes(StandardCharsets.UTF_8)); // truncates: same inode

        assertRefusedAsModified("inplace");
        assertFalse("the tampered file was executed: marker " + marker + " exists", Files.exists(marker));
        assertRecoversAfterBundleRestart(b, "inplace");
        assertFalse("marker " + marker + " after the recovery", Files.exists(marker));
    }

    /**
     * The extracted file replaced by another one (rename over it) while the handler runs; the
     * running process keeps the old file, the restart after a kill must refuse the new one.
     */
    @Test
    public void fileReplacedWhileRunningIsNeverExecuted() throws Exception {
        Path marker = freshMarker("replace");
        Bundle b = install("itest:replace", BundleJar.named("itest.replace")
                .driverHeader("replace;handler=bin/echo-handler;" + UNCONFINED)
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "replace");
        b.start();
        // A first reply proves the handler runs: a file replaced while the launch shim is still
        // starting is refused by the shim itself (LaunchShimTest covers that window).
        assertArrayEquals("x".getBytes(), umd.call("replace", "x".getBytes()));
        Path file = extractedFile("replace");
        long pid = info("replace").pid().getAsLong();

        Path planted = file.resolveSibling("planted");
        Files.writeString(planted, markerScript(marker));
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("r-x------"));
        Files.move(planted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // The running handler is unaffected (it runs the old inode).
        assertArrayEquals("y".getBytes(), umd.call("replace", "y".getBytes()));
        assertEquals("same handler", pid, info("replace").pid().getAsLong());

        killAndAwaitDeath("replace");
        assertRefusedAsModified("replace");
        assertFalse("the replaced file was executed: marker " + marker + " exists", Files.exists(marker));
        assertRecoversAfterBundleRestart(b, "replace");
        assertFalse("marker " + marker + " after the recovery", Files.exists(marker));
    }

    // ---- helpers

    /**
     * The next call and an operator restart both fail with HandlerStartException saying the file
     * was modified; no handler process runs from the driver's directory.
     */
    private void assertRefusedAsModified(String driver) throws Exception {
        HandlerStartException call = Waits.expectThrows(HandlerStartException.class,
                "call after tampering with " + driver, () -> umd.call(driver, "z".getBytes()));
        System.out.println("[HandlerIntegrityIT] " + driver + ": call -> " + call.getMessage());
        assertTrue("the call's exception says the file was modified: " + call.getMessage(),
                call.getMessage().contains("modified after extraction"));
        assertEquals(driver, call.driverName());
        assertEquals("no handler runs from the tampered directory", List.of(),
                HandlerProcesses.describeAll(HandlerProcesses.ofDriver(root(), driver)));

        HandlerStartException restart = Waits.expectThrows(HandlerStartException.class,
                "operator restart after tampering with " + driver, () -> admin.restart(driver));
        assertTrue("restart's exception says the file was modified: " + restart.getMessage(),
                restart.getMessage().contains("modified after extraction"));
        HandlerStartException again = Waits.expectThrows(HandlerStartException.class,
                "second call after tampering with " + driver, () -> umd.call(driver, "z".getBytes()));
        assertTrue("still refused: " + again.getMessage(), again.getMessage().contains("modified")
                || again.getMessage().contains("failed state"));
        assertEquals("still no handler", List.of(),
                HandlerProcesses.describeAll(HandlerProcesses.ofDriver(root(), driver)));
    }

    /** Stopping the bundle deletes the tampered directory; starting it extracts a good copy again. */
    private void assertRecoversAfterBundleRestart(Bundle b, String driver) throws Exception {
        b.stop();
        assertNothingLeft(driver);
        b.start();
        DriverInfo d = info(driver);
        assertEquals("reloaded: " + d, DriverState.IDLE, d.state());
        assertArrayEquals("the manager serves the driver again", "ok".getBytes(), umd.call(driver, "ok".getBytes()));
    }

    private Path extractedFile(String driver) {
        List<Path> dirs = HandlerProcesses.privateDirs(root(), driver);
        assertEquals("one private directory: " + dirs, 1, dirs.size());
        Path file = dirs.get(0).resolve(driver);
        assertTrue("extracted handler " + file, Files.isRegularFile(file));
        return file;
    }

    private void killAndAwaitDeath(String driver) throws Exception {
        DriverInfo d = info(driver);
        long pid = d.pid().orElseThrow(() -> new AssertionError("no handler: " + d));
        assertEquals("signalled", 1, admin.kill(driver));
        assertProcessGone(pid);
        Waits.waitFor("manager noticed the death of " + pid, Waits.SOON, () -> info(driver).pid().isEmpty());
        assertNotEquals(DriverState.FAILED, info(driver).state());
    }

    private static void makeWritable(Path file) throws IOException {
        // chmod u+w: the manager left it r-xr-xr-x.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * The marker drivers run unconfined: a sandboxed handler could not create the marker on the
     * host even if the tampered file ran, so the test could not see it run. The integrity checks
     * are the same for confined handlers (the shim checks the file the sandbox copies).
     */
    private static final String UNCONFINED = "sandbox=none";

    /** A shell handler that creates {@code marker} and then echoes frames (cat copies them through). */
    private static String markerScript(Path marker) {
        return "#!/bin/sh\ntouch '" + marker + "'\nexec cat\n";
    }

    private Path freshMarker(String name) throws IOException {
        Path dir = root().getParent().resolve("markers");
        Files.createDirectories(dir);
        Path marker = dir.resolve(name);
        Files.deleteIfExists(marker);
        return marker;
    }
}
