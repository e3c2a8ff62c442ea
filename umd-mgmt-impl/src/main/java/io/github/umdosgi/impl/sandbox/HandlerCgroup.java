package io.github.umdosgi.impl.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.process.Confinement;

/**
 * The cgroups of one handler tree, joined by the launch shim before it runs
 * the sandbox: the tree's memory, process and CPU limits, and the counters
 * that tell afterwards which limit ended it.
 *
 * <p>Thread safe: {@link #release} is synchronized and records the reason
 * before the folders go, so a later {@link #limitReached} still knows it.
 */
final class HandlerCgroup implements Confinement {

    private final Map<String, Path> dirs;
    private final Sandbox sandbox;
    // Takes a folder that was still busy at release, to be removed later.
    private final java.util.function.Consumer<Path> removeLater;
    // Whether the tree runs in a sandbox's pid namespace; else only the cgroup holds it together.
    private final boolean pidNamespace;
    // Guarded by this: set once released.
    private String reasonAtRelease;

    HandlerCgroup(Map<String, Path> dirs, Sandbox sandbox, java.util.function.Consumer<Path> removeLater,
            boolean pidNamespace) {
        this.dirs = Map.copyOf(dirs);
        this.sandbox = sandbox;
        this.removeLater = removeLater;
        this.pidNamespace = pidNamespace;
    }

    /** @return the folders the shim joins */
    List<Path> folders() {
        return List.copyOf(dirs.values());
    }

    /** @return whether the memory controller limits this tree */
    boolean limitsMemory() {
        return dirs.containsKey("memory");
    }

    /** @return whether the pids controller limits this tree */
    boolean limitsProcesses() {
        return dirs.containsKey("pids");
    }

    @Override
    public boolean killsWholeTree() {
        return pidNamespace || dirs.containsKey(Cgroups.UNIFIED);
    }

    /**
     * Kills every process of the tree at once through cgroup2's {@code cgroup.kill}, which also
     * takes a process that is forking or not yet under the sandbox's parent-death signal (a kill
     * of bubblewrap between its fork and that signal's arming would leave its child behind).
     */
    @Override
    public void killAll() {
        Path unified = dirs.get(Cgroups.UNIFIED);
        if (unified != null) {
            try {
                Files.writeString(unified.resolve("cgroup.kill"), "1");
            } catch (IOException e) {
                // Already gone, or a kernel before 5.14: the pid namespace is the remaining guarantee.
            }
        }
    }

    @Override
    public synchronized String limitReached() {
        return reasonAtRelease != null ? reasonAtRelease : readReason();
    }

    private String readReason() {
        Path memory = dirs.get("memory");
        if (memory != null && counter(memory.resolve("memory.oom_control"), "oom_kill") > 0) {
            return "the memory limit (" + Sandbox.bytes(sandbox.memory()) + ") was reached";
        }
        Path pids = dirs.get("pids");
        if (pids != null && counter(pids.resolve("pids.events"), "max") > 0) {
            return "the process limit (" + sandbox.processes() + ") was reached";
        }
        return "";
    }

    /** A "name value" line of a cgroup's flat keyed file, or 0. */
    private static long counter(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals(name)) {
                    return Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone or unreadable: nothing to report.
        }
        return 0;
    }

    /**
     * Removes the folders. Processes of the tree may still be dying when the
     * first process was reaped: a folder still occupied is handed on to be
     * removed later, so that no caller waits for the kernel to finish them.
     */
    @Override
    public synchronized void release() {
        if (reasonAtRelease != null) {
            return;
        }
        reasonAtRelease = readReason();
        // Whatever is still in the tree once its first process is reaped escaped the pid namespace's end.
        killAll();
        for (Path dir : dirs.values()) {
            if (!Cgroups.removeTree(dir)) {
                removeLater.accept(dir);
            }
        }
    }
}
