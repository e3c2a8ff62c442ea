package io.github.umdosgi.impl.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.github.umdosgi.api.Sandbox;

/**
 * The manager's own cgroups: one folder {@code umd-osgi.<jvm pid>} beneath
 * the cgroup the JVM itself is in, for each cgroup v1 controller it can write
 * ({@code memory}, {@code pids}, {@code cpu}) and in the cgroup2 hierarchy
 * (for its {@code cgroup.kill}, which kills a whole tree at once, even a
 * process that is just forking), and one child per handler process tree
 * beneath that. Nothing is created elsewhere and no limit of a
 * cgroup the manager did not create is changed.
 *
 * <p>Thread safe: the folders are the only state, and each handler's child
 * has a name of its own.
 */
public final class Cgroups {

    static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");
    /** The cgroup2 hierarchy, used for no controller, only to kill a tree: keyed so among the controllers. */
    static final String UNIFIED = "unified";

    /** What the manager could create, by controller: its own folder. */
    private final Map<String, Path> own;
    private final AtomicLong sequence = new AtomicLong();
    // Folders of trees that were still dying when released; retried at each create and at close.
    private final java.util.Queue<Path> busy = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private Cgroups(Map<String, Path> own) {
        this.own = Map.copyOf(own);
    }

    /** @return cgroups that limit nothing: no controller could be used */
    public static Cgroups none() {
        return new Cgroups(Map.of());
    }

    /**
     * Finds the JVM's own cgroup of each controller, removes what managers
     * that died left there, and creates this manager's folder.
     *
     * @return the controllers this manager can use (possibly none)
     */
    public static Cgroups discover() {
        Map<String, Path> own = new LinkedHashMap<>();
        Map<String, Path> mine = ownCgroups();
        String folder = "umd-osgi." + ProcessHandle.current().pid();
        // The cgroup2 hierarchy first: a dead manager's leftovers are killed there before their
        // folders in the other hierarchies are removed.
        List<String> wanted = new ArrayList<>(List.of(UNIFIED));
        wanted.addAll(CONTROLLERS);
        for (String controller : wanted) {
            Path parent = mine.get(controller);
            if (parent == null || !Files.isWritable(parent)) {
                continue;
            }
            removeStale(parent);
            Path dir = parent.resolve(folder);
            try {
                Files.createDirectories(dir);
                own.put(controller, dir);
            } catch (IOException | SecurityException e) {
                // Not delegated to this user: the rlimit fallbacks apply.
            }
        }
        return new Cgroups(own);
    }

    /** @return the controllers in use ({@value #UNIFIED} for the cgroup2 hierarchy) */
    public java.util.Set<String> controllers() {
        return own.keySet();
    }

