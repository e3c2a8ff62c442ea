package io.github.umdosgi.impl.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Set;
import java.nio.file.OpenOption;
import java.util.Optional;

/**
 * A handler executable extracted from its bundle into a private directory:
 * the kernel's {@code umd_load_blob}. The file is written owner-only, then
 * made read+execute only, and its SHA-256 is recorded so that every later
 * exec can check the file was not changed.
 *
 * <p>Immutable.
 */
public final class HandlerBlob {

    private final Path directory;
    private final Path executable;
    private final String sha256;

    private HandlerBlob(Path directory, Path executable, String sha256) {
        this.directory = directory;
        this.executable = executable;
        this.sha256 = sha256;
    }

    /**
     * Copies a handler into {@code directory} as {@code fileName}.
     *
     * @param source where to read the handler, a bundle entry's URL; null when the bundle lacks the entry
     * @param entry path of the handler inside the bundle (already validated), for messages
     * @param expected the declared digest, if any
     * @param directory a fresh private directory
     * @param fileName the executable's name
     * @return the extracted blob
     * @throws IntegrityException the digest differs from the declared one; nothing is left
     * @throws IOException the entry is missing or cannot be copied
     */
    public static HandlerBlob extract(URL source, String entry, Optional<String> expected,
            Path directory, String fileName) throws IOException {
        if (source == null) {
            throw new IOException("the bundle has no entry '" + entry + "'");
        }
        Path file = directory.resolve(fileName);
        MessageDigest digest = Sha256.newDigest();
        // CREATE_NEW + NOFOLLOW_LINKS: never write through something planted at that name.
        try (InputStream in = source.openStream();
             OutputStream out = Channels.newOutputStream(Files.newByteChannel(file,
                     Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                     PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))) {
            byte[] buffer = new byte[64 << 10];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        String actual = Sha256.hex(digest.digest());
        if (expected.isPresent() && !expected.get().equals(actual)) {
            Files.delete(file);
            throw new IntegrityException("handler '" + entry + "' has sha256 " + actual
                    + " but the header declares " + expected.get());
        }
        String format = executableFormat(file);
        if (format != null) {
            Files.delete(file);
            throw new IOException("handler '" + entry + "' is not an executable: " + format);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-xr-xr-x"));
        return new HandlerBlob(directory, file, actual);
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
