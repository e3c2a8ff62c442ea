package io.github.umdosgi.impl.process;

import static io.github.umdosgi.impl.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.umdosgi.impl.frame.FrameTooLargeException;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
public class HandlerProcessTest {

    private static final Duration REAP = Duration.ofSeconds(5);

    @TempDir
    Path temp;

    private Path cwd;
    private Path cat;
    private final List<HandlerProcess> started = new ArrayList<>();
    private final List<Long> extraPids = new ArrayList<>();
    private final List<String> stderrLines = new CopyOnWriteArrayList<>();
    private ProcessServices spawner;

    @BeforeEach
    void setUp() throws IOException {
        // The production configuration: behind setpriv when the machine has it.
        spawner = ProcessServices.create();
        cwd = Files.createDirectory(temp.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cat = Files.copy(Path.of("/bin/cat"), cwd.resolve("handler"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(cat, PosixFilePermissions.fromString("r-x------"));
    }

    @AfterEach
    void tearDown() {
        for (HandlerProcess p : started) {
            p.close(REAP);
        }
        for (long pid : extraPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        spawner.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", "/usr/bin:/bin");
        return env;
    }

    private HandlerProcess start(List<String> command, Map<String, String> env) throws IOException {
        HandlerProcess p = HandlerProcess.start(spawner, Launch.plain(command, cwd, env), "driver 'test' instance 0", stderrLines::add);
        started.add(p);
        return p;
    }

    private HandlerProcess sh(String script) throws IOException {
        return start(List.of("/bin/sh", "-c", script), env());
    }

    /** Dead: gone, or a zombie nobody reaps (a container's pid 1 may not reap orphans). */
    /** The byte[] form of a call, through the buffer API the manager uses. */
    static byte[] call(HandlerProcess p, byte[] request, int maxSize, java.util.concurrent.Executor writers)
            throws IOException {
        return p.call(java.nio.ByteBuffer.wrap(request), maxSize, io.github.umdosgi.impl.frame.ReplyTarget.NEW_ARRAY,
                writers).array();
    }

    public static boolean isDead(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                return state == 'Z' || state == 'X';
            } catch (IOException gone) {
                return true;
            }
        }
        return true;
    }

    private static List<String> umdStderrThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("umd-stderr")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Lines the pump passed on, without its "label: " prefix. */
    private List<String> stderrPayloads() {
        List<String> out = new ArrayList<>();
        for (String line : stderrLines) {
            int colon = line.indexOf(": ");
            out.add(colon < 0 ? line : line.substring(colon + 2));
        }
        return out;
    }

    @Test
    void catEchoesFramesOfSeveralSizes() throws Exception {
        HandlerProcess p = start(List.of(cat.toString()), env());
        assertTrue(p.isAlive());
        assertTrue(p.pid() > 0);
        assertTrue(p.label().contains("pid " + p.pid()), p.label());
        Random random = new Random(1);
        // 1 MiB is far above a 64 KiB pipe buffer: cat writes its echo while we still write,
        // so send the big ones from another thread.
        for (int size : new int[] {0, 1, 4096, 65_536, 200_000, 1 << 20}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            // Larger than a pipe buffer: call() writes from a pool thread while it reads.
            byte[] reply = HandlerProcessTest.call(p, payload, 1 << 20, spawner.workers());
            assertArrayEquals(payload, reply, "size " + size);
            assertFalse(p.hasUnsolicitedOutput());
        }
        assertFalse(p.killedByUs());
    }

    @Test
    void handlerRunsInTheGivenDirectoryWithExactlyTheGivenEnvironment() throws Exception {
        // Make sure the JVM has something that could leak: its own PATH and HOME.
        assertNotEquals(null, System.getenv("PATH"));
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", "/umd-test-path:/usr/bin:/bin");
        env.put("UMD_DRIVER", "test");
        env.put("WITH_SPACE", "a b  c");
        HandlerProcess p = start(List.of("/bin/sh", "-c", "pwd >&2; /usr/bin/env >&2; echo END >&2; exec cat"), env);

        await("the handler printed its environment", () -> stderrPayloads().contains("END"));
        List<String> lines = stderrPayloads();
        assertEquals(cwd.toRealPath().toString(), lines.get(0), "working directory");
        List<String> seen = new ArrayList<>(lines.subList(1, lines.indexOf("END")));
        // sh itself may export PWD, SHLVL and OLDPWD; nothing else may appear.
        seen.removeIf(l -> l.startsWith("PWD=") || l.startsWith("SHLVL=") || l.startsWith("OLDPWD=")
                || l.startsWith("_="));
        Collections.sort(seen);
        assertEquals(List.of("PATH=/umd-test-path:/usr/bin:/bin", "UMD_DRIVER=test", "WITH_SPACE=a b  c"), seen);
        // In particular, nothing of the JVM's own environment leaked.
        for (Map.Entry<String, String> jvm : System.getenv().entrySet()) {
            if (!env.containsKey(jvm.getKey()) && !List.of("PWD", "SHLVL", "OLDPWD", "_").contains(jvm.getKey())) {
                assertFalse(lines.contains(jvm.getKey() + "=" + jvm.getValue()), "leaked " + jvm.getKey());
            }
        }
        assertTrue(p.isAlive(), "exec cat keeps it running");
    }

    @Test
    void minimalEnvironmentIsWhatTheHandlerSees() throws Exception {
        Map<String, String> env = HandlerEnvironment.of("sample", 3, cwd, List.of());
        assertEquals(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C", "HOME", cwd.toString(),
                "TMPDIR", cwd.toString(), "UMD_DRIVER", "sample", "UMD_INSTANCE", "3", "UMD_PROTOCOL", "1"), env);
        HandlerProcess p = start(List.of("/usr/bin/env"), env);
        Process exited = p.onExit().get(10, TimeUnit.SECONDS);
        // env wrote to stdout (not stderr); read it back raw.
        byte[] out = exited.getInputStream().readAllBytes();
        List<String> seen = new ArrayList<>(List.of(new String(out).split("\n")));
        Collections.sort(seen);
        List<String> expected = new ArrayList<>();
        env.forEach((k, v) -> expected.add(k + "=" + v));
        Collections.sort(expected);
        assertEquals(expected, seen);
        assertNotEquals(System.getenv("HOME"), cwd.toString());
    }

    @Test
    void stderrReachesTheConsumerLineByLine() throws Exception {
        HandlerProcess p = sh("printf 'one\\ntwo\\n' >&2; printf 'thr' >&2; sleep 0.1; printf 'ee\\n' >&2;"
                + " printf 'no newline at end' >&2; exit 0");
        await("the handler exited", () -> !p.isAlive());
        await("the last line arrived", () -> stderrPayloads().size() >= 4);
        assertEquals(List.of("one", "two", "three", "no newline at end"), stderrPayloads());
        for (String line : stderrLines) {
            assertTrue(line.startsWith(p.label() + ": "), "lines are labelled: " + line);
        }
    }

    @Test
    void killKillsTheHandlerAndTheChildItForked() throws Exception {
        HandlerProcess p = sh("sleep 1000 & echo child=$! >&2; exec " + cat);
        await("the child pid was printed", () -> stderrPayloads().stream().anyMatch(l -> l.startsWith("child=")));
        long child = Long.parseLong(stderrPayloads().stream().filter(l -> l.startsWith("child=")).findFirst()
                .orElseThrow().substring(6));
        extraPids.add(child);
        assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "child runs before kill");
        assertTrue(p.isAlive());

        p.kill();

        assertTrue(p.killedByUs());
        p.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(p.isAlive());
        await("the forked child is dead too", () -> isDead(child));
        assertEquals("was killed by signal 9", p.describeExit(Duration.ofSeconds(5)));
        // A caller fails rather than blocking forever: the pipe's writer is dead.
        assertThrows(IOException.class, () -> HandlerProcessTest.call(p, new byte[0], 1024, spawner.workers()));
        p.kill(); // idempotent
    }