    /**
     * Creates the cgroups of one handler tree and sets its limits.
     *
     * @param label a short name for the folder (letters, digits, dots, dashes)
     * @param sandbox the limits
     * @return the handler's cgroups; empty folders when no controller is usable
     * @throws IOException a folder or a limit could not be written
     */
    public HandlerCgroup create(String label, Sandbox sandbox) throws IOException {
        retryBusy();
        String name = label.replaceAll("[^A-Za-z0-9._-]", "_") + "." + sequence.incrementAndGet();
        Map<String, Path> dirs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> controller : own.entrySet()) {
                Path dir = controller.getValue().resolve(name);
                Files.createDirectory(dir);
                dirs.put(controller.getKey(), dir);
            }
            Path memory = dirs.get("memory");
            if (memory != null) {
                write(memory.resolve("memory.limit_in_bytes"), sandbox.memory());
                // With swap accounting, swap counts too: otherwise the limit would only move pages to swap.
                if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                    write(memory.resolve("memory.memsw.limit_in_bytes"), sandbox.memory());
                }
            }
            Path pids = dirs.get("pids");
            if (pids != null) {
                // The tree holds three processes that are not the handler's: the shim watching the pid
                // namespace, bubblewrap's monitor and the sandbox's init.
                write(pids.resolve("pids.max"), sandbox.processes() + 3L);
            }
            Path cpu = dirs.get("cpu");
            if (cpu != null && sandbox.cpuMillis() > 0) {
                write(cpu.resolve("cpu.cfs_period_us"), 100_000);
                write(cpu.resolve("cpu.cfs_quota_us"), sandbox.cpuMillis() * 100L);
            }
        } catch (IOException | RuntimeException e) {
            new HandlerCgroup(dirs, sandbox, busy::add, true).release();
            throw e instanceof IOException io ? io : new IOException(e);
        }
        return new HandlerCgroup(dirs, sandbox, busy::add, true);
    }

    /**
     * A cgroup2 folder for an unconfined handler's tree: no limits, only the means to kill the
     * whole tree at once, including what left the handler's session. (An unconfined handler runs
     * with the JVM's rights and could move itself out: this is for the manager's own correctness,
     * not a defence.)
     *
     * @param label a short name for the folder
     * @return the folder, or empty when the cgroup2 hierarchy cannot be used here
     * @throws IOException the folder could not be created
     */
    public Optional<HandlerCgroup> createKillGroup(String label) throws IOException {
        Path unified = own.get(UNIFIED);
        if (unified == null) {
            return Optional.empty();
        }
        retryBusy();
        Path dir = unified.resolve(label.replaceAll("[^A-Za-z0-9._-]", "_") + "." + sequence.incrementAndGet());
        Files.createDirectory(dir);
        return Optional.of(new HandlerCgroup(Map.of(UNIFIED, dir), Sandbox.DEFAULT, busy::add, false));
    }

    private void retryBusy() {
        for (int n = busy.size(); n > 0; n--) {
            Path dir = busy.poll();
            if (dir != null && !removeTree(dir)) {
                busy.add(dir);
            }
        }
    }

    /**
     * Removes this manager's folders, once every handler was closed; trees still dying get a
     * moment (their processes were killed, the kernel is finishing them).
     */
    public void close() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        for (Path dir : own.values()) {
            while (!removeTree(dir) && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void write(Path file, long value) throws IOException {
        Files.writeString(file, Long.toString(value));
    }

    /** Folders of managers whose JVM is gone: their trees died with them, so they are empty. */
    private static void removeStale(Path parent) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, "umd-osgi.*")) {
            for (Path child : children) {
                String pid = child.getFileName().toString().substring("umd-osgi.".length());
                if (pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
                        && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    killTrees(child);
                    // Killed processes take a moment to leave; the manager's start waits for them briefly.
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
                    while (!removeTree(child) && System.nanoTime() - deadline < 0) {
                        Thread.sleep(5);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Nothing to clean, or not ours to clean.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills whatever is left in a dead manager's handler folders (cgroup2 only, where
     * {@code cgroup.kill} exists): a tree whose JVM was killed while its sandbox was being built
     * can outlive it, since bubblewrap arms its own parent-death signal only after its fork.
     */
    private static void killTrees(Path managerFolder) {
        try (DirectoryStream<Path> trees = Files.newDirectoryStream(managerFolder, Files::isDirectory)) {
            for (Path tree : trees) {
                Path kill = tree.resolve("cgroup.kill");
                if (Files.exists(kill)) {
                    Files.writeString(kill, "1");
                }
            }
        } catch (IOException e) {
            // Not ours or already gone.
        }
    }

    /** Removes cgroup folders bottom-up (only rmdir works on cgroup folders). */
    static boolean removeTree(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(children::add);
        } catch (IOException e) {
            return !Files.exists(dir);
        }
        children.forEach(Cgroups::removeTree);
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException busy) {
            return false;
        }
    }

    /**
     * The JVM's own cgroup folder for each v1 controller, from
     * {@code /proc/self/cgroup} and the cgroup mounts in {@code /proc/self/mountinfo}.
     */
    private static Map<String, Path> ownCgroups() {
        Map<String, Path> found = new LinkedHashMap<>();
        try {
            Map<String, String> paths = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && !f[1].isEmpty()) {
                    for (String controller : f[1].split(",")) {
                        paths.put(controller, f[2]);
                    }
                } else if (f.length == 3 && f[0].equals("0")) {
                    paths.put(UNIFIED, f[2]);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                mountedController(line).ifPresent(m -> {
                    String path = paths.get(m.controller());
                    // The mount's root is the part of the hierarchy it shows.
                    if (path != null && (path + "/").startsWith(m.root().equals("/") ? "/" : m.root() + "/")) {
                        String below = path.substring(m.root().equals("/") ? 0 : m.root().length());
                        found.putIfAbsent(m.controller(), Path.of(m.mountPoint() + below));
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            // No /proc or an unexpected format: no cgroups.
        }
        return found;
    }

    private record Mount(String controller, String root, String mountPoint) {
    }

    /** A v1 cgroup mount of one of our controllers: "... ROOT MOUNTPOINT ... - cgroup cgroup rw,memory". */
    private static Optional<Mount> mountedController(String line) {
        int dash = line.indexOf(" - ");
        if (dash < 0) {
            return Optional.empty();
        }
        String[] before = line.substring(0, dash).split(" ");
        String[] after = line.substring(dash + 3).split(" ");
        if (before.length < 5 || after.length < 3) {
            return Optional.empty();
        }
        if (after[0].equals("cgroup2")) {
            return Optional.of(new Mount(UNIFIED, before[3], before[4]));
        }
        if (!after[0].equals("cgroup")) {
            return Optional.empty();
        }
        for (String option : after[2].split(",")) {
            if (CONTROLLERS.contains(option)) {
                return Optional.of(new Mount(option, before[3], before[4]));
            }
        }
        return Optional.empty();
    }
}
