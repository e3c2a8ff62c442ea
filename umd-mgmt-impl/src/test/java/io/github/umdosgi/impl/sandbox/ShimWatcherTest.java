package io.github.umdosgi.impl.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.github.umdosgi.impl.process.LaunchShim;

/**
 * The shim's pid-namespace watcher: a parent killed at any moment of the sandbox build leaves no
 * part of the tree behind. Without the watcher, bubblewrap's sandbox init outlives a parent killed
 * between bubblewrap's fork and the moment that init arms its own parent-death signal; the test
 * first shows that happening, then that the watcher closes the window. The parent is a shell that
 * starts the shim and SIGKILLs itself after a random delay, as the JVM dies in {@code JvmKillIT}.
 * Needs root (the watcher unshares a pid namespace, the shim drops to the sandbox uid), bubblewrap
 * and the built shim.
 */
class ShimWatcherTest {

    private static final Path SHIM = Path.of("target/classes/native", LaunchShim.architecture(), "umd-launch");
    private static final Path BWRAP = Path.of("/usr/bin/bwrap");

    /** Unique per test run, in the handler's arguments, so that leftovers are found by it alone. */
    private final String marker = "8" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100_000_000L);
    private final Random random = new Random(7);

    @AfterEach
    void killLeftovers() throws IOException {
        survivors().forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void withoutTheWatcherAParentKilledDuringTheBuildCanLeaveTheSandboxInitBehind() throws Exception {
        assumeHost();
        int tries = 0;
        while (settledSurvivors().isEmpty() && tries < 300) {
            tries++;
            killParentDuringLaunch(false);
        }
        System.out.println("[ShimWatcherTest] without the watcher: a sandbox outlived its parent after " + tries
                + " tries: " + survivors().stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                        .toList());
        assertTrue(!survivors().isEmpty(), "the race this watcher closes did not show in " + tries + " tries");
    }

    @Test
    void withTheWatcherNothingOutlivesAParentKilledAtAnyMoment() throws Exception {
        assumeHost();
        int tries = 150;
        for (int i = 0; i < tries; i++) {
            killParentDuringLaunch(true);
        }
        List<ProcessHandle> left = settledSurvivors();
        System.out.println("[ShimWatcherTest] with the watcher: " + left.size() + " survivors after " + tries
                + " parents killed during the launch");
        assertEquals(List.of(), left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    }

    private static void assumeHost() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(SHIM), "the build compiled no shim");
        Assumptions.assumeTrue(Files.isExecutable(BWRAP), "bubblewrap is not installed");
        Assumptions.assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.matches("Uid:\\s+0\\s.*")), "needs root");
    }

    /** One parent shell: starts shim and sandbox in the background, then SIGKILLs itself 0-15 ms later. */
    private void killParentDuringLaunch(boolean watched) throws Exception {
        List<String> shim = new ArrayList<>(List.of(SHIM.toAbsolutePath().toString(), "--user", "65500:65500"));
        if (watched) {
            shim.addAll(List.of("--pid-namespace", "--name", "umd:watchertest#0"));
        }
        shim.add("--no-new-privs");
        List<String> sandbox = new ArrayList<>(List.of(BWRAP.toString(), "--unshare-user", "--unshare-pid",
                "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup", "--disable-userns",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        sandbox.addAll(SandboxLaunches.systemMounts());
        sandbox.addAll(List.of("--proc", "/proc", "--tmpfs", "/tmp", "--chdir", "/tmp", "--", "/bin/sleep", marker));
        String delay = String.format("0.%03d", random.nextInt(16));
        String script = String.join(" ", shim) + " $$ " + String.join(" ", sandbox)
                + " </dev/null >/dev/null 2>&1 & sleep " + delay + "; kill -9 $$";
        Process parent = new ProcessBuilder("/bin/bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(parent.waitFor(30, TimeUnit.SECONDS), "the parent shell ended");
        // Whatever the parent's death leaves to die has a moment to do so before it is counted.
        Thread.sleep(20);
    }

    /** Survivors that are still there a while later: a tree that was about to die is not one. */
    private List<ProcessHandle> settledSurvivors() throws Exception {
        if (survivors().isEmpty()) {
            return List.of();
        }
        Thread.sleep(500);
        return survivors();
    }

    /** Processes whose arguments carry this run's marker: the sandbox's processes and the handler. */
    private List<ProcessHandle> survivors() throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(marker)) {
                        ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(found::add);
                    }
                } catch (IOException e) {
                    // Gone meanwhile.
                }
            }
        }
        return found;
    }
}
