package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the processes of a session through {@code /proc}. Every handler leads
 * its own session (the launch shim calls setsid), so its session holds every
 * process it started, including children that outlived it and were
 * re-parented, which {@link ProcessHandle#descendants()} no longer sees.
 * Stateless.
 */
final class Sessions {

    private static final Path PROC = Path.of("/proc");

    private Sessions() {
    }

    /**
     * @param sessionId the session id, which is the pid of its leader
     * @return live processes in that session, the leader included if alive
     */
    static List<ProcessHandle> members(long sessionId) {
        List<ProcessHandle> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, Sessions::isPid)) {
            for (Path entry : entries) {
                if (sessionOf(entry) == sessionId) {
                    ProcessHandle.of(Long.parseLong(entry.getFileName().toString())).ifPresent(members::add);
                }
            }
        } catch (IOException e) {
            // No /proc: fall back to what descendants() found.
        }
        return members;
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** Field 6 of /proc/PID/stat, counted after the command name, which may itself contain spaces and parentheses. */
    private static long sessionOf(Path entry) {
        try {
            String stat = Files.readString(entry.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }
}
