package io.github.umdosgi.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds handler processes started by the manager. The native container runs the framework in this
 * JVM, so every handler is a descendant of it, and its executable lies in a private directory under
 * the manager's root (a script handler shows up as the interpreter with the script as argument).
 */
public final class HandlerProcesses {

    private HandlerProcesses() {
    }

    /** Live handler processes (and their children) whose executable, an argument or sandbox lies under {@code dir}. */
    public static List<ProcessHandle> under(Path dir) {
        return handlers(canonical(dir) + "/");
    }

    /** Live handlers of one driver: those under {@code <root>/<driver>.*}. */
    public static List<ProcessHandle> ofDriver(Path root, String driver) {
        return handlers(canonical(root) + "/" + driver + ".");
    }

    /**
     * An unconfined handler names its private directory in its executable or arguments. A
     * sandboxed one runs below bubblewrap, whose outer process works in the private directory
     * (the handler itself sees only the sandbox's paths): the sandbox's processes that are not
     * bubblewrap's own (its monitor and the namespace's init) are the handler and its children.
     * A sandbox that has not exec'd its handler yet is counted as the handler.
     */
    private static List<ProcessHandle> handlers(String prefix) {
        List<ProcessHandle> all = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .collect(Collectors.toList());
        Set<Long> sandboxes = all.stream().filter(p -> isBubblewrap(p) && cwdUnder(p.pid(), prefix))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
        List<ProcessHandle> found = all.stream()
                .filter(p -> mentions(p, prefix) || (!isBubblewrap(p) && descendsFrom(p, sandboxes)))
                .collect(Collectors.toList());
        // A sandbox still being built has not exec'd its handler yet: it stands for the handler.
        for (ProcessHandle p : all) {
            if (sandboxes.contains(p.pid()) && found.stream().noneMatch(f -> descendsFrom(f, Set.of(p.pid())))) {
                found.add(p);
            }
        }
        return found;
    }

    /** Bubblewrap, or the launch shim just before it execs bubblewrap. */
    private static boolean isBubblewrap(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("/bwrap") || c.endsWith("/umd-launch")).orElse(false);
    }

    private static boolean cwdUnder(long pid, String prefix) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).toString().startsWith(prefix);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean descendsFrom(ProcessHandle p, Set<Long> ancestors) {
        for (Optional<ProcessHandle> up = p.parent(); up.isPresent(); up = up.get().parent()) {
            if (ancestors.contains(up.get().pid())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a process with that pid is still alive. */
    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The entries of {@code root} that belong to a driver: {@code <driver>.<suffix>}. */
    public static List<Path> privateDirs(Path root, String driver) {
        return entries(root).stream()
                .filter(p -> p.getFileName().toString().startsWith(driver + "."))
                .collect(Collectors.toList());
    }

    /** Every entry directly under {@code dir}; empty when it does not exist. */
    public static List<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError("cannot list " + dir, e);
        }
    }

    /** A readable description for assertion messages. */
    public static String describe(List<ProcessHandle> processes) {
        return String.join("; ", describeAll(processes));
    }

    /** One "pid command args" line per process, for assertion messages. */
    public static List<String> describeAll(List<ProcessHandle> processes) {
        return processes.stream()
                .map(p -> p.pid() + " " + p.info().command().orElse("?")
                        + p.info().arguments().map(a -> " " + String.join(" ", a)).orElse(""))
                .collect(Collectors.toList());
    }

    private static boolean mentions(ProcessHandle p, String prefix) {
        ProcessHandle.Info info = p.info();
        if (info.command().map(c -> c.startsWith(prefix)).orElse(false)) {
            return true;
        }
        Optional<String[]> args = info.arguments();
        return args.map(a -> Arrays.stream(a).anyMatch(s -> s.startsWith(prefix))).orElse(false);
    }

    /** Resolves symbolic links, as /proc shows real paths. */
    private static String canonical(Path dir) {
        try {
            return Files.exists(dir) ? dir.toRealPath().toString() : dir.toAbsolutePath().normalize().toString();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize().toString();
        }
    }
}
