package io.github.umdosgi.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The claim of one running launcher on a framework storage directory: an
 * exclusive lock on {@value #LOCK_FILE} inside it, held until the JVM ends.
 * Without it a second launch on the same distribution cleaned the storage of
 * the running one (Felix's {@code onFirstInit} clean) and with it the
 * manager's extracted handlers.
 *
 * <p>Because Felix's clean deletes the whole storage directory, lock file
 * included (and a deleted lock file is no lock: the next launcher would lock a
 * new one), the launcher cleans the storage itself, after locking and around
 * the lock file, and tells Felix not to.
 *
 * <p>The lock is an fcntl record lock ({@link FileChannel#tryLock()}): the
 * kernel drops it when the process dies, so a crashed run never blocks the
 * next. Owned by the launcher's main thread; {@link #close} is idempotent.
 */
final class StorageLock implements AutoCloseable {

    /** The lock file's name inside the storage directory; it holds the owner's pid, for the message. */
    static final String LOCK_FILE = "umd-osgi.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StorageLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another live launcher holds the storage; the message is one line for the user. */
    static final class InUseException extends Exception {
        private static final long serialVersionUID = 1L;

        InUseException(String message) {
            super(message);
        }
    }

    /**
     * Creates the storage directory when missing and locks it.
     *
     * @param storage the framework storage directory
     * @return the held lock
     * @throws InUseException another live launcher holds it
     * @throws IOException the directory or the lock file cannot be used
     */
    static StorageLock acquire(Path storage) throws InUseException, IOException {
        Files.createDirectories(storage);
        Path file = storage.resolve(LOCK_FILE);
        // No TRUNCATE: the holder's pid must stay readable for the refusal message.
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = readHolder(channel);
            channel.close();
            throw new InUseException("the framework storage " + storage + " is in use by another running umd-osgi"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + "; stop it first, or run a second one on its own storage with -Dorg.osgi.framework.storage=<folder>");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new StorageLock(channel, lock);
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,19}") ? text : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Deletes everything in the storage directory but the lock file: what
     * Felix's {@code onFirstInit} clean would do. Links are deleted, never
     * followed. The caller holds this lock, so no live framework uses it.
     *
     * @param storage the locked storage directory
     * @throws IOException an entry could not be deleted
     */
    void clean(Path storage) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(storage)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(LOCK_FILE)) {
                    deleteTree(entry);
                }
            }
        }
    }

    private static void deleteTree(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void delete(Path path) throws IOException {
        try {
            Files.delete(path);
        } catch (NoSuchFileException gone) {
            // Already gone: the goal is reached.
        }
    }

    /** Releases the lock; the lock file stays, so the next launcher locks the same inode. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock; the JVM's exit would too.
        }
    }
}
