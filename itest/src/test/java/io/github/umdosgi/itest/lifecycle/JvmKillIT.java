package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Issue case 11: the JVM is killed with SIGKILL while handlers run. This runs the product
 * distribution ({@code felix-launcher/target/umd-osgi/bin/umd-osgi}) as a separate JVM, not
 * pax-exam: the JVM under test must die for real. Its handlers are the sample driver's, a script
 * handler that ignores end of stdin and every signal but SIGKILL, and (when the test-only fault
 * handler is built) the fault handler in its ignore-eof mode; the last two are dropped into the
 * launcher's FileInstall {@code deploy/} folder. After the kill, every handler process under the
 * manager root must be gone within 2 s. A second start with the same root must then remove the
 * private directories the dead run left.
 *
 * <p>A plain JUnit test (no framework in this JVM). Skipped, with a message, when the
 * distribution has not been built (running {@code -pl itest} alone without an earlier reactor
 * build).
 */
public class JvmKillIT {

    /** The promise: handlers go away within 2 s of the JVM's death. */
    private static final Duration DEATH_LIMIT = Duration.ofSeconds(2);
    /** How long to keep measuring past the limit, so that a failure still reports the real time. */
    private static final Duration MEASURE_LIMIT = Duration.ofSeconds(10);
    private static final Duration LAUNCH_LIMIT = Duration.ofSeconds(90);

    /**
     * Ignores end of stdin (never reads it) and HUP/INT/TERM/PIPE; only SIGKILL ends it. It execs
     * sleep so that no child of it can linger: the process stays one pid with the private
     * directory as cwd.
     */
    private static final String STUBBORN_SCRIPT = "#!/bin/sh\n"
            + "trap '' HUP INT TERM PIPE\n"
            + "echo 'stubborn handler: ignoring stdin and signals' >&2\n"
            + "exec sleep 100000\n";

    private Path launcher;
    private Path work;
    private Path root;
    private final List<Process> launched = new ArrayList<>();

    @Before
    public void locateDistribution() throws IOException {
        launcher = Distribution.launcher(getClass());
        work = Distribution.freshWork(getClass().getSimpleName());
        root = work.resolve("root");
    }

