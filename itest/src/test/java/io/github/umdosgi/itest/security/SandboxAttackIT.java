package io.github.umdosgi.itest.security;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.MarkedProcesses;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.itest.lifecycle.ProcScan;
import io.github.umdosgi.testkit.BundleJar;
import io.github.umdosgi.testkit.TestFiles;

/**
 * The manager's sandbox against a handler an attacker took over: the test-only attack handler
 * ({@code attack-handler.c}: one request names one attack, the reply is "OK ..." when it worked,
 * "NO ..." when it was blocked) runs twice, as {@value #SANDBOXED} in the default sandbox and as
 * {@value #OPEN} with {@code sandbox=none}. Every test makes both try the same attack: it must be
 * blocked in the sandbox and work without it, so that a blocked attack is known to be blocked by
 * the sandbox and not by the test machine.
 *
 * <p>The targets belong to the test: this JVM (pid {@code ProcessHandle.current()}), a
 * {@code sleep} victim, a deploy-like folder, another driver's private directory and pipes, ports
 * on the host's loopback. What the attack handler detaches ("hop", "orphan") is found by its marker
 * name and killed after each test, however the test ended.
 *
 * <p>Written for the build machine, where the JVM runs as root: the one test that needs root
 * without a sandbox (capabilities, a new user namespace) is skipped otherwise.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SandboxAttackIT extends SecurityTestSupport {

    /** The attack handler in the default sandbox. */
    static final String SANDBOXED = "attack";
    /** The same handler without a sandbox. */
    static final String OPEN = "attack-open";
    /** Another driver, unsandboxed: its private directory and pipes are the targets. */
    static final String OTHER = "attack-target";

    static final String HANDLER = "attack-handler";
    static final String HANDLER_PATH = "bin/" + HANDLER;
    static final long JVM = ProcessHandle.current().pid();

    private final List<ProcessHandle> victims = new ArrayList<>();
    private final List<String> markers = new ArrayList<>();
    private final List<Path> hostFiles = new ArrayList<>();

    @Before
    public void startBothAttackers() throws Exception {
        assertEquals("the attack handler's digest is the one its build recorded", DriverBundles.recordedSha256(HANDLER),
                DriverBundles.sha256(attackHandler()));
        startDriver(SANDBOXED, HANDLER_PATH, attackHandler(), "");
        startDriver(OPEN, HANDLER_PATH, attackHandler(), ";sandbox=none");
    }

    /** Runs before the inherited uninstall and leak check: nothing the attacks left may count as a leak. */
    @After
    public void killWhatTheAttacksLeft() throws IOException {
        markers.forEach(MarkedProcesses::killAll);
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle v : victims) {
            Waits.waitFor("victim " + v.pid() + " dead", Waits.SOON, () -> !MarkedProcesses.isAlive(v.pid()));
        }
        for (Path p : hostFiles) {
            TestFiles.deleteTree(p);
        }
    }

    // ---- the processes around the handler

    @Test
    public void attacksOnTheJvmFailOnlyInTheSandbox() throws Exception {
        for (String attack : List.of("environ " + JVM, "cmdline " + JVM, "mem " + JVM, "signal " + JVM + " 0",
                "ptrace " + JVM)) {
            blockedOnlyInTheSandbox(attack);
        }
    }

    @Test
    public void aVictimSurvivesOnlyTheSandboxedKill() throws Exception {
        ProcessHandle v = victim();
        blocked(SANDBOXED, "signal " + v.pid() + " 9");
        assertTrue("the victim " + v.pid() + " survived the sandboxed attempt", MarkedProcesses.isAlive(v.pid()));
        works(OPEN, "signal " + v.pid() + " 9");
        Waits.waitFor("the victim " + v.pid() + " killed by the unsandboxed handler", Waits.SOON,
                () -> !MarkedProcesses.isAlive(v.pid()));
    }

    @Test
    public void onlyTheUnsandboxedHandlerOpensAnotherDriversPipes() throws Exception {
        long target = startTarget();
        blockedOnlyInTheSandbox("fd " + target + " 0");
        assertEquals("the target still serves", "ping", new String(umd.call(OTHER, "ping".getBytes(US_ASCII)),
                US_ASCII));
    }

    // ---- the host's files

    @Test
    public void onlyTheUnsandboxedHandlerDropsAJarIntoTheDeployFolder() throws Exception {
        Path deploy = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "umd-deploy-");
        hostFiles.add(deploy);
        Path sandboxedJar = deploy.resolve("evil-" + SANDBOXED + ".jar");
        Path openJar = deploy.resolve("evil-" + OPEN + ".jar");
        blocked(SANDBOXED, "write " + sandboxedJar);
        assertFalse("no jar from the sandbox in " + deploy, Files.exists(sandboxedJar));
        works(OPEN, "write " + openJar);
        assertTrue("the unsandboxed handler's jar in " + deploy, Files.exists(openJar));
    }

    /**
     * The manager's launch shim and seccomp program live in its bundle's data area: an attacker who
     * could open the program for writing could lift the filter, one who could put a file next to
     * the shim could rename it over the shim and run code before every later handler. (The shim
     * itself cannot be written in place while a watcher of a sandbox runs it: the kernel refuses
     * with ETXTBSY. Replacing the shim is also caught by its digest check before each use:
     * LaunchShimTest.)
     */
    @Test
    public void onlyTheUnsandboxedHandlerCanWriteTheManagersShimFolderAndSeccompProgram() throws Exception {
        Bundle manager = bundleBySymbolicName("io.github.umdosgi.impl");
        Path data = manager.getBundleContext().getDataFile("launcher").toPath();
        assertTrue("the manager installed its shim", Files.isRegularFile(data.resolve("umd-launch")));
        Path replacement = data.resolve("umd-launch.replacement");
        hostFiles.add(replacement);
        blockedOnlyInTheSandbox("write " + replacement);
        Path program = data.resolve("seccomp").resolve("default.bpf");
        assertTrue("the manager installed " + program, Files.isRegularFile(program));
        blockedOnlyInTheSandbox("openrw " + program);
    }

    @Test
    public void onlyTheUnsandboxedHandlerListsAnotherDriversPrivateDirectory() throws Exception {
        long target = startTarget();
        Path dir = Files.readSymbolicLink(Path.of("/proc", Long.toString(target), "cwd"));
        assertTrue("the target's cwd is its private directory under the root: " + dir, dir.startsWith(real(root())));
        blockedOnlyInTheSandbox("list " + dir);
    }

    @Test
    public void onlyTheUnsandboxedHandlerFillsTheDisk() throws Exception {
        // /tmp: inside the sandbox its size-limited scratch, outside the host's.
        Path file = Path.of("/tmp/umd-attack-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36));
        hostFiles.add(file);
        blockedOnlyInTheSandbox("diskwrite 200 " + file);
        assertEquals("the host file the unsandboxed handler wrote", 200L << 20, Files.size(file));
    }

    // ---- the network

    @Test
    public void onlyTheUnsandboxedHandlerConnectsToTheHost() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            blockedOnlyInTheSandbox("connect 127.0.0.1 " + server.getLocalPort());
            server.setSoTimeout(5000);
            server.accept().close();
        }
    }

    /**
     * Listening may work inside the sandbox's own network namespace; what must not work is reaching
     * that port from the host. The handler keeps the socket until its next request.
     */
    @Test
    public void onlyTheUnsandboxedHandlerOffersAPortOnTheHost() throws Exception {
        int port = freePort();
        String sandboxed = attack(SANDBOXED, "listen " + port);
        assertFalse("the host reaches the sandboxed handler's port " + port + " (" + sandboxed + ")",
                sandboxed.startsWith("OK ") && canConnect(port));
        String open = works(OPEN, "listen " + port);
        assertTrue("the host reaches the unsandboxed handler's port " + port, canConnect(port));
        report("listen " + port, sandboxed, open);
    }

    // ---- privileges

    @Test
    public void onlyTheUnsandboxedHandlerGainsANewUserNamespaceOrKeepsCapabilities() throws Exception {
        assumeTrue("the test JVM runs as root", jvmUid() == 0);
        blockedOnlyInTheSandbox("unshare");
        blockedOnlyInTheSandbox("caps");
        // Promised by the default profile; without a sandbox they depend on the JVM.
        blocked(SANDBOXED, "nnp");
        blocked(SANDBOXED, "seccomp");
    }

    /** What the handler reports inside is its namespace's view; the host's view is what counts. */
    @Test
    public void theSandboxedHandlerIsNotRootOutside() throws Exception {
        String sandboxed = works(SANDBOXED, "uid");
        for (long pid : treeOf(SANDBOXED)) {
            String uids = ProcScan.statusLine(pid, "Uid");
            assertFalse("process " + pid + " of the sandboxed driver runs as root outside: Uid " + uids
                    + " (it says " + sandboxed + ")", uids.startsWith("0\t") || uids.split("\t")[1].equals("0"));
        }
        String open = works(OPEN, "uid");
        assertTrue("the unsandboxed handler runs as the JVM's user: " + open, open.startsWith("OK uid=" + jvmUid() + " "));
        report("uid", sandboxed, open);
    }

    // ---- resources

    @Test
    public void onlyTheUnsandboxedHandlerForks200Children() throws Exception {
        String sandboxed = blocked(SANDBOXED, "fork 200");
        long forks = number(sandboxed, "NO after (\\d+) forks");
        assertTrue("fewer than 200 forks in the sandbox: " + sandboxed, forks < 200);
        report("fork 200", sandboxed, works(OPEN, "fork 200"));
    }

    @Test
    public void onlyTheUnsandboxedHandlerOpensThousandsOfFiles() throws Exception {
        // As many as this machine allows a process (the handler raises its soft limit to the hard one),
        // far above the sandbox's limit.
        long n = Math.min(20000, openFilesHardLimit() - 64);
        assumeTrue("this machine allows more than 1024 open files (hard limit " + openFilesHardLimit() + ")", n > 1024);
        blockedOnlyInTheSandbox("files " + n);
    }

    /**
     * The sandbox's memory limit: under a memory cgroup the kernel kills the handler, and the call
     * fails with a typed exception whose message or the driver's last error names the memory
     * limit. Where the manager bounds memory with an rlimit instead, malloc fails and the reply is
     * NO: both are accepted, and the test prints which happened.
     */
    @Test
    public void onlyTheUnsandboxedHandlerGetsTwoGibibytes() throws Exception {
        String request = "memory 2048";
        String sandboxed;
        try {
            sandboxed = attack(SANDBOXED, request);
            assertTrue("'" + request + "' should be blocked in the sandbox: " + sandboxed, sandboxed.startsWith("NO "));
        } catch (UmdException e) {
            DriverInfo d = Waits.waitFor("the sandboxed driver records why its handler died", Waits.SOON,
                    () -> info(SANDBOXED), x -> x.lastError().isPresent());
            String said = e.getMessage() + " / lastError: " + d.lastError().orElse("");
            assertTrue("the exception or the last error names the memory limit: " + e.getClass().getName() + ": "
                    + said, said.toLowerCase(java.util.Locale.ROOT).contains("memory"));
            sandboxed = e.getClass().getSimpleName() + ": " + said;
        }
        report(request, sandboxed, works(OPEN, request));
    }

    // ---- processes that try to outlive the driver

    @Test
    public void aHoppingDaemonOutlivesOnlyTheUnsandboxedDriver() throws Exception {
        String inside = marker("hop");
        String outside = marker("hop");
        String sandboxed = attack(SANDBOXED, "hop " + inside);
        if (sandboxed.startsWith("OK ")) {
            awaitHopped(inside);
        }
        works(OPEN, "hop " + outside);
        awaitHopped(outside);

        bundleOf(SANDBOXED).stop();
        bundleOf(OPEN).stop();
        MarkedProcesses.awaitNone(inside, "no " + inside + " left after the sandboxed driver's bundle stopped");
        List<Long> escaped = MarkedProcesses.awaitSome(outside, outside
                + " still runs after the unsandboxed driver's bundle stopped");
        report("hop, then stop", sandboxed + "; gone after the stop", "escaped the stop as " + escaped);
        MarkedProcesses.killAll(outside);
    }

    @Test
    public void theOrphanOfACrashedHandlerOutlivesOnlyTheUnsandboxedOne() throws Exception {
        String inside = marker("orph");
        String outside = marker("orph");
        String sandboxed = attack(SANDBOXED, "orphan " + inside);
        if (sandboxed.startsWith("OK ")) {
            MarkedProcesses.awaitSome(inside, "the sandboxed orphan " + inside + " runs");
        }
        works(OPEN, "orphan " + outside);
        MarkedProcesses.awaitSome(outside, "the unsandboxed orphan " + outside + " runs");

        long sandboxedPid = pid(SANDBOXED);
        long openPid = pid(OPEN);
        crash(SANDBOXED);
        crash(OPEN);
        awaitHandlerGone(SANDBOXED, sandboxedPid);
        awaitHandlerGone(OPEN, openPid);
        MarkedProcesses.awaitNone(inside, "no " + inside + " left after the sandboxed handler crashed");
        List<Long> escaped = MarkedProcesses.awaitSome(outside, outside
                + " still runs after the unsandboxed handler crashed");
        report("orphan, then crash", sandboxed + "; gone after the crash", "outlived its handler as " + escaped);
        MarkedProcesses.killAll(outside);
    }

    // ---- helpers

    private static byte[] attackHandler() {
        return DriverBundles.handler(HANDLER);
    }

    /** Installs and starts a header-only driver bundle; checks that the driver is IDLE with a handler. */
    private void startDriver(String driver, String path, byte[] handler, String attributes) throws BundleException {
        String digest = DriverBundles.sha256(handler);
        String header = driver + ";handler=" + path + ";sha256=" + digest + attributes;
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver).driverHeader(header)
                .entry(path, handler), driver);
        b.start();
        DriverInfo d = info(driver);
        assertEquals("loaded by the bundle start: " + d, DriverState.IDLE, d.state());
        assertTrue("handler runs: " + d, d.pid().isPresent());
    }

    /** Starts the other driver (the echo handler, unsandboxed) and returns its handler's pid. */
    private long startTarget() throws BundleException {
        startDriver(OTHER, "bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER), ";sandbox=none");
        return pid(OTHER);
    }

    private Bundle bundleOf(String driver) {
        return bundleBySymbolicName("itest." + driver);
    }

    private long pid(String driver) {
        DriverInfo d = info(driver);
        return d.pid().orElseThrow(() -> new AssertionError("no handler pid: " + d));
    }

    /** Every live process of the driver's handler instances as the host sees them: the pids and their descendants. */
    private List<Long> treeOf(String driver) {
        List<Long> pids = new ArrayList<>();
        for (InstanceInfo i : info(driver).instances()) {
            i.pid().ifPresent(pid -> {
                pids.add(pid);
                ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(c -> pids.add(c.pid())));
            });
        }
        assertFalse("the driver " + driver + " has handler processes", pids.isEmpty());
        return pids;
    }

    /** The call that crashes the handler fails, typed: the handler died without a reply. */
    private void crash(String driver) {
        UmdException e = Waits.expectThrows(UmdException.class, "crash on " + driver,
                () -> umd.call(driver, "crash".getBytes(US_ASCII)));
        System.out.println("[SandboxAttackIT] crash on " + driver + ": " + e);
    }

    private void awaitHandlerGone(String driver, long pid) {
        Waits.waitFor("the manager noticed that handler " + pid + " of " + driver + " died", Waits.SOON,
                () -> info(driver), d -> d.pid().isEmpty() || d.pid().getAsLong() != pid);
    }

    /**
     * Waits until the hopping daemon left the process the handler forked: until then it is the
     * handler's child, which any kill of the handler's descendants finds.
     */
    private static void awaitHopped(String marker) {
        List<Long> first = MarkedProcesses.awaitSome(marker, "the hopping daemon " + marker + " runs");
        Waits.waitFor("the hopping daemon " + marker + " hopped on from " + first, Waits.SOON,
                () -> MarkedProcesses.alive(marker), l -> !l.isEmpty() && l.stream().noneMatch(first::contains));
    }

    private ProcessHandle victim() throws IOException {
        ProcessHandle v = new ProcessBuilder("/usr/bin/sleep", "60").start().toHandle();
        victims.add(v);
        return v;
    }

    /** A process name no other process has, at most 15 characters (the length of comm). */
    private String marker(String kind) {
        String m = "sai" + kind + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        markers.add(m);
        return m;
    }

    private String attack(String driver, String request) throws Exception {
        byte[] reply = Waits.runBounded("'" + request + "' on " + driver,
                () -> umd.call(driver, request.getBytes(US_ASCII)));
        return new String(reply, US_ASCII);
    }

    private String works(String driver, String request) throws Exception {
        String reply = attack(driver, request);
        assertTrue("'" + request + "' should work for " + driver + ": " + reply, reply.startsWith("OK "));
        return reply;
    }

    private String blocked(String driver, String request) throws Exception {
        String reply = attack(driver, request);
        assertTrue("'" + request + "' should be blocked for " + driver + ": " + reply, reply.startsWith("NO "));
        return reply;
    }

    /** The sandboxed handler tries first, so that what the open one changes cannot be why it fails. */
    private void blockedOnlyInTheSandbox(String request) throws Exception {
        String sandboxed = blocked(SANDBOXED, request);
        report(request, sandboxed, works(OPEN, request));
    }

    private static void report(String request, String sandboxed, String open) {
        System.out.println("[SandboxAttackIT] " + request + "\n    " + SANDBOXED + ": " + sandboxed + "\n    " + OPEN
                + ": " + open);
    }

    private static long number(String reply, String regex) {
        Matcher m = Pattern.compile(regex).matcher(reply);
        assertTrue("/" + regex + "/ in '" + reply + "'", m.find());
        return Long.parseLong(m.group(1));
    }

    private static long jvmUid() {
        return Long.parseLong(ProcScan.statusLine(JVM, "Uid").split("\t")[0]);
    }

    /** The hard "Max open files" of this JVM, which the handlers inherit. */
    private static long openFilesHardLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return f[1].equals("unlimited") ? Long.MAX_VALUE / 2 : Long.parseLong(f[1]);
            }
        }
        throw new AssertionError("no 'Max open files' in /proc/self/limits");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean canConnect(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static Path real(Path p) throws IOException {
        return p.toRealPath();
    }
}
