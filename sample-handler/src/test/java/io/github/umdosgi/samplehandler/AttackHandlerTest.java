package io.github.umdosgi.samplehandler;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-only attack handler ({@code attack-handler.c}): one request, one attack, a reply "OK ..."
 * when it worked and "NO ..." when it was blocked. Run directly, as root on the build machine,
 * every attack works; run under a bubblewrap command line like the one the manager's sandbox
 * builds, the attacks on the JVM, on a victim process, on the host's files and on the host's
 * network fail, and what it detached dies with it. What bubblewrap alone leaves open (resources,
 * system calls, the uid seen outside) is pinned down too: those are the sandbox's other layers.
 *
 * <p>Every process a test starts (victims, the handler's children, detached daemons found by their
 * marker name) is killed after it.
 */
@Timeout(60)
class AttackHandlerTest {

    private static final String HANDLER = "attack-handler";
    private static final long JVM = ProcessHandle.current().pid();
    private static final Path BWRAP = Path.of("/usr/bin/bwrap");
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    @TempDir
    Path dir;

    private final List<HandlerProcess> handlers = new ArrayList<>();
    private final List<ProcessHandle> strays = new ArrayList<>();
    private final List<String> markers = new ArrayList<>();

    @AfterEach
    void killEverythingTheTestStarted() {
        handlers.forEach(HandlerProcess::close);
        strays.forEach(ProcessHandle::destroyForcibly);
        markers.forEach(MarkedProcesses::killAll);
        for (ProcessHandle p : strays) {
            Await.until("process " + p.pid() + " the test started is dead", () -> !MarkedProcesses.isAlive(p.pid()));
        }
    }

    // ---- helpers

    private HandlerProcess track(HandlerProcess h) {
        handlers.add(h);
        return h;
    }

    /** A sacrificial process the attacks may signal and trace. */
    private ProcessHandle victim() throws IOException {
        ProcessHandle v = new ProcessBuilder("/usr/bin/sleep", "60").start().toHandle();
        strays.add(v);
        return v;
    }

    /** A process name no other process has, at most 15 characters (the length of comm). */
    private String marker(String kind) {
        String m = "ah" + kind + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        markers.add(m);
        return m;
    }

    private static String attack(HandlerProcess h, String request) throws IOException {
        return new String(h.call(request.getBytes(US_ASCII)), US_ASCII);
    }

    /** Runs the attack and expects it to work; returns the reply. */
    private static String works(HandlerProcess h, String request) throws IOException {
        String reply = attack(h, request);
        assertTrue(reply.startsWith("OK "), "'" + request + "' should work: " + reply);
        return reply;
    }

    /** Runs the attack and expects it to be blocked; returns the reply. */
    private static String blocked(HandlerProcess h, String request) throws IOException {
        String reply = attack(h, request);
        assertTrue(reply.startsWith("NO "), "'" + request + "' should be blocked: " + reply);
        return reply;
    }

    /** The first group of regex in the reply, as a number. */
    private static long number(String reply, String regex) {
        Matcher m = Pattern.compile(regex).matcher(reply);
        assertTrue(m.find(), "/" + regex + "/ in '" + reply + "'");
        return Long.parseLong(m.group(1));
    }

