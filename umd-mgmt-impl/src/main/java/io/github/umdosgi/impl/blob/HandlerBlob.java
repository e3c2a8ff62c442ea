package io.github.umdosgi.impl.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Set;
import java.nio.file.OpenOption;
import java.util.Optional;

/**
 * A handler executable extracted from its bundle into a private directory:
 * the kernel's {@code umd_load_blob}. The file is written owner-only, at most
 * a bounded number of bytes, then made read+execute for everyone (0555) and
 * its SHA-256 is recorded so that every later exec can check the file was not
 * changed. The directory around it stays owner-only (0700), so only the
 * manager's user can reach the file in place; the other bits are for a
 * sandbox that runs the handler under another uid through a bind mount.
 *
 * <p>Immutable.
 */
public final class HandlerBlob {

    /** Framework property: the largest handler file extracted, in bytes. */
    public static final String MAX_SIZE_PROPERTY = "io.github.umdosgi.maxHandlerSize";

    /** The default of {@link #MAX_SIZE_PROPERTY}: 256 MiB. */
    public static final long DEFAULT_MAX_SIZE = 256L << 20;

    private static final Set<PosixFilePermission> HANDLER_MODE = PosixFilePermissions.fromString("r-xr-xr-x");

    private final Path directory;
    private final Path executable;
    private final String sha256;
    // Since handler trees and Java handlers: what comes with the executable. Immutable too.
    private final Optional<HandlerTree> tree;
    private final Optional<String> sandboxPath;
    private final HandlerCommand command;

    private HandlerBlob(Path directory, Path executable, String sha256) {
        this(directory, executable, sha256, Optional.empty(), Optional.empty(), HandlerCommand.NONE);
    }

    private HandlerBlob(Path directory, Path executable, String sha256, Optional<HandlerTree> tree,
            Optional<String> sandboxPath, HandlerCommand command) {
        this.directory = directory;
        this.executable = executable;
        this.sha256 = sha256;
        this.tree = tree;
        this.sandboxPath = sandboxPath;
        this.command = command;
    }

