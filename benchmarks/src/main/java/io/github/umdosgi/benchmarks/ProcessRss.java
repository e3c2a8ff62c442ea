package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Resident memory of a process tree, from {@code /proc/<pid>/status} {@code VmRSS} of the process and
 * every descendant (for a sandboxed handler: the launcher, bubblewrap and the handler itself).
 * Shared pages (the JDK's mapped CDS archive, libc) count once per process, as VmRSS counts them: a
 * sum of what each process has resident, not the machine's added cost. Stateless.
 */
final class ProcessRss {

    /**
     * The sum over a tree.
     *
     * @param kib the summed VmRSS in KiB
     * @param processes how many processes of the tree had a VmRSS line (kernel threads and zombies have none)
     */
    record Tree(long kib, int processes) {
    }

    private ProcessRss() {
    }

    /**
     * @param pid the root of the tree
     * @return the sum of VmRSS over the process and its descendants, read now
     * @throws IOException the root is gone or its status cannot be read
     */
    static Tree of(long pid) throws IOException {
        ProcessHandle root = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no process " + pid));
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        root.descendants().forEach(p -> pids.add(p.pid()));
        long kib = 0;
        int counted = 0;
        for (long p : pids) {
            String status;
            try {
                status = Files.readString(Path.of("/proc", Long.toString(p), "status"));
            } catch (NoSuchFileException e) {
                if (p == pid) {
                    throw new IOException("process " + pid + " exited before its memory was read", e);
                }
                continue; // a descendant that exited since the scan
            }
            OptionalLong rss = vmRssKiB(status);
            if (rss.isPresent()) {
                kib += rss.getAsLong();
                counted++;
            }
        }
        return new Tree(kib, counted);
    }

    /**
     * @param status the text of a {@code /proc/<pid>/status} file
     * @return its {@code VmRSS} in KiB, empty when the file has no such line (a kernel thread, a zombie)
     * @throws IllegalArgumentException the line is there but not {@code VmRSS: <digits> kB}
     */
    static OptionalLong vmRssKiB(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] fields = line.substring("VmRSS:".length()).strip().split("\\s+");
                if (fields.length != 2 || !fields[1].equals("kB") || !fields[0].matches("[0-9]{1,15}")) {
                    throw new IllegalArgumentException("unexpected VmRSS line: '" + line + "'");
                }
                return OptionalLong.of(Long.parseLong(fields[0]));
            }
        }
        return OptionalLong.empty();
    }
}
