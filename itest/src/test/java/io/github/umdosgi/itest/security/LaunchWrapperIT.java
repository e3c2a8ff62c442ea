package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.Payloads;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The launch wrapper of the header ({@code wrapper="/abs/path args --"}) runs before the handler on
 * every start, restarts included: {@code setpriv --no-new-privs} shows in /proc/pid/status,
 * {@code prlimit} limits show in /proc/pid/limits, and the process is the handler itself (the
 * wrapper execs it). A relative or missing wrapper fails the driver with a clear reason.
 *
 * <p>The first two run unconfined ({@code sandbox=none}), where the wrapper runs before the handler
 * in the process the manager started, and the sandbox's own no_new_privs cannot mask setpriv's.
 * In the sandbox the wrapper runs inside it, before the handler: the last test shows that.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LaunchWrapperIT extends SecurityTestSupport {

    private static final String SETPRIV = "/usr/bin/setpriv";
    private static final String PRLIMIT = "/usr/bin/prlimit";
    private static final String UNCONFINED = ";sandbox=none";

    @Test
    public void setprivNoNewPrivs() throws Exception {
        assumeTrue(SETPRIV + " not installed", Files.isExecutable(Path.of(SETPRIV)));
        String jvm = status(ProcessHandle.current().pid(), "NoNewPrivs");
        assumeTrue("the test JVM already runs with NoNewPrivs=1, so the wrapper's effect cannot be told apart",
                "0".equals(jvm));
        // Control: without the wrapper a handler inherits the JVM's 0.
        echoDriver("nowrap", UNCONFINED);
        assertEquals("NoNewPrivs of a handler without wrapper", "0", status(pid("nowrap"), "NoNewPrivs"));

        echoDriver("nnp", UNCONFINED + ";wrapper=\"" + SETPRIV + " --no-new-privs --\"");
        long pid = pid("nnp");
        assertIsTheHandler("nnp", pid);
        assertEquals("NoNewPrivs of the wrapped handler", "1", status(pid, "NoNewPrivs"));

        // A restart goes through the wrapper too.
        admin.kill("nnp");
        assertProcessGone(pid);
        assertArrayEquals("again".getBytes(), umd.call("nnp", "again".getBytes()));
        long restarted = pid("nnp");
        assertNotEquals(pid, restarted);
        assertEquals("NoNewPrivs after the restart", "1", status(restarted, "NoNewPrivs"));
        System.out.println("[LaunchWrapperIT] setpriv --no-new-privs: NoNewPrivs 1 for pids " + pid + ", " + restarted
                + "; 0 without wrapper");
    }

    @Test
    public void prlimitLimits() throws Exception {
        assumeTrue(PRLIMIT + " not installed", Files.isExecutable(Path.of(PRLIMIT)));
        echoDriver("limited", UNCONFINED + ";wrapper=\"" + PRLIMIT + " --as=268435456 --nofile=64 --\"");
        long pid = pid("limited");
        assertIsTheHandler("limited", pid);
        String limits = Files.readString(Path.of("/proc", Long.toString(pid), "limits"), StandardCharsets.UTF_8);
        assertTrue("address space limit 256 MiB in:\n" + limits,
                Pattern.compile("(?m)^Max address space\\s+268435456\\s+268435456\\s+bytes").matcher(limits).find());
        assertTrue("open files limit 64 in:\n" + limits,
                Pattern.compile("(?m)^Max open files\\s+64\\s+64\\s+files").matcher(limits).find());
        // The limited handler still works, with a payload bigger than a pipe buffer.
        byte[] big = Payloads.random(new Random(3), 1 << 20);
        assertArrayEquals(big, umd.call("limited", big));
        System.out.println("[LaunchWrapperIT] prlimit: pid " + pid + " limits: " + limits.lines()
                .filter(l -> l.startsWith("Max address space") || l.startsWith("Max open files")).toList());
    }

    @Test
    public void inTheSandboxTheWrapperRunsInsideBeforeTheHandler() throws Exception {
        assumeTrue(PRLIMIT + " not installed", Files.isExecutable(Path.of(PRLIMIT)));
        echoDriver("boxlimited", ";wrapper=\"" + PRLIMIT + " --nofile=48 --\"");
        List<ProcessHandle> handler = HandlerProcesses.ofDriver(root(), "boxlimited");
        assertEquals("one handler process in the sandbox: " + HandlerProcesses.describe(handler), 1, handler.size());
        String limits = Files.readString(Path.of("/proc", Long.toString(handler.get(0).pid()), "limits"),
                StandardCharsets.UTF_8);
        assertTrue("open files limit 48 in:\n" + limits,
                Pattern.compile("(?m)^Max open files\\s+48\\s+48\\s+files").matcher(limits).find());
        assertEquals("the wrapper exec'd the handler", "/umd/boxlimited",
                handler.get(0).info().command().orElse("").replace(" (deleted)", ""));
    }

    @Test
    public void relativeWrapperIsRefused() throws Exception {
        assertFailed("relwrap", ";wrapper=\"setpriv --no-new-privs --\"",
                Pattern.compile("(?i)absolute path.*setpriv|setpriv.*absolute"));
    }

    @Test
    public void missingWrapperFailsTheLoad() throws Exception {
        assertFailed("nowrapper", ";wrapper=\"/nonexistent/wrapper --\"",
                Pattern.compile("(?i)(/nonexistent/wrapper|no such file|cannot start|error=2)"));
    }

    // ---- helpers

    private void assertFailed(String driver, String attributes, Pattern reason) throws Exception {
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver)
                .driverHeader(driver + ";handler=bin/echo-handler" + attributes)
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), driver);
        b.start();
        assertEquals("the bundle itself starts", Bundle.ACTIVE, b.getState());
        DriverInfo d = awaitState(driver, DriverState.FAILED);
        String error = d.lastError().orElse("");
        System.out.println("[LaunchWrapperIT] " + driver + attributes + " -> " + error);
        assertTrue("lastError gives the reason (" + reason + "): '" + error + "'", reason.matcher(error).find());
        assertTrue("no pid: " + d, d.pid().isEmpty());
        assertNothingLeft(driver);
        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "call on " + driver,
                () -> umd.call(driver, new byte[] {1}));
        assertTrue("the call's exception gives the reason: " + e.getMessage(), reason.matcher(e.getMessage()).find());
        assertNothingLeft(driver);
    }

    private void echoDriver(String driver, String attributes) throws Exception {
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver)
                .driverHeader(driver + ";handler=bin/echo-handler" + attributes)
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), driver);
        b.start();
        DriverInfo d = info(driver);
        assertEquals("loaded: " + d, DriverState.IDLE, d.state());
        assertArrayEquals("the handler works", "w".getBytes(), umd.call(driver, "w".getBytes()));
    }

    private long pid(String driver) {
        DriverInfo d = info(driver);
        return d.pid().orElseThrow(() -> new AssertionError("no handler: " + d));
    }

    /** The reported pid runs the extracted handler itself: the wrapper exec'd it. */
    private void assertIsTheHandler(String driver, long pid) throws Exception {
        List<Path> dirs = HandlerProcesses.privateDirs(root(), driver);
        assertEquals(1, dirs.size());
        Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
        assertEquals("executable of pid " + pid, dirs.get(0).resolve(driver).toRealPath(), exe);
    }

    private static String status(long pid, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + key + " in /proc/" + pid + "/status");
    }
}