    /** A line of /proc/PID/status without its key, such as "0\t0\t0\t0" for "Uid". */
    private static String status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        throw new AssertionError(key + " not in /proc/" + pid + "/status");
    }

    private static boolean canConnect(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static boolean runningAsRoot() throws IOException {
        return status(JVM, "Uid").startsWith("0\t");
    }

    // ---- without any sandbox: every attack works

    @Nested
    class WithoutSandbox {

        private HandlerProcess start() throws IOException {
            return track(HandlerProcess.start(HANDLER));
        }

        @Test
        void readsTheJvmsEnvironmentCommandLineAndMemory() throws Exception {
            HandlerProcess h = start();
            assertTrue(number(works(h, "environ " + JVM), "read (\\d+) bytes") > 0, "the JVM has an environment");
            assertTrue(number(works(h, "cmdline " + JVM), "read (\\d+) bytes") > 0, "the JVM has a command line");
            works(h, "mem " + JVM);
        }

        @Test
        void signalsTheJvmAndKillsAVictim() throws Exception {
            HandlerProcess h = start();
            ProcessHandle v = victim();
            works(h, "signal " + JVM + " 0");
            works(h, "signal " + v.pid() + " 9");
            Await.until("the victim " + v.pid() + " died of the handler's SIGKILL", () -> !MarkedProcesses.isAlive(v.pid()));
        }

        @Test
        void tracesAVictimThatRunsOnAfterwards() throws Exception {
            HandlerProcess h = start();
            ProcessHandle v = victim();
            works(h, "ptrace " + v.pid());
            Await.until("the victim is released and sleeping again", () -> {
                try {
                    return status(v.pid(), "TracerPid").equals("0") && status(v.pid(), "State").startsWith("S");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        }

        @Test
        void dropsAJarIntoAFolderButNeverOverwrites() throws Exception {
            HandlerProcess h = start();
            Path jar = dir.resolve("evil.jar");
            works(h, "write " + jar);
            assertEquals("written by attack-handler\n", Files.readString(jar));
            assertTrue(blocked(h, "write " + jar).contains("File exists"), "created exclusively");
        }

        @Test
        void readsListsAndOpensForWritingAnotherDriversFiles() throws Exception {
            HandlerProcess h = start();
            Path other = Files.createDirectory(dir.resolve("other-driver"));
            Path secret = Files.writeString(other.resolve("secret"), "s3cr3t");
            assertEquals(6, number(works(h, "read " + secret), "read (\\d+) bytes"));
            assertEquals(1, number(works(h, "list " + other), "OK (\\d+) entries"));
            works(h, "openrw " + secret);
            assertEquals("s3cr3t", Files.readString(secret), "openrw writes nothing");
            assertTrue(blocked(h, "openrw " + dir.resolve("absent")).contains("No such file"));
        }

        @Test
        void opensASiblingHandlersPipesWhileTheSiblingServesOn() throws Exception {
            HandlerProcess h = start();
            HandlerProcess sibling = track(HandlerProcess.start("echo-handler"));
            works(h, "fd " + sibling.pid() + " 0");
            works(h, "fd " + sibling.pid() + " 1");
            assertEquals("still echoes", new String(sibling.call("still echoes".getBytes(US_ASCII)), US_ASCII));
        }

        @Test
        void listensOnAPortTheHostReachesAndConnectsToTheHost() throws Exception {
            HandlerProcess h = start();
            int port = (int) number(works(h, "listen 0"), "0\\.0\\.0\\.0:(\\d+)");
            assertTrue(canConnect(port), "the host reaches the handler's port " + port);
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                works(h, "connect 127.0.0.1 " + server.getLocalPort());
                server.setSoTimeout(5000);
                server.accept().close();
            }
            assertFalse(canConnect(port), "the next request closed the listening socket");
        }

        @Test
        void usesMemoryProcessesFilesAndDisk() throws Exception {
            HandlerProcess h = start();
            works(h, "memory 256");
            works(h, "fork 50");
            List<ProcessHandle> children = h.process().children().toList();
            strays.addAll(children);
            assertTrue(children.size() >= 50, "50 sleeping children: " + children.size());
            works(h, "files 2000");
            Path disk = dir.resolve("disk");
            works(h, "diskwrite 8 " + disk);
            assertEquals(8L << 20, Files.size(disk));
            assertEquals(0, h.closeInputAndWait());
            assertTrue(h.stdoutAtEof(), "the children do not hold the reply pipe");
        }

        @Test
        void rlimitsShowAsNoNotAsACrash() throws Exception {
            assumeTrue(Files.isExecutable(PRLIMIT), PRLIMIT + " (util-linux) is not installed");
            HandlerProcess h = track(HandlerProcess.startCommand(List.of(PRLIMIT.toString(), "--nofile=64",
                    "--fsize=" + (1 << 20), "--as=" + (256 << 20), "--",
                    HandlerProcess.binary(HANDLER).toAbsolutePath().toString()), Map.of()));
            assertTrue(attack(h, "files 100").matches("NO after \\d+ opens: Too many open files"), "RLIMIT_NOFILE");
            assertEquals("NO after 1 MiB: File too large", attack(h, "diskwrite 4 " + dir.resolve("big")),
                    "RLIMIT_FSIZE with SIGXFSZ ignored");
            assertEquals("NO malloc: Cannot allocate memory", attack(h, "memory 512"), "RLIMIT_AS");
            works(h, "whoami");
        }

        @Test
        void hoppingDaemonOutlivesItsKilledHandler() throws Exception {
            HandlerProcess h = start();
            String m = marker("hop");
            long first = number(works(h, "hop " + m), "from pid (\\d+)");
            List<Long> hopped = Await.until(m + " hopped on from the handler's child " + first,
                    () -> MarkedProcesses.alive(m), l -> !l.isEmpty() && !l.contains(first));
            h.close();
            Await.until(m + " still runs after its handler and the handler's descendants were killed (was " + hopped
                    + ")", () -> MarkedProcesses.alive(m), l -> !l.isEmpty());
            MarkedProcesses.killAll(m);
        }

        @Test
        void orphanOutlivesItsCrashedHandler() throws Exception {
            HandlerProcess h = start();
            String m = marker("orph");
            long orphan = number(works(h, "orphan " + m), "pid=(\\d+)");
            Await.until("the orphan " + orphan + " took the name " + m, () -> MarkedProcesses.alive(m),
                    l -> l.contains(orphan));
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(orphan), "cmdline")),
                    StandardCharsets.UTF_8);
            assertTrue(cmdline.startsWith(m), "its command line names it too: " + cmdline);
            h.writeFrame("crash".getBytes(US_ASCII));
            assertEquals(128 + 11, h.waitForExit(), "died of SIGSEGV");
            assertTrue(MarkedProcesses.isAlive(orphan), "the orphan " + orphan + " outlived its crashed handler");
            assertNotEquals(h.pid(), ProcessHandle.of(orphan).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                    .orElse(-1L), "re-parented away from the dead handler");
        }

        @Test
        void reportsThePrivilegesOfRoot() throws Exception {
            assumeTrue(runningAsRoot(), "the build does not run as root");
            HandlerProcess h = start();
            works(h, "caps");
            assertTrue(works(h, "uid").startsWith("OK uid=0 euid=0 "));
            assertEquals("OK NoNewPrivs=0", attack(h, "nnp"));
            assertEquals("OK Seccomp=0", attack(h, "seccomp"));
            works(h, "unshare");
            works(h, "caps"); // the user namespace was the child's, not the handler's
            assertTrue(number(works(h, "mounts"), "OK (\\d+) mounts") > 0);
            assertTrue(works(h, "whoami").startsWith("OK pid=" + h.pid() + " ppid=" + JVM + " "));
            // No terminal under Maven here (OK where the build has a controlling terminal): just well formed.
            assertTrue(attack(h, "tty").matches("(OK|NO) .+"));
        }

        @Test
        void badRequestsGetErrAndTheHandlerServesOn() throws Exception {
            HandlerProcess h = start();
            List<byte[]> bad = new ArrayList<>();
            for (String s : List.of("", " ", "caps ", " caps", "signal  1 0", "nope", "environ", "environ 1 2",
                    "environ abc", "environ 0", "environ -1", "environ 99999999999", "signal 1", "signal 1 65",
                    "signal 1 -1", "fd 1 x", "listen 70000", "connect localhost 80", "connect 127.0.0.1 0",
                    "memory 0", "fork 0", "files -1", "diskwrite 1", "hop", "crash now", "a b c d e",
                    "caps\tx", "caps\n", "x".repeat(4096))) {
                bad.add(s.getBytes(US_ASCII));
            }
            bad.add(new byte[] {'c', 'a', 'p', 's', 0});
            bad.add(new byte[] {'c', 'a', 'p', 's', ' ', (byte) 0xff});
            bad.add(new byte[5000]);
            bad.add(new byte[1 << 20]);
            for (byte[] request : bad) {
                String reply = new String(h.call(request), US_ASCII);
                assertTrue(reply.startsWith("ERR "), "'" + new String(request, US_ASCII).substring(0,
                        Math.min(request.length, 40)) + "' (" + request.length + " bytes): " + reply);
            }
            works(h, "whoami");
            assertEquals(0, h.closeInputAndWait());
        }
    }

    // ---- under a bubblewrap command line

    @Nested
    class UnderBubblewrap {

        @BeforeEach
        void needsBubblewrap() {
            assumeTrue(Files.isExecutable(BWRAP), BWRAP + " is not installed");
        }

        /** Namespaces of every kind, no capabilities, a new session; only /usr, a /tmp tmpfs and the handler. */
        private HandlerProcess start() throws IOException {
            String handler = HandlerProcess.binary(HANDLER).toAbsolutePath().toString();
            return track(HandlerProcess.startCommand(Arrays.asList(BWRAP.toString(), "--unshare-all",
                    "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr",
                    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                    "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--ro-bind", handler, "/umd/attack", "--",
                    "/umd/attack"), Map.of()));
        }

        /** The handler itself as the host sees it: bwrap's descendant named after /umd/attack. */
        private long hostPidOf(HandlerProcess h) {
            return Await.until("the sandboxed handler among bwrap's descendants",
                    () -> h.process().descendants().filter(p -> p.info().command().map(c -> c.endsWith("/attack"))
                            .orElse(false)).findFirst(), p -> p.isPresent()).orElseThrow().pid();
        }

        @Test
        void cannotReachTheJvmOrAVictimOutsideItsPidNamespace() throws Exception {
            HandlerProcess h = start();
            ProcessHandle v = victim();
            assertTrue(blocked(h, "environ " + JVM).contains("No such file"));
            blocked(h, "cmdline " + JVM);
            blocked(h, "mem " + JVM);
            assertTrue(blocked(h, "signal " + JVM + " 0").contains("No such process"));
            blocked(h, "ptrace " + JVM);
            blocked(h, "signal " + v.pid() + " 9");
            blocked(h, "ptrace " + v.pid());
            assertTrue(MarkedProcesses.isAlive(v.pid()), "the victim lives");
            assertEquals("0", status(v.pid(), "TracerPid"), "and nobody traces it");
            assertTrue(works(h, "whoami").matches("OK pid=\\d+ ppid=1 .*"), "its parent is its namespace's init");
        }

        @Test
        void cannotReachTheHostNetworkNorBeReachedFromIt() throws Exception {
            HandlerProcess h = start();
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                assertTrue(blocked(h, "connect 127.0.0.1 " + server.getLocalPort()).contains("Connection refused"),
                        "its loopback is its own");
            }
            // Listening works, but only in its own network namespace.
            int port = (int) number(works(h, "listen 0"), "0\\.0\\.0\\.0:(\\d+)");
            assertFalse(canConnect(port), "the host cannot reach the handler's port " + port);
        }

        @Test
        void seesNoneOfTheHostsFilesAndWritesOnlyItsOwnTmpfs() throws Exception {
            HandlerProcess h = start();
            Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t");
            blocked(h, "write " + dir.resolve("evil.jar"));
            assertFalse(Files.exists(dir.resolve("evil.jar")));
            blocked(h, "read " + secret);
            blocked(h, "list " + dir);
            String name = "/tmp/attack-" + ThreadLocalRandom.current().nextInt(1 << 30);
            works(h, "write " + name);
            assertFalse(Files.exists(Path.of(name)), "its /tmp is not the host's");
            blocked(h, "openrw /usr/bin/sleep");
        }

        @Test
        void hasNoCapabilitiesNoNewPrivilegesAndNoTerminal() throws Exception {
            HandlerProcess h = start();
            assertEquals("NO capabilities: CapEff=0000000000000000", attack(h, "caps"));
            assertEquals("NO NoNewPrivs=1", attack(h, "nnp"));
            blocked(h, "tty");
        }

        @Test
        void itsHoppingDaemonAndOrphanDieWithIt() throws Exception {
            HandlerProcess h = start();
            String hop = marker("hop");
            String orphan = marker("orph");
            works(h, "hop " + hop);
            works(h, "orphan " + orphan);
            Await.until("both are running", () -> !MarkedProcesses.alive(hop).isEmpty()
                    && !MarkedProcesses.alive(orphan).isEmpty());
            assertEquals(0, h.closeInputAndWait());
            MarkedProcesses.awaitNone(hop, "no " + hop + " left once the handler exited");
            MarkedProcesses.awaitNone(orphan, "no " + orphan + " left");
        }

        @Test
        void theOrphanOfACrashedHandlerDiesWithIt() throws Exception {
            HandlerProcess h = start();
            String m = marker("orph");
            works(h, "orphan " + m);
            Await.until(m + " is running", () -> !MarkedProcesses.alive(m).isEmpty());
            h.writeFrame("crash".getBytes(US_ASCII));
            assertNotEquals(0, h.waitForExit(), "bwrap reports the crash");
            MarkedProcesses.awaitNone(m, "no " + m + " left after the crash");
        }

        /**
         * Namespaces alone do not limit resources, filter system calls or change the uid: that is
         * left to the sandbox's rlimits, cgroups, seccomp filter and unprivileged user.
         */
        @Test
        void bubblewrapAloneLeavesResourcesSyscallsAndTheUidToTheOtherLayers() throws Exception {
            assumeTrue(runningAsRoot(), "the build does not run as root");
            HandlerProcess h = start();
            works(h, "memory 256");
            works(h, "fork 50");
            works(h, "files 2000");
            works(h, "diskwrite 8 /tmp/disk");
            works(h, "unshare");
            assertEquals("OK Seccomp=0", attack(h, "seccomp"));
            assertTrue(works(h, "uid").startsWith("OK uid=0 euid=0 "));
            assertTrue(status(hostPidOf(h), "Uid").startsWith("0\t"), "root outside too");
        }
    }
}
