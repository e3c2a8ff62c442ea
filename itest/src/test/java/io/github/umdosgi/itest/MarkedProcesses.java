package io.github.umdosgi.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds processes machine-wide by name ({@code /proc/PID/comm}): the test-only attack handler
 * names the processes it detaches ("hop", "orphan") with a marker chosen by the test, and once they
 * left the handler's tree neither the manager nor {@link ProcessHandle#descendants()} sees them. A
 * name is inherited across fork, so every generation of a hopping daemon carries it from its
 * first instruction.
 */
public final class MarkedProcesses {

    /**
     * How long scans must keep finding nothing before a marker counts as gone. A scan lists /proc,
     * then reads each entry: a hopping daemon that forks and exits in between shows as a zombie
     * while its child is not in the listing yet. It hops every 50 ms, so it cannot hide from every
     * scan for this long.
     */
    private static final Duration QUIET = Duration.ofMillis(250);

    private MarkedProcesses() {
    }

    /** Pids of the live (not zombie) processes named marker. */
    public static List<Long> alive(String marker) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                if (named(p, marker) && !dead(p)) {
                    found.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** Waits until a live process named marker runs; returns their pids. */
    public static List<Long> awaitSome(String marker, String what) {
        return Waits.waitFor(what, Waits.SOON, () -> alive(marker), l -> !l.isEmpty());
    }

    /** Waits until no process named marker is left (see {@link #QUIET}). */
    public static void awaitNone(String marker, String what) {
        awaitNone(marker, what, false);
    }

    /** SIGKILLs every process named marker, again and again, until none is left. */
    public static void killAll(String marker) {
        awaitNone(marker, "no process named " + marker + " left after killing", true);
    }

    /** Whether pid is alive: exists and is no zombie ({@link ProcessHandle#isAlive} may count zombies). */
    public static boolean isAlive(long pid) {
        return !dead(Path.of("/proc", Long.toString(pid)));
    }

    private static void awaitNone(String marker, String what, boolean kill) {
        long[] quietSince = {0};
        Waits.waitFor(what, Waits.SOON, () -> {
            List<Long> found = alive(marker);
            if (kill) {
                found.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
            long now = System.nanoTime();
            if (!found.isEmpty()) {
                quietSince[0] = 0;
                return found;
            }
            if (quietSince[0] == 0) {
                quietSince[0] = now;
            }
            return now - quietSince[0] >= QUIET.toNanos() ? List.<Long>of() : null;
        }, found -> found != null && found.isEmpty());
    }

    private static boolean named(Path proc, String marker) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip().equals(marker);
        } catch (IOException gone) {
            return false;
        }
    }

    /** A zombie has exited and only waits to be reaped; a process gone since the listing is dead too. */
    private static boolean dead(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException gone) {
            return true;
        }
    }
}