    /**
     * A handler executable that is not extracted but used in place, such as the framework's own
     * {@code java}: its digest is recorded now and checked before every exec, as for an extracted one.
     *
     * @param directory the driver's private directory, the handler's working directory
     * @param executable the executable, an absolute path
     * @return the blob
     * @throws IOException the file is not a regular file or cannot be read
     */
    public static HandlerBlob inPlace(Path directory, Path executable) throws IOException {
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            throw new IOException(executable + " is not an executable file");
        }
        Path real = executable.toRealPath();
        return new HandlerBlob(directory, real, Sha256.of(real), Optional.empty(), Optional.of(real.toString()),
                HandlerCommand.NONE);
    }

    /**
     * @param extracted the tree extracted with this handler
     * @param insidePath where the handler is inside the sandbox, when not the default {@code /umd/<file name>}
     * @return this blob with the tree, checked with it before every exec
     */
    public HandlerBlob withTree(HandlerTree extracted, Optional<String> insidePath) {
        return new HandlerBlob(directory, executable, sha256, Optional.of(extracted),
                insidePath.or(() -> sandboxPath), command);
    }

    /** @param words the words after the executable and the extra binds @return this blob with them */
    public HandlerBlob withCommand(HandlerCommand words) {
        return new HandlerBlob(directory, executable, sha256, tree, sandboxPath, words);
    }

    /**
     * As {@link #extract(URL, String, Optional, Path, String, long)}, into an existing path: a
     * handler file that is part of an extracted tree (already written, made read-only and hashed
     * by it).
     *
     * @param directory the private directory
     * @param file the handler's file in the tree
     * @param entry path of the handler inside the bundle, for messages
     * @param expected the declared digest, if any
     * @return the blob
     * @throws IOException the digest differs (an {@link IntegrityException}) or it is not an executable
     */
    public static HandlerBlob ofTreeFile(Path directory, Path file, String entry, Optional<String> expected)
            throws IOException {
        String actual = Sha256.of(file);
        checkRunnable(file, entry, expected, actual);
        return new HandlerBlob(directory, file, actual);
    }

    /** The digest the header declares, and a file the kernel can run (not a text to hand to a shell). */
    private static void checkRunnable(Path file, String entry, Optional<String> expected, String actual)
            throws IOException {
        if (expected.isPresent() && !expected.get().equals(actual)) {
            throw new IntegrityException("handler '" + entry + "' has sha256 " + actual
                    + " but the header declares " + expected.get());
        }
        String format = executableFormat(file);
        if (format != null) {
            throw new IOException("handler '" + entry + "' is not an executable: " + format);
        }
    }

    /** @return the extracted tree, if the driver has one */
    public Optional<HandlerTree> tree() {
        return tree;
    }

    /** @return where the handler is inside the sandbox, when not {@code /umd/<file name>} */
    public Optional<String> sandboxPath() {
        return sandboxPath;
    }

    /** @return the words after the executable and the extra binds */
    public HandlerCommand command() {
        return command;
    }

    /**
     * @return whether an unconfined launch may run the opened file itself ({@code fexecve}): not for a
     *         script of a tree, which must run by its real path so that its siblings and its own
     *         name are found
     */
    public boolean runsFromDescriptor() {
        return tree.isEmpty() || !executable.startsWith(tree.get().root());
    }

    /**
     * As {@link #extract(URL, String, Optional, Path, String, long)} with {@link #DEFAULT_MAX_SIZE}.
     *
     * @param source where to read the handler, a bundle entry's URL; null when the bundle lacks the entry
     * @param entry path of the handler inside the bundle (already validated), for messages
     * @param expected the declared digest, if any
     * @param directory a fresh private directory
     * @param fileName the executable's name
     * @return the extracted blob
     * @throws IntegrityException the digest differs from the declared one; nothing is left
     * @throws IOException the entry is missing, too large or cannot be copied; nothing is left
     */
    public static HandlerBlob extract(URL source, String entry, Optional<String> expected,
            Path directory, String fileName) throws IOException {
        return extract(source, entry, expected, directory, fileName, DEFAULT_MAX_SIZE);
    }

    /**
     * Copies a handler into {@code directory} as {@code fileName}. Bytes are
     * counted as they are inflated: a compressed entry that expands beyond
     * {@code maxSize} (a zip bomb) is refused after {@code maxSize + 1}
     * bytes, whatever its header claims, and the partial file is deleted.
     *
     * @param source where to read the handler, a bundle entry's URL; null when the bundle lacks the entry
     * @param entry path of the handler inside the bundle (already validated), for messages
     * @param expected the declared digest, if any
     * @param directory a fresh private directory
     * @param fileName the executable's name
     * @param maxSize the largest handler accepted, in bytes
     * @return the extracted blob
     * @throws IntegrityException the digest differs from the declared one; nothing is left
     * @throws IOException the entry is missing, too large or cannot be copied; nothing is left
     */
    public static HandlerBlob extract(URL source, String entry, Optional<String> expected,
            Path directory, String fileName, long maxSize) throws IOException {
        if (maxSize < 1 || maxSize == Long.MAX_VALUE) {
            // MAX_VALUE too: the copy reads up to one byte past the bound.
            throw new IllegalArgumentException("maximum handler size of " + maxSize + " bytes");
        }
        if (source == null) {
            throw new IOException("the bundle has no entry '" + entry + "'");
        }
        Path file = directory.resolve(fileName);
        // CREATE_NEW + NOFOLLOW_LINKS: never write through something planted at that name. Should
        // something be there, this fails before the file is ours, so the clean-up below never
        // deletes what it did not create.
        SeekableByteChannel created = Files.newByteChannel(file,
                Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            String actual = copy(source, created, entry, maxSize);
            checkRunnable(file, entry, expected, actual);
            Files.setPosixFilePermissions(file, HANDLER_MODE);
            return new HandlerBlob(directory, file, actual);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException notDeleted) {
                e.addSuppressed(notDeleted);
            }
            throw e;
        }
    }

    /** Copies at most {@code maxSize} bytes and closes {@code out}; @return the copy's SHA-256 */
    private static String copy(URL source, SeekableByteChannel out, String entry, long maxSize) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (out; InputStream in = source.openStream(); OutputStream to = Channels.newOutputStream(out)) {
            byte[] buffer = new byte[64 << 10];
            long copied = 0;
            // Never asks for more than one byte past the bound: that byte alone proves the entry too large.
            for (int n; (n = in.read(buffer, 0, (int) Math.min(buffer.length, maxSize + 1 - copied))) > 0; ) {
                copied += n;
                if (copied > maxSize) {
                    throw new IOException("handler '" + entry + "' is larger than the maximum of " + maxSize
                            + " bytes (framework property " + MAX_SIZE_PROPERTY + ")");
                }
                digest.update(buffer, 0, n);
                to.write(buffer, 0, n);
            }
        }
        return Sha256.hex(digest.digest());
    }

    /**
     * @param configured the value of {@link #MAX_SIZE_PROPERTY}, or null
     * @return the bound it gives, {@link #DEFAULT_MAX_SIZE} when null
     * @throws IllegalArgumentException the value is not a positive number of bytes
     */
    public static long maxSize(String configured) {
        if (configured == null) {
            return DEFAULT_MAX_SIZE;
        }
        long bytes;
        try {
            bytes = Long.parseLong(configured.strip());
        } catch (NumberFormatException e) {
            bytes = 0;
        }
        if (bytes <= 0 || bytes == Long.MAX_VALUE) {
            throw new IllegalArgumentException(MAX_SIZE_PROPERTY + "=" + configured
                    + " is not a positive number of bytes");
        }
        return bytes;
    }

    /**
     * Refuses anything but an ELF binary or a {@code #!} script: exec would
     * otherwise hand a text file to /bin/sh, running content nobody meant as
     * a program.
     *
     * @return why the file is not executable, or null when it is
     */
    private static String executableFormat(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, head.length);
        }
        boolean elf = n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        boolean script = n >= 2 && head[0] == '#' && head[1] == '!';
        return elf || script ? null : "neither an ELF binary nor a #! script";
    }

    /**
     * Re-hashes the file and compares it with the digest recorded at
     * extraction. Called before every exec, restarts included.
     *
     * @return the file's identity while it was hashed ({@code DEV:INODE:CTIME_SEC:CTIME_NSEC}), which
     *         the launch shim checks again on the file it opens to run: any change in between alters
     *         it; null where the file system does not tell
     * @throws IntegrityException the file changed, vanished or became a link
     */
    public String verify() throws IntegrityException {
        String before;
        String now;
        String after;
        try {
            if (!Files.isRegularFile(executable, LinkOption.NOFOLLOW_LINKS)) {
                throw new IntegrityException("handler file " + executable + " is missing or not a regular file");
            }
            before = identity(executable);
            now = Sha256.of(executable);
            after = identity(executable);
        } catch (IntegrityException e) {
            throw e;
        } catch (IOException e) {
            throw new IntegrityException("handler file " + executable + " cannot be read: " + e.getMessage());
        }
        if (!now.equals(sha256)) {
            throw new IntegrityException("handler file " + executable + " was modified after extraction: sha256 "
                    + now + ", expected " + sha256);
        }
        if (!before.equals(after)) {
            throw new IntegrityException("handler file " + executable + " was modified while it was checked");
        }
        if (tree.isPresent()) {
            tree.get().verify();
        }
        return after;
    }

    /** Device, inode and change time: a write, chmod or replacement changes at least one of them. */
    private static String identity(Path file) throws IOException {
        java.util.Map<String, Object> unix;
        try {
            unix = Files.readAttributes(file, "unix:dev,ino,ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            // A file system without the unix attribute view: no identity, so the launch shim skips its
            // check on the opened file; the digest check above still runs before every exec.
            return "";
        }
        java.time.Instant changed = ((java.nio.file.attribute.FileTime) unix.get("ctime")).toInstant();
        return unix.get("dev") + ":" + unix.get("ino") + ":" + changed.getEpochSecond() + ":" + changed.getNano();
    }

    /** @return the private directory, the handler's working directory */
    public Path directory() {
        return directory;
    }

    /** @return the extracted executable */
    public Path executable() {
        return executable;
    }

    /** @return the digest recorded at extraction */
    public String sha256() {
        return sha256;
    }
}
