package io.github.umdosgi.impl.blob;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The manager's root of private driver directories. Every child belongs to
 * one loaded driver of a live manager; at start-up, a manager that finds no
 * other live manager on the root ({@link #claim}) removes whatever is there:
 * it was left by a run that died. It also bounds what one extraction may
 * write into a child: {@link #maxHandlerSize()}.
 *
 * <p>Immutable; the file system operations are safe to call from any thread.
 */
public final class DriverDirectories {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    // Why the root cannot be used, or null: then nothing is ever created under it.
    private final String refusal;
    private final long maxHandlerSize;

    private DriverDirectories(Path root, String refusal, long maxHandlerSize) {
        this.root = root;
        this.refusal = refusal;
        this.maxHandlerSize = maxHandlerSize;
    }

    /**
     * Opens the root as {@link #DriverDirectories(Path)} does; a root that
     * cannot be used gives directories that refuse every {@link #create},
     * naming the reason, so that drivers fail with it instead of the manager.
     *
     * @param root the root directory
     * @return the directories, usable or refusing
     */
    public static DriverDirectories openOrRefuse(Path root) {
        try {
            return new DriverDirectories(root);
        } catch (IOException | RuntimeException e) {
            return new DriverDirectories(root.toAbsolutePath().normalize(), e.getMessage() == null
                    ? "driver root " + root + " cannot be used: " + e : e.getMessage(), HandlerBlob.DEFAULT_MAX_SIZE);
        }
    }

    /**
     * Creates the root (owner-only) when missing and refuses a root that is a
     * link or not a directory, so a planted path cannot redirect extraction.
     *
     * @param root the root directory
     * @throws IOException the root cannot be used
     */
    public DriverDirectories(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.refusal = null;
        this.maxHandlerSize = HandlerBlob.DEFAULT_MAX_SIZE;
        if (!Files.exists(this.root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(this.root.getParent());
            try {
                Files.createDirectory(this.root, ownerOnly());
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another framework created it meanwhile; the checks below still apply.
            }
        }
        if (Files.isSymbolicLink(this.root) || !Files.isDirectory(this.root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("driver root " + this.root + " is not a plain directory");
        }
        Files.setPosixFilePermissions(this.root, OWNER_ONLY);
    }

    /** @return the root directory */
    public Path root() {
        return root;
    }

    /** @return why the root cannot be used, or null when it can */
    public String refusal() {
        return refusal;
    }

    /**
     * @param bytes the largest handler file an extraction may write, see {@link HandlerBlob#maxSize(String)}
     * @return these directories with that bound
     */
    public DriverDirectories withMaxHandlerSize(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maximum handler size of " + bytes + " bytes");
        }
        return new DriverDirectories(root, refusal, bytes);
    }

    /** @return the largest handler file an extraction may write, in bytes ({@link HandlerBlob#DEFAULT_MAX_SIZE} unless set) */
    public long maxHandlerSize() {
        return maxHandlerSize;
    }

    /**
     * Claims the root for a live manager, to be held until it stops. When no
     * other live manager (of any process) holds the root, everything under it
     * was left by runs that died and is removed first; when one does, nothing
     * is removed, since its drivers' directories look the same as leftovers.
     *
     * @return the claim; {@link RootClaim#removed()} says how many entries the sweep removed
     * @throws IOException the lock beside the root cannot be used, or listing the root failed
     */
    public RootClaim claim() throws IOException {
        if (refusal != null) {
            return RootClaim.none(root);
        }
        return RootClaim.take(root, this::removeStale);
    }

    /**
     * Removes every entry under the root. Only under the exclusive lock of
     * {@link #claim}: anything else may delete a live manager's handlers.
     *
     * @return how many entries were removed
     * @throws IOException listing the root failed
     */
    int removeStale() throws IOException {
        if (refusal != null) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                deleteTree(child);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Creates a fresh private directory for one driver. The name is random and
     * the directory is created with owner-only permissions in one step, so
     * nothing planted beforehand can take its place.
     *
     * @param driverName used as the name's prefix, for operators
     * @return the new directory
     * @throws IOException it could not be created
     */
    public Path create(String driverName) throws IOException {
        if (refusal != null) {
            throw new IOException(refusal);
        }
        return Files.createTempDirectory(root, driverName + ".", ownerOnly());
    }

    /**
     * Lets one group traverse (not list) every directory from the root down to {@code directory}:
     * mode 0710 with that group. For a sandbox that runs as another uid and must reach a handler
     * tree bound by path; nothing else of the root becomes reachable to it.
     *
     * @param root the driver root
     * @param directory a directory under the root
     * @param gid the group
     * @throws IOException a mode or group could not be set
     */
    public static void openForTraversal(Path root, Path directory, int gid) throws IOException {
        if (!directory.startsWith(root)) {
            throw new IllegalArgumentException(directory + " is not under " + root);
        }
        for (Path p = directory; p.startsWith(root); p = p.getParent()) {
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(p, TRAVERSE_FOR_GROUP);
        }
    }

    private static final Set<PosixFilePermission> TRAVERSE_FOR_GROUP = PosixFilePermissions.fromString("rwx--x---");

    /**
     * Deletes a file tree without following links; a missing tree is fine.
     * Directories are made owner-accessible before they are listed, so a
     * handler that removed its own permissions from a directory cannot make
     * it undeletable.
     *
     * @param top the tree to delete
     * @throws IOException something could not be deleted
     */
    public static void deleteTree(Path top) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(top, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return;
        }
        if (attributes.isDirectory()) {
            Files.setPosixFilePermissions(top, OWNER_ONLY);
            try (DirectoryStream<Path> children = Files.newDirectoryStream(top)) {
                for (Path child : children) {
                    deleteTree(child);
                }
            }
        }
        deleteIfPresent(top);
    }

    private static void deleteIfPresent(Path path) throws IOException {
        try {
            Files.delete(path);
        } catch (NoSuchFileException gone) {
            // Deleted meanwhile: the goal is reached.
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }
}
