package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds what a handler started, in one pass over {@code /proc}: its
 * descendants (through parent links) and, when the handler leads its own
 * session (the launch shim calls setsid), every process of that session,
 * which includes children that outlived it and were re-parented, where
 * {@link ProcessHandle#descendants()} no longer sees them. One pass instead of
 * the JDK's descendants() plus a session scan halves the cost of a kill.
 * Stateless.
 */
final class ProcessTree {

    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {
    }

    /**
     * @param root the handler's pid
     * @param session whether the handler leads a session of its own
     * @return live processes below the root or in its session, the root itself excluded
     */
    static List<ProcessHandle> below(long root, boolean session) {
        Map<Long, List<Long>> children = new HashMap<>();
        Set<Long> found = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, ProcessTree::isPid)) {
            for (Path entry : entries) {
                long[] stat = parentAndSession(entry);
                if (stat == null) {
                    continue;
                }
                long pid = Long.parseLong(entry.getFileName().toString());
                children.computeIfAbsent(stat[0], p -> new ArrayList<>()).add(pid);
                if (session && stat[1] == root) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            // No /proc: nothing more can be found than the handler itself.
        }
        Set<Long> visited = new HashSet<>(List.of(root));
        ArrayDeque<Long> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            for (long child : children.getOrDefault(todo.poll(), List.of())) {
                if (visited.add(child)) {
                    found.add(child);
                    todo.add(child);
                }
            }
        }
        found.remove(root);
        List<ProcessHandle> tree = new ArrayList<>();
        for (long pid : found) {
            ProcessHandle.of(pid).ifPresent(tree::add);
        }
        return tree;
    }

    /**
     * Whether a process has children of its own, from its threads'
     * {@code /proc/PID/task/TID/children} lists: a few small reads instead of a
     * pass over all of {@code /proc}.
     *
     * @param pid the process
     * @return false only when every thread's list could be read and was empty
     */
    static boolean hasChildren(long pid) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path task : tasks) {
                if (!Files.readString(task.resolve("children")).isBlank()) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException unknown) {
            // No such lists (a kernel without CONFIG_PROC_CHILDREN) or a thread gone meanwhile: assume yes.
            return true;
        }
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /**
     * Fields 4 and 6 of /proc/PID/stat (parent, session), counted after the
     * command name, which may itself contain spaces and parentheses.
     */
    private static long[] parentAndSession(Path entry) {
        try {
            String stat = Files.readString(entry.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
            return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[3])};
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
