package io.github.umdosgi.itest.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds processes machine-wide through /proc, not only descendants of this JVM: once a JVM is
 * killed, its handlers are re-parented and {@link ProcessHandle#descendants()} no longer sees
 * them. A process belongs to a manager root when its working directory, its executable or one of
 * its arguments lies under that root; the working directory also catches a handler that exec'd
 * a system program (its cwd stays the private directory).
 */
public final class ProcScan {

    /**
     * One process as /proc shows it.
     *
     * @param pid the pid
     * @param state the state letter of /proc/pid/stat ('Z' for a zombie: dead, not yet reaped)
     * @param cwd the working directory, or "" when unreadable
     * @param exe the executable, or "" when unreadable
     * @param args the command line
     */
    public record Proc(long pid, char state, String cwd, String exe, List<String> args) {

        /** @return whether it has exited (a zombie only waits for its parent to reap it) */
        public boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        @Override
        public String toString() {
            return pid + " [" + state + "] cwd=" + cwd + " exe=" + exe + " args=" + args;
        }
    }

    private ProcScan() {
    }

    /** Every process (zombies included) whose cwd, executable or an argument lies under {@code dir}. */
    public static List<Proc> under(Path dir) {
        String prefix = real(dir) + "/";
        List<Proc> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p))) {
            for (Path p : procs) {
                Proc proc = read(p);
                if (proc != null && (proc.cwd().startsWith(prefix) || proc.exe().startsWith(prefix)
                        || proc.args().stream().anyMatch(a -> a.startsWith(prefix)))) {
                    found.add(proc);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** The live (non-zombie) processes under {@code dir}. */
    public static List<Proc> liveUnder(Path dir) {
        return under(dir).stream().filter(p -> !p.zombie()).collect(Collectors.toList());
    }

    /**
     * The driver a process belongs to: the name part of the private directory
     * ({@code <root>/<driver>.<random>}) its cwd or executable lies in; "?" when neither does.
     */
    public static String driverOf(Proc proc, Path root) {
        String prefix = real(root) + "/";
        for (String path : List.of(proc.cwd(), proc.exe())) {
            if (path.startsWith(prefix)) {
                String first = path.substring(prefix.length()).split("/")[0];
                int dot = first.lastIndexOf('.');
                return dot > 0 ? first.substring(0, dot) : first;
            }
        }
        return "?";
    }

    /** The /proc/self/status line of a process, such as "NoNewPrivs:\t1"; null when absent. */
    public static String statusLine(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith(key + ":")) {
                    return line.substring(key.length() + 1).trim();
                }
            }
            return null;
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/" + pid + "/status", e);
        }
    }

    private static Proc read(Path dir) {
        long pid = Long.parseLong(dir.getFileName().toString());
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
            List<String> args = raw.length == 0 ? List.of()
                    : Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
            return new Proc(pid, state, link(dir.resolve("cwd")), link(dir.resolve("exe")), args);
        } catch (IOException | RuntimeException gone) {
            // Exited between the listing and the read.
            return null;
        }
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    private static boolean isNumber(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static String real(Path dir) {
        try {
            return Files.exists(dir) ? dir.toRealPath().toString() : dir.toAbsolutePath().normalize().toString();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize().toString();
        }
    }
}