    @After
    public void killWhatIsLeft() throws IOException {
        for (Process p : launched) {
            if (p.isAlive()) {
                System.out.println("[JvmKillIT] cleanup: killing launcher " + p.pid());
                p.destroyForcibly();
            }
        }
        if (root != null) {
            for (ProcScan.Proc p : ProcScan.liveUnder(root)) {
                System.out.println("[JvmKillIT] cleanup: killing leftover " + p);
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    public void handlersDieWithTheJvmAndTheNextStartRemovesTheirDirectories() throws Exception {
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Set<String> drivers = new TreeSet<>(List.of("sample", "stubborn"));
        Files.write(deploy.resolve("stubborn.jar"), BundleJar.named("itest.stubborn")
                .driverHeader("stubborn;handler=bin/stubborn.sh")
                .entry("bin/stubborn.sh", STUBBORN_SCRIPT).build());
        Path faultHandler = Paths.get(System.getProperty("itest.handlers"), "bin", "fault-handler");
        if (Files.isRegularFile(faultHandler)) {
            Files.write(deploy.resolve("faulteof.jar"), BundleJar.named("itest.faulteof")
                    .driverHeader("faulteof;handler=bin/fault-handler;wrapper=\"/usr/bin/env FAULT_MODE=ignore-eof\"")
                    .entry("bin/fault-handler", Files.readAllBytes(faultHandler)).build());
            drivers.add("faulteof");
        } else {
            System.out.println("[JvmKillIT] " + faultHandler + " not built: the ignore-eof fault handler is not"
                    + " part of this run (the stubborn script handler covers the case)");
        }

        // ---- first run: handlers up, then SIGKILL the JVM
        Process first = launch("run1", deploy, "sample:check 1; sleep 600");
        List<ProcScan.Proc> handlers = awaitHandlers(first, "run1", drivers);
        System.out.println("[JvmKillIT] run 1 handlers: " + handlers);
        ProcessHandle jvm = Distribution.javaOf(first);
        List<Path> staleDirs = HandlerProcesses.entries(root);
        System.out.println("[JvmKillIT] run 1 private directories: " + staleDirs);

        long t0 = System.nanoTime();
        assertTrue("SIGKILL sent to the JVM " + jvm.pid(), jvm.destroyForcibly());
        long goneAt = -1;
        List<ProcScan.Proc> live = handlers;
        while (System.nanoTime() - t0 < MEASURE_LIMIT.toNanos()) {
            live = ProcScan.liveUnder(root);
            if (live.isEmpty() && !jvm.isAlive()) {
                goneAt = System.nanoTime();
                break;
            }
            Thread.sleep(2);
        }
        List<ProcScan.Proc> zombies = ProcScan.under(root).stream().filter(ProcScan.Proc::zombie)
                .collect(Collectors.toList());
        long ms = goneAt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(goneAt - t0);
        System.out.printf("[JvmKillIT] %d handler processes (%s) gone %s after SIGKILL of JVM %d (limit %d ms);"
                + " zombies not yet reaped by their new parent: %d%n", handlers.size(), drivers,
                ms < 0 ? "NOT within " + MEASURE_LIMIT.toMillis() + " ms" : ms + " ms", jvm.pid(),
                DEATH_LIMIT.toMillis(), zombies.size());
        assertTrue("handler processes still alive " + MEASURE_LIMIT.toMillis() + " ms after the JVM's death: " + live,
                ms >= 0);
        assertTrue("handlers must be gone within " + DEATH_LIMIT.toMillis() + " ms of the JVM's death, took " + ms
                + " ms", ms <= DEATH_LIMIT.toMillis());
        assertTrue("the launcher process ended", first.waitFor(10, TimeUnit.SECONDS));
        assertEquals("the JVM died by SIGKILL (128 + 9)", 137, first.exitValue());

        // The dead run could not clean up: its private directories are still there.
        Set<String> staleNames = names(staleDirs);
        assertTrue("run 1 left its private directories behind (the precondition of what follows): " + staleNames,
                staleNames.size() >= drivers.size());
        assertEquals("still there after the kill", staleNames, names(HandlerProcesses.entries(root)));

        // ---- second run, same root: the manager removes the stale directories at start
        Files.delete(deploy.resolve("stubborn.jar"));
        Files.deleteIfExists(deploy.resolve("faulteof.jar"));
        // "log 50 warn" prints the OSGi log's warnings (Gogo's log command) to run2.out.
        Process second = launch("run2", deploy, "sample:check 2; log 50 warn; sleep 600");
        List<Path> fresh = Waits.waitFor("run 2: stale directories " + staleNames + " removed and a new sample"
                + " directory with a live handler", LAUNCH_LIMIT, () -> {
                    assertAlive(second, "run2");
                    return HandlerProcesses.entries(root);
                }, entries -> {
                    Set<String> now = names(entries);
                    return now.stream().noneMatch(staleNames::contains)
                            && now.stream().anyMatch(n -> n.startsWith("sample."))
                            && ProcScan.liveUnder(root).stream()
                                    .anyMatch(p -> "sample".equals(ProcScan.driverOf(p, root)));
                });
        System.out.println("[JvmKillIT] run 2 private directories: " + fresh);
        assertTrue("run 2 holds only its own sample directory: " + fresh,
                names(fresh).stream().allMatch(n -> n.startsWith("sample.")) && fresh.size() == 1);
        String warning = Waits.waitFor("run 2 logs a warning about the removed directories under " + root,
                Duration.ofSeconds(20), () -> readQuietly(work.resolve("run2.out")).lines()
                        .filter(l -> l.contains("WARN") && l.contains(root.toString())).findFirst().orElse(null),
                line -> line != null);
        System.out.println("[JvmKillIT] run 2 warning: " + warning);

        // ---- an orderly stop (SIGTERM: the launcher's shutdown hook stops the framework) leaves nothing
        second.destroy();
        assertTrue("run 2 ends after SIGTERM", second.waitFor(60, TimeUnit.SECONDS));
        Waits.waitFor("no handler process under " + root + " after run 2 stopped", Waits.SOON,
                () -> ProcScan.liveUnder(root), List::isEmpty);
        assertEquals("nothing left in the root after run 2 stopped", List.of(), HandlerProcesses.entries(root));
        System.out.println("[JvmKillIT] run 2 exit status after SIGTERM: " + second.exitValue());
    }

    /** Starts the distribution with our root, storage and deploy folder, running {@code commands}. */
    private Process launch(String name, Path deploy, String commands) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(),
                "-Dio.github.umdosgi.root=" + root,
                "-Dorg.osgi.framework.storage=" + work.resolve("felix-cache-" + name),
                "-Dfelix.fileinstall.dir=" + deploy,
                "-Dfelix.fileinstall.poll=200",
                "-c", commands)
                .directory(work.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        // Small and quick to start: this JVM shares the machine with the test JVM.
        pb.environment().put("JAVA_OPTS", "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Process p = pb.start();
        launched.add(p);
        System.out.println("[JvmKillIT] " + name + ": started " + launcher + " as pid " + p.pid() + " with -c \""
                + commands + "\"");
        return p;
    }

    /** Waits until every driver has a live handler under the root; fails early if the launcher ends. */
    private List<ProcScan.Proc> awaitHandlers(Process p, String name, Set<String> drivers) {
        return Waits.waitFor(name + ": live handlers of " + drivers + " under " + root, LAUNCH_LIMIT, () -> {
            assertAlive(p, name);
            return ProcScan.liveUnder(root);
        }, procs -> procs.stream().map(x -> ProcScan.driverOf(x, root)).collect(Collectors.toSet())
                .containsAll(drivers));
    }

    private void assertAlive(Process p, String name) {
        if (!p.isAlive()) {
            throw new AssertionError(name + " ended early with status " + p.exitValue() + "; stderr:\n"
                    + tail(work.resolve(name + ".err")) + "\nstdout:\n" + tail(work.resolve(name + ".out")));
        }
    }

    private static Set<String> names(List<Path> paths) {
        return paths.stream().map(x -> x.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
