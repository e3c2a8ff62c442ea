package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resident memory and CPU time of a handler's whole process tree, read from
 * {@code /proc}: the process the manager holds (for a sandboxed handler the
 * outer process of the sandbox, bubblewrap) and every descendant, summed.
 * Summing is what the sandbox's limits count too (its cgroup holds the whole
 * tree), and it needs no guess about which process of the tree is "the"
 * handler. Shared pages are counted once per process, so the memory sum can
 * exceed what the tree really uses. Immutable.
 *
 * @param processes how many processes were read
 * @param residentBytes the sum of {@code VmRSS}
 * @param cpuMillis the sum of user and system CPU time ({@code utime + stime}), in milliseconds
 */
public record ProcessUsage(int processes, long residentBytes, long cpuMillis) {

    private static final Path PROC = Path.of("/proc");

    // Linux reports utime and stime in clock ticks; USER_HZ is 100 on every architecture it runs on here.
    private static final long TICKS_PER_SECOND = 100;

    /**
     * @param pid the process the manager holds
     * @return its tree's usage, or empty when it is gone or {@code /proc} cannot be read
     */
    public static Optional<ProcessUsage> ofTree(long pid) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        root.get().descendants().forEach(p -> pids.add(p.pid()));
        int read = 0;
        long rss = 0;
        long ticks = 0;
        for (long p : pids) {
            try {
                rss += residentKib(Files.readString(PROC.resolve(p + "/status"), StandardCharsets.UTF_8)) << 10;
                ticks += cpuTicks(Files.readString(PROC.resolve(p + "/stat"), StandardCharsets.UTF_8));
                read++;
            } catch (IOException | RuntimeException gone) {
                // Exited between the listing and the read, or not ours to read: left out.
            }
        }
        return read == 0 ? Optional.empty() : Optional.of(new ProcessUsage(read, rss, ticks * 1000 / TICKS_PER_SECOND));
    }

    /** @return the {@code VmRSS} of a {@code /proc/PID/status} text in KiB, 0 when absent (a zombie) */
    static long residentKib(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String value = line.substring("VmRSS:".length()).trim();
                int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space));
            }
        }
        return 0;
    }

    /**
     * @return utime + stime of a {@code /proc/PID/stat} text; the command name (field 2) may hold
     *         spaces and parentheses, so fields are counted after its last ')'
     */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // After the name: state is field 3, utime field 14, stime field 15.
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }
}