    @Test
    void killUnblocksAReaderWaitingForAReply() throws Exception {
        HandlerProcess p = sh("exec sleep 1000");
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // kill anyway
            }
            p.kill();
        });
        killer.start();
        assertThrows(IOException.class, () -> HandlerProcessTest.call(p, new byte[0], 1024, spawner.workers()));
        killer.join();
    }

    @Test
    void closeLeavesNoProcessAndNoStderrThread() throws Exception {
        List<String> before = umdStderrThreads();
        HandlerProcess p = sh("sleep 1000 & echo child=$! >&2; echo started >&2; exec " + cat);
        await("started", () -> stderrPayloads().contains("started"));
        long child = Long.parseLong(stderrPayloads().get(0).substring(6));
        extraPids.add(child);
        long pid = p.pid();
        HandlerProcess second = sh("exec " + cat);
        assertTrue(umdStderrThreads().size() <= 1, "one shared stderr thread, not one per handler: " + umdStderrThreads());
        second.close(REAP);

        p.close(REAP);

        assertFalse(p.isAlive());
        assertTrue(isDead(pid));
        await("the forked child is dead", () -> isDead(child));
        assertTrue(umdStderrThreads().size() <= 1, "no stderr thread per handler survives close()");
    }

    @Test
    void closeOfAHandlerThatAlreadyExitedIsFine() throws Exception {
        List<String> before = umdStderrThreads();
        HandlerProcess p = sh("exit 0");
        p.onExit().get(10, TimeUnit.SECONDS);
        p.close(REAP);
        p.close(REAP);
        assertTrue(umdStderrThreads().size() <= 1, umdStderrThreads().toString());
    }

    @Test
    void describeExitReportsStatus() throws Exception {
        HandlerProcess p = sh("exit 3");
        p.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("exited with status 3", p.describeExit(Duration.ofSeconds(5)));
        assertFalse(p.killedByUs());
    }

    @Test
    void describeExitReportsZeroStatus() throws Exception {
        HandlerProcess p = sh("exit 0");
        assertEquals("exited with status 0", p.describeExit(Duration.ofSeconds(10)));
    }

    @Test
    void describeExitReportsAKillBySignalFromOutside() throws Exception {
        HandlerProcess p = sh("exec sleep 1000");
        // Killed by someone else, not through kill().
        ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
        assertEquals("was killed by signal 9", p.describeExit(Duration.ofSeconds(10)));
        assertFalse(p.killedByUs());
    }

    @Test
    void describeExitReportsSigterm() throws Exception {
        HandlerProcess p = sh("kill -TERM $$; sleep 10");
        assertEquals("was killed by signal 15", p.describeExit(Duration.ofSeconds(10)));
    }

    @Test
    void describeExitOfARunningHandler() throws Exception {
        HandlerProcess p = start(List.of(cat.toString()), env());
        assertEquals("is still running", p.describeExit(Duration.ofMillis(50)));
    }

    @Test
    void unsolicitedOutputIsDetected() throws Exception {
        HandlerProcess p = sh("printf 'surprise'; exec cat");
        await("the unsolicited bytes are visible", p::hasUnsolicitedOutput);
    }

    @Test
    void noUnsolicitedOutputFromAQuietHandler() throws Exception {
        HandlerProcess p = start(List.of(cat.toString()), env());
        assertArrayEquals(new byte[] {1, 2, 3}, HandlerProcessTest.call(p, new byte[] {1, 2, 3}, 16, spawner.workers()));
        Thread.sleep(100);
        assertFalse(p.hasUnsolicitedOutput());
    }

    @Test
    void handlerExitingWithoutReplyIsEof() throws Exception {
        HandlerProcess p = sh("head -c 2 >/dev/null; exit 7");
        EOFException e = assertThrows(EOFException.class, () -> HandlerProcessTest.call(p, new byte[] {9, 9, 9, 9}, 1024, spawner.workers()));
        assertTrue(e.getMessage().contains("before a reply"), e.getMessage());
        assertEquals("exited with status 7", p.describeExit(Duration.ofSeconds(5)));
    }

    @Test
    void forgedReplyLengthIsRefused() throws Exception {
        HandlerProcess p = sh("head -c 5 >/dev/null; printf '\\377\\377\\377\\377'; exec cat");
        assertThrows(FrameTooLargeException.class, () -> HandlerProcessTest.call(p, new byte[] {1}, 1 << 20, spawner.workers()));
    }

    @Test
    void sendToADeadHandlerFails() throws Exception {
        HandlerProcess p = sh("exit 0");
        p.onExit().get(10, TimeUnit.SECONDS);
        // The first write into a pipe without reader raises EPIPE (the JVM ignores SIGPIPE).
        assertThrows(IOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                HandlerProcessTest.call(p, new byte[70_000], 16, spawner.workers());
            }
        });
    }

    @Test
    void startOfAMissingExecutableFailsWithoutTheGuard() {
        try (ProcessServices unguarded = new ProcessServices(new ProcessSpawner(List.of()), new StderrDrain(),
                java.util.concurrent.Executors.newCachedThreadPool())) {
            IOException e = assertThrows(IOException.class, () -> HandlerProcess.start(unguarded,
                    Launch.plain(List.of(cwd.resolve("missing").toString()), cwd, env()), "x", l -> { }));
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void missingExecutableBehindTheGuardExitsAtOnceSayingWhy() throws Exception {
        // setpriv itself starts, so start() cannot see the failed exec: the handler "exits with 127".
        org.junit.jupiter.api.Assumptions.assumeTrue(spawner.spawner().guarded());
        HandlerProcess p = start(List.of(cwd.resolve("missing").toString()), env());
        p.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("exited with status 127", p.describeExit(Duration.ofSeconds(5)));
        String last = p.lastStderr(Duration.ofSeconds(5));
        assertTrue(last.contains("missing") && last.contains("No such file"), last);
    }

    @Test
    void unguardedSpawnerRunsTheSameProtocol() throws Exception {
        try (ProcessServices unguarded = new ProcessServices(new ProcessSpawner(List.of()), new StderrDrain(),
                java.util.concurrent.Executors.newCachedThreadPool())) {
            HandlerProcess p = HandlerProcess.start(unguarded, Launch.plain(List.of(cat.toString()), cwd, env()), "u", l -> { });
            started.add(p);
            assertArrayEquals(new byte[] {5, 6}, HandlerProcessTest.call(p, new byte[] {5, 6}, 16, unguarded.workers()));
            p.close(REAP);
            assertFalse(p.isAlive());
        }
    }

    @Test
    void closeReapsTheHandler() throws Exception {
        HandlerProcess p = start(List.of(cat.toString()), env());
        assertFalse(p.onExit().isDone());
        p.close(REAP);
        assertFalse(p.isAlive(), "close() returns only after the handler is gone");
        assertTrue(isDead(p.pid()));
        p.onExit().get(5, TimeUnit.SECONDS);
        assertTrue(p.killedByUs());
    }

    @Test
    void lastStderrNamesTheLastLinesAfterADeath() throws Exception {
        HandlerProcess p = sh("echo 'starting' >&2; echo '  fatal: cannot open device  ' >&2; exit 2");
        p.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("; its last stderr lines: starting | fatal: cannot open device",
                p.lastStderr(Duration.ofSeconds(5)));
        HandlerProcess one = sh("echo 'fatal: alone' >&2; exit 2");
        one.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("; its last stderr line: fatal: alone", one.lastStderr(Duration.ofSeconds(5)));
        HandlerProcess many = sh("for i in 1 2 3 4 5; do echo \"line $i\" >&2; done; exit 2");
        many.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("; its last stderr lines: line 3 | line 4 | line 5", many.lastStderr(Duration.ofSeconds(5)));
    }

    @Test
    void lastStderrIsEmptyWithoutStderr() throws Exception {
        HandlerProcess p = sh("exit 2");
        p.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("", p.lastStderr(Duration.ofSeconds(5)));
    }

    @Test
    void environmentAllowlistPassesOnlyNamedJvmVariablesAndNeverOverridesTheFixedOnes() {
        Map<String, String> jvm = System.getenv();
        List<String> fixed = List.of("PATH", "LANG", "HOME", "TMPDIR", "UMD_DRIVER", "UMD_INSTANCE", "UMD_PROTOCOL");
        String passed = jvm.keySet().stream().filter(k -> !fixed.contains(k)).sorted().findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(passed != null, "the JVM has no spare environment variable");
        String notPassed = jvm.keySet().stream().filter(k -> !fixed.contains(k) && !k.equals(passed))
                .findFirst().orElse(null);

        Map<String, String> env = HandlerEnvironment.of("d", 0, cwd,
                List.of(passed, "PATH", "HOME", "UMD_DRIVER", "UMD_TEST_SURELY_UNSET_VARIABLE"));

        assertEquals(jvm.get(passed), env.get(passed));
        assertEquals("/usr/local/bin:/usr/bin:/bin", env.get("PATH"), "the allowlist cannot override PATH");
        assertEquals(cwd.toString(), env.get("HOME"), "the allowlist cannot override HOME");
        assertEquals("d", env.get("UMD_DRIVER"));
        assertFalse(env.containsKey("UMD_TEST_SURELY_UNSET_VARIABLE"));
        if (notPassed != null) {
            assertFalse(env.containsKey(notPassed), notPassed + " was not allowed");
        }
        assertEquals(fixed.size() + 1, env.size());
    }
}
