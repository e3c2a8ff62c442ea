package io.github.umdosgi.impl.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * A live manager's hold on a driver root, so that another manager's sweep
 * of "leftovers of a run that died" cannot delete its directories. Every
 * live manager holds a shared lock on the file {@code <root>.lock} beside the
 * root; a sweep runs only under the exclusive lock, which the kernel grants
 * only when no live manager holds the shared one. A manager that dies loses
 * its lock with its process, so its leftovers are swept by the next manager
 * that finds the root free.
 *
 * <p>The file is beside the root, not in it: the root holds only private
 * driver directories (tests and operators list it), and nothing a handler
 * could reach is ever a lock.
 *
 * <p>fcntl locks belong to a process, and a second lock on the same file in
 * one JVM throws instead of sharing, so the managers of one JVM share one
 * held lock per root: {@link #HELD}, guarded by its own monitor, counts them.
 * A claim is closed once, by the manager that took it.
 */
public final class RootClaim implements AutoCloseable {

    /** A root's held lock and how many managers of this JVM use it. Guarded by {@link #HELD}. */
    private static final class Held {
        final FileChannel channel;
        final FileLock lock;
        int users;

        Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    private static final Map<Path, Held> HELD = new HashMap<>();

    private final Path lockFile;
    private final int removed;
    // Set once by close, under HELD.
    private boolean closed;

    private RootClaim(Path lockFile, int removed) {
        this.lockFile = lockFile;
        this.removed = removed;
    }

    /** What the sweep does, given the exclusive lock: remove everything under the root. */
    @FunctionalInterface
    interface Sweep {
        int run() throws IOException;
    }

    /**
     * Takes a shared hold on the root; first, when no other live manager
     * holds it, sweeps it under the exclusive lock.
     *
     * @param root the driver root (existing, absolute, normalized)
     * @param sweep removes the root's entries and counts them
     * @return the claim, to be closed when the manager stops
     * @throws IOException the lock file cannot be used or the sweep failed
     */
    static RootClaim take(Path root, Sweep sweep) throws IOException {
        Path lockFile = root.resolveSibling(root.getFileName() + ".lock");
        synchronized (HELD) {
            Held held = HELD.get(lockFile);
            if (held != null) {
                // Another manager of this JVM is live on this root: nothing there is a leftover.
                held.users++;
                return new RootClaim(lockFile, 0);
            }
            FileChannel channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(DriverDirectories.OWNER_ONLY_FILE));
            try {
                int removed = 0;
                FileLock exclusive = channel.tryLock(0, Long.MAX_VALUE, false);
                if (exclusive != null) {
                    try {
                        removed = sweep.run();
                    } finally {
                        exclusive.release();
                    }
                }
                // Blocks only while another manager sweeps; then every live manager shares the root.
                FileLock shared = channel.lock(0, Long.MAX_VALUE, true);
                held = new Held(channel, shared);
                held.users = 1;
                HELD.put(lockFile, held);
                return new RootClaim(lockFile, removed);
            } catch (IOException | RuntimeException | Error e) {
                channel.close();
                throw e;
            }
        }
    }

    /** @return how many leftovers the sweep removed; 0 when another live manager held the root */
    public int removed() {
        return removed;
    }

    /** @return the lock file beside the root */
    public Path lockFile() {
        return lockFile;
    }

    /** Releases this manager's hold; the last of this JVM releases the lock. The file stays, as locks need. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held held = HELD.get(lockFile);
            if (held == null || --held.users > 0) {
                return;
            }
            HELD.remove(lockFile);
            try {
                held.channel.close(); // releases the lock
            } catch (IOException e) {
                // The lock goes with the channel or, at worst, with the process.
            }
        }
    }

    /** A claim for a root that cannot be used: nothing is locked or swept. */
    static RootClaim none(Path root) {
        RootClaim claim = new RootClaim(root.resolveSibling(root.getFileName() + ".lock"), 0);
        claim.closed = true;
        return claim;
    }
}
