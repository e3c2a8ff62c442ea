package io.github.umdosgi.impl.process;

import static io.github.umdosgi.impl.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native shim built by this module's build, run for real. */
class LaunchShimTest {

    private static final Path SHIM = Path.of("target/classes/native", LaunchShim.architecture(), "umd-launch");

    @TempDir
    Path cwd;

    private ProcessServices services;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Long> strays = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(SHIM), "the build compiled no shim for " + LaunchShim.architecture());
        services = ProcessServices.create(installedShim());
    }

    @AfterEach
    void tearDown() {
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (services != null) {
            services.close();
        }
    }

    private HandlerProcess sh(String script) throws IOException {
        return HandlerProcess.start(services, Launch.plain(List.of("/bin/sh", "-c", script), cwd, Map.of("PATH", "/usr/bin:/bin")), "shim", stderr::add);
    }

    private long childPid() throws InterruptedException {
        await("the child pid was printed", () -> stderr.stream().anyMatch(l -> l.contains("child=")));
        String line = stderr.stream().filter(l -> l.contains("child=")).findFirst().orElseThrow();
        long pid = Long.parseLong(line.substring(line.indexOf("child=") + 6).trim());
        strays.add(pid);
        return pid;
    }

    @Test
    void theHandlerKeepsTheShimsPidLeadsASessionAndSpeaksTheProtocol() throws Exception {
        HandlerProcess p = sh("exec cat");
        assertTrue(services.spawner().throughShim());
        await("the shim exec'd the handler", () -> ProcessHandle.of(p.pid())
                .flatMap(h -> h.info().command()).map(c -> c.endsWith("cat")).orElse(false));
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(p.pid()), fields[3], "the handler leads its own session");
        assertArrayEquals(new byte[] {1, 2, 3}, HandlerProcessTest.call(p, new byte[] {1, 2, 3}, 16, services.workers()));
        p.close(Duration.ofSeconds(5));
    }

    @Test
    void aChildThatOutlivedItsHandlerIsKilledWithTheSession() throws Exception {
        HandlerProcess p = sh("sleep 1000 & echo child=$! >&2; exec cat");
        long child = childPid();
        // Killed from outside, alone: the child is re-parented and no longer a descendant.
        ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
        p.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the orphan still runs");

        p.close(Duration.ofSeconds(5));

        await("the orphaned child is dead", () -> HandlerProcessTest.isDead(child));
    }

    @Test
    void aDoubleForkedProcessThatLeftTheSessionIsStillKilled() throws Exception {
        // The subshell exits at once: its setsid'd child is orphaned, in a session of its own.
        HandlerProcess p = sh("(setsid sleep 1000 & echo child=$! >&2); exec cat");
        long child = childPid();
        await("the orphan was re-parented to the handler, its subreaper", () -> parentOf(child) == p.pid());
        // $! is known before the child has run setsid: wait for it to lead its own session.
        await("it leads a session of its own", () -> Long.toString(child).equals(sessionOf(child)));

        p.close(Duration.ofSeconds(5));

        await("the escaped child is dead", () -> HandlerProcessTest.isDead(child));
    }

    private static String sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
        } catch (IOException gone) {
            return "";
        }
    }

    private static long parentOf(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    }

    @Test
    void aMissingProgramFailsWithTheShimsReason() throws Exception {
        HandlerProcess p = HandlerProcess.start(services, Launch.plain(List.of(cwd.resolve("missing").toString()), cwd,
                Map.of()), "shim", stderr::add);
        p.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("exited with status 127", p.describeExit(Duration.ofSeconds(5)));
        String last = p.lastStderr(Duration.ofSeconds(5));
        assertTrue(last.contains("umd-launch: cannot execute") && last.contains("missing"), last);
    }

    /** The handler opened by the shim as descriptor 3, checked, and run through that descriptor. */
    private Launch checkedLaunch(Path handler, String identity) {
        return new Launch(List.of("--fd", "3=" + handler, "--identity", "3=" + identity, "--exec-fd", "3"),
                List.of(handler.toString()), cwd, Map.of(), Confinement.NONE);
    }

    /** The built shim, installed as the manager installs it (its digest recorded for the checks before each use). */
    private io.github.umdosgi.impl.blob.HandlerBlob installedShim() throws IOException {
        Path dir = Files.createDirectories(cwd.resolve("launcher"));
        return io.github.umdosgi.impl.blob.HandlerBlob.extract(SHIM.toUri().toURL(), "umd-launch",
                java.util.Optional.empty(), dir, "umd-launch");
    }

    private static String identity(Path file) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:dev,ino,ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.time.Instant changed = ((java.nio.file.attribute.FileTime) unix.get("ctime")).toInstant();
        return unix.get("dev") + ":" + unix.get("ino") + ":" + changed.getEpochSecond() + ":" + changed.getNano();
    }

    @Test
    void whatRunsIsWhatWasChecked() throws Exception {
        Path handler = cwd.resolve("handler");
        Files.copy(Path.of("/bin/cat"), handler);
        String checked = identity(handler);
        HandlerProcess good = HandlerProcess.start(services, checkedLaunch(handler, checked), "shim", stderr::add);
        assertArrayEquals(new byte[] {4, 2}, HandlerProcessTest.call(good, new byte[] {4, 2}, 16, services.workers()));
        good.close(Duration.ofSeconds(5));

        // Replaced after the manager's check (another inode), and rewritten in place (same inode,
        // new change time): the shim refuses both, and the planted program never runs.
        Path marker = cwd.resolve("marker");
        String script = "#!/bin/sh\ntouch " + marker + "\nexec cat\n";
        Path planted = cwd.resolve("planted");
        Files.writeString(planted, script);
        planted.toFile().setExecutable(true);
        Files.move(planted, handler, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(handler, checked, marker);
        String replaced = identity(handler);
        Thread.sleep(20);
        Files.writeString(handler, script + "# changed\n");
        assertRefused(handler, replaced, marker);
    }

    private void assertRefused(Path handler, String checked, Path marker) throws Exception {
        HandlerProcess bad = HandlerProcess.start(services, checkedLaunch(handler, checked), "shim", stderr::add);
        bad.onExit().get(10, TimeUnit.SECONDS);
        assertEquals("exited with status 127", bad.describeExit(Duration.ofSeconds(5)));
        String last = bad.lastStderr(Duration.ofSeconds(5));
        assertTrue(last.contains("was modified after the manager checked it"), last);
        assertTrue(Files.notExists(marker), "the changed file never ran");
        bad.close(Duration.ofSeconds(5));
    }

    @Test
    void theShimRefusesToStartWhenItsParentIsNotTheExpectedOne() throws Exception {
        Process p = new ProcessBuilder(SHIM.toAbsolutePath().toString(), "1", "/bin/true")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(127, p.exitValue());
        assertTrue(new String(p.getInputStream().readAllBytes()).contains("parent is gone"));
    }

    @Test
    void aReplyWrittenRightBeforeExitReachesTheCaller() throws Exception {
        // The JDK drains a dead process's stdout into memory; the manager's own descriptor must win.
        for (int i = 0; i < 30; i++) {
            HandlerProcess p = sh("head -c 7 >/dev/null; printf '\\000\\000\\000\\003abc'");
            assertArrayEquals("abc".getBytes(), HandlerProcessTest.call(p, "xyz".getBytes(), 16, services.workers()), "round " + i);
            p.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void bytesAfterTheReplyAreUnsolicited() throws Exception {
        HandlerProcess p = sh("head -c 5 >/dev/null; printf '\\000\\000\\000\\001x\\000\\000\\000\\001y'; "
                + "exec cat >/dev/null");
        assertFalse(p.hasUnsolicitedOutput());
        assertArrayEquals("x".getBytes(), HandlerProcessTest.call(p, "q".getBytes(), 16, services.workers()));
        await("the second frame is seen", p::hasUnsolicitedOutput);
        p.close(Duration.ofSeconds(5));
    }

    @Test
    void aCallerInterruptedInsideALargeReplyGetsATypedError() throws Exception {
        // The header and 3 of 65536 bytes arrive, then nothing: the rest is read through the channel,
        // which an interrupt closes. (A blocked header read is ended by the call timeout instead.)
        HandlerProcess p = sh("head -c 5 >/dev/null; printf '\\000\\001\\000\\000abc'; exec sleep 1000");
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                HandlerProcessTest.call(p, new byte[] {1}, 1 << 20, services.workers());
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
        });
        caller.start();
        Thread.sleep(100);
        caller.interrupt();
        Throwable t = failure.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof java.io.InterruptedIOException, String.valueOf(t));
        assertTrue(t.getMessage().contains("interrupted while reading the reply"), t.getMessage());
        p.close(Duration.ofSeconds(5));
        await("the handler is dead", () -> HandlerProcessTest.isDead(p.pid()));
    }

    @Test
    void withSyncNothingRunsBeforeTheGoByte() throws Exception {
        Path marker = cwd.resolve("ran");
        Process p = new ProcessBuilder(SHIM.toAbsolutePath().toString(), "--sync",
                Long.toString(ProcessHandle.current().pid()), "/bin/touch", marker.toString()).start();
        Thread.sleep(200);
        assertTrue(p.isAlive() && Files.notExists(marker), "the command waits for the go byte");
        p.getOutputStream().write('G');
        p.getOutputStream().flush();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(Files.exists(marker));

        Process refused = new ProcessBuilder(SHIM.toAbsolutePath().toString(), "--sync",
                Long.toString(ProcessHandle.current().pid()), "/bin/touch", marker + "2")
                .redirectErrorStream(true).start();
        refused.getOutputStream().close();
        assertTrue(refused.waitFor(10, TimeUnit.SECONDS));
        assertEquals(127, refused.exitValue());
        assertTrue(new String(refused.getInputStream().readAllBytes()).contains("no go from the manager"));
        assertTrue(Files.notExists(Path.of(marker + "2")));
    }

    @Test
    void whereProcCannotBeOpenedTheJdkStreamsReleaseTheShimAndCarryTheFrames() throws Exception {
        // The fallback HandlerPipes.attach takes when /proc/PID/fd cannot be opened (another user, hidepid).
        Process shim = new ProcessBuilder(SHIM.toAbsolutePath().toString(), "--sync",
                Long.toString(ProcessHandle.current().pid()), "/bin/cat").start();
        JdkStreamPipes pipes = new JdkStreamPipes(shim);
        try {
            pipes.release();
            pipes.write(java.nio.ByteBuffer.wrap(new byte[] {7, 8, 9}));
            java.nio.ByteBuffer reply = pipes.read(16, io.github.umdosgi.impl.frame.ReplyTarget.NEW_ARRAY);
            assertArrayEquals(new byte[] {7, 8, 9}, reply.array());
            assertFalse(pipes.hasUnsolicitedOutput());
        } finally {
            pipes.close();
            assertTrue(shim.waitFor(10, TimeUnit.SECONDS), "cat ends at end of stdin");
        }
    }

    @Test
    void aModifiedShimIsRefusedBeforeItRuns() throws Exception {
        Path installed = services.spawner().shim().orElseThrow();
        installed.toFile().setWritable(true, true);
        try (var out = Files.newOutputStream(installed, java.nio.file.StandardOpenOption.APPEND)) {
            out.write(0);
        }
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> sh("exec cat"));
        assertTrue(e.getMessage().contains("was modified after extraction"), e.getMessage());
    }

    @Test
    void theShimDropsToTheSandboxUserAndKeepsItsLimits() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "dropping a uid needs root");
        HandlerProcess p = HandlerProcess.start(services, new Launch(List.of("--rlimit", "nofile=77", "--user",
                "65500:65500", "--no-new-privs"), List.of("/bin/sh", "-c", "grep -E '^(Uid|Gid|NoNewPrivs):' /proc/self/status >&2;"
                + " ulimit -n >&2; exec cat"), cwd, Map.of("PATH", "/usr/bin:/bin"), Confinement.NONE), "shim", stderr::add);
        assertArrayEquals(new byte[] {5}, HandlerProcessTest.call(p, new byte[] {5}, 16, services.workers()));
        await("the handler printed its credentials", () -> stderr.size() >= 4);
        // Logged stderr shows a tab escaped as \t.
        List<String> lines = stderr.stream().map(l -> l.replace("\\t", " ")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches(".*Uid:\\s+65500\\s+65500\\s+65500\\s+65500")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".*NoNewPrivs:\\s+1")), lines.toString());
        assertTrue(stderr.stream().anyMatch(l -> l.endsWith(": 77")), stderr.toString());
        p.close(Duration.ofSeconds(5));
    }

    @Test
    void anInterruptOfACallerWaitingForAReplyThroughTheShimsPipesKillsTheHandler() throws Exception {
        // Bug 4 on the pipes the shim gives (a gathering write through the channel, then a heap
        // read through the stream, which alone would ignore the interrupt).
        HandlerProcess p = sh("head -c 5 >/dev/null; exec sleep 1000");
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                p.call(java.nio.ByteBuffer.wrap(new byte[] {'?'}), 16, io.github.umdosgi.impl.frame.ReplyTarget.NEW_ARRAY,
                        services.workers());
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        caller.start();
        await("the handler read the request", () -> ProcessHandle.of(p.pid())
                .flatMap(h -> h.info().command()).map(c -> c.endsWith("sleep")).orElse(false));
        caller.interrupt();
        Throwable failure = outcome.get(5, TimeUnit.SECONDS);
        assertTrue(failure instanceof java.nio.channels.ClosedByInterruptException
                || failure instanceof java.io.InterruptedIOException, String.valueOf(failure));
        assertTrue(p.killedByUs());
        p.onExit().get(10, TimeUnit.SECONDS);
        p.close(Duration.ofSeconds(5));
    }
}
