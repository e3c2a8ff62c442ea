package io.github.umdosgi.impl.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep of a crashed run's leftovers spares what a live manager holds:
 * another process's manager (a child JVM holding the shared lock beside the
 * root, as a live manager does), or another manager of this JVM.
 */
class RootClaimTest {

    @TempDir
    Path temp;

    @Test
    void aManagerAloneOnTheRootSweepsEverythingAndKeepsTheRootAndItsLock() throws IOException {
        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        Files.writeString(dirs.create("a").resolve("handler"), "bin");
        dirs.create("b");
        try (RootClaim claim = dirs.claim()) {
            assertEquals(2, claim.removed());
            assertEquals(temp.resolve("umd.lock"), claim.lockFile());
            try (var left = Files.list(dirs.root())) {
                assertEquals(0, left.count(), "the root holds nothing but driver directories, not even the lock");
            }
        }
    }

    @Test
    void aLiveManagerInAnotherProcessKeepsItsDirectories() throws Exception {
        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        Path live = dirs.create("sample");
        Path handler = Files.writeString(live.resolve("sample"), "bin");
        Process holder = holdShared(temp.resolve("umd.lock"));
        try {
            try (RootClaim claim = dirs.claim()) {
                assertEquals(0, claim.removed(), "nothing is a leftover while another manager is live");
            }
            assertTrue(Files.isRegularFile(handler), "the live manager's handler file survived the sweep");
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(20, TimeUnit.SECONDS), "the lock holder ends at end of its stdin");
        }
        // The other manager is gone (its lock went with its process): now its directory is a leftover.
        try (RootClaim claim = dirs.claim()) {
            assertEquals(1, claim.removed());
        }
        assertTrue(Files.notExists(live));
    }

    @Test
    void managersOfOneJvmShareTheirHoldUntilTheLastCloses() throws Exception {
        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        RootClaim first = dirs.claim();
        Path firsts = dirs.create("one");
        try (RootClaim second = dirs.claim()) {
            assertEquals(0, second.removed(), "a second manager of this JVM sweeps nothing");
            first.close();
            first.close(); // idempotent: must not drop the second's share
            assertEquals("held", tryExclusiveElsewhere(temp.resolve("umd.lock")),
                    "the second manager still holds the root for this JVM");
        }
        assertEquals("free", tryExclusiveElsewhere(temp.resolve("umd.lock")), "the last close releases the lock");
        assertTrue(Files.isDirectory(firsts));
    }

    /** Starts a JVM that holds a shared lock on the file until its stdin ends; returns once it holds it. */
    private static Process holdShared(Path lockFile) throws Exception {
        Process p = child(LockHolder.class, lockFile, "shared");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine(), "the child JVM took the shared lock");
        return p;
    }

    /** Asks another JVM whether the exclusive lock is free: this JVM's own locks do not conflict with it. */
    private static String tryExclusiveElsewhere(Path lockFile) throws Exception {
        Process p = child(LockHolder.class, lockFile, "probe");
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String answer = out.readLine();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return answer;
    }

    private static Process child(Class<?> main, Path lockFile, String mode) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Paths.get(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return new ProcessBuilder(java, "-Xshare:auto", "-cp", classes, main.getName(), lockFile.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The other process: "shared" holds a shared lock until stdin ends; "probe" says whether exclusive is free. */
    public static final class LockHolder {
        public static void main(String[] args) throws IOException {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (args[1].equals("probe")) {
                    System.out.println(channel.tryLock(0, Long.MAX_VALUE, false) == null ? "held" : "free");
                    return;
                }
                channel.lock(0, Long.MAX_VALUE, true);
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // held until the test closes our stdin
                }
            }
        }
    }
}
