package io.github.umdosgi.impl.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A folder of a driver bundle extracted with its handler: every file under
 * it, read-only (files 0444, or 0555 when they are ELF binaries or {@code #!}
 * scripts; folders 0555), with one digest over the whole tree. The digest is
 * the SHA-256 of the lines {@code <sha256 of the file>  <path relative to the
 * folder>\n}, one per file, sorted by the path's UTF-8 bytes: exactly what
 * {@code sha256sum} prints for the sorted list of files, so a build computes
 * it with standard tools. Every file's modification time is set to one fixed
 * instant, so that two extractions of one build look the same to a JVM's
 * class-data-sharing check.
 *
 * <p>Immutable.
 */
public final class HandlerTree {

    /** Most files one tree may hold: a bound on inodes as the size cap is one on bytes. */
    public static final int MAX_FILES = 65_536;

    /** The modification time of every extracted file: 1980-01-01, the zip epoch. */
    static final FileTime FIXED_TIME = FileTime.fromMillis(315_532_800_000L);

    private final String folder;
    private final Path root;
    // Relative path ('/'-separated) -> its SHA-256; sorted by path as the digest is.
    private final Map<String, String> files;
    private final String sha256;

    private HandlerTree(String folder, Path root, Map<String, String> files, String sha256) {
        this.folder = folder;
        this.root = root;
        this.files = files;
        this.sha256 = sha256;
    }

    /**
     * Extracts {@code entries} under {@code root}, then checks the tree's digest. Bytes are
     * counted across the tree as they are inflated, so the size cap covers the tree as a whole.
     *
     * @param folder the tree's folder in the bundle, for messages
     * @param entries path relative to the folder -> where to read the file (a bundle entry's URL)
     * @param expected the declared tree digest, if any
     * @param root where the folder goes, inside a fresh private directory; must not exist
     * @param maxBytes the most bytes the whole tree may hold
     * @return the extracted tree
     * @throws IntegrityException the digest differs from the declared one
     * @throws IOException a path is unsafe, the tree is empty, too large or cannot be copied; the
     *         caller deletes the private directory
     */
    public static HandlerTree extract(String folder, Map<String, URL> entries, Optional<String> expected, Path root,
            long maxBytes) throws IOException {
        if (entries.isEmpty()) {
            throw new IOException("tree '" + folder + "' has no files in the bundle");
        }
        if (entries.size() > MAX_FILES) {
            throw new IOException("tree '" + folder + "' has " + entries.size() + " files, more than the maximum of "
                    + MAX_FILES);
        }
        Files.createDirectories(root.getParent());
        Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Map<String, String> digests = new TreeMap<>(BY_UTF8);
        long budget = maxBytes;
        List<Path> folders = new ArrayList<>(List.of(root));
        for (Map.Entry<String, URL> entry : new TreeMap<>(entries).entrySet()) {
            String relative = entry.getKey();
            checkRelative(folder, relative);
            Path file = root.resolve(relative);
            for (Path parent = file.getParent(); !parent.equals(root); parent = parent.getParent()) {
                if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
                    folders.add(parent);
                }
            }
            Files.createDirectories(file.getParent());
            long[] used = new long[1];
            digests.put(relative, copy(entry.getValue(), file, folder + "/" + relative, budget, used));
            budget -= used[0];
        }
        String actual = digest(digests);
        if (expected.isPresent() && !expected.get().equals(actual)) {
            throw new IntegrityException("tree '" + folder + "' has sha256 " + actual + " but the header declares "
                    + expected.get());
        }
        for (String relative : digests.keySet()) {
            Path file = root.resolve(relative);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(runnable(file) ? "r-xr-xr-x" : "r--r--r--"));
            Files.setLastModifiedTime(file, FIXED_TIME);
        }
        // Deepest first, so a parent is made read-only after its children are done.
        folders.stream().distinct().sorted(Comparator.comparingInt(Path::getNameCount).reversed()).forEach(f -> {
            try {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r-xr-xr-x"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new HandlerTree(folder, root, java.util.Collections.unmodifiableMap(digests), actual);
    }

    /** Orders paths by their UTF-8 bytes, as {@code LC_ALL=C sort} does. */
    static final Comparator<String> BY_UTF8 = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /**
     * @param files relative path -> SHA-256 of the file, lower-case hex
     * @return the tree digest over them (see the class comment)
     */
    public static String digest(Map<String, String> files) {
        MessageDigest digest = Sha256.newDigest();
        Map<String, String> sorted = new TreeMap<>(BY_UTF8);
        sorted.putAll(files);
        sorted.forEach((path, sha) -> digest.update((sha + "  " + path + "\n").getBytes(StandardCharsets.UTF_8)));
        return Sha256.hex(digest.digest());
    }

    private static void checkRelative(String folder, String relative) throws IOException {
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
            throw new IOException("tree '" + folder + "' has an unsafe entry name '" + relative + "'");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IOException("tree '" + folder + "' has an unsafe entry name '" + relative + "'");
            }
        }
    }

    /** Copies at most {@code budget} bytes; @return the copy's SHA-256, {@code used[0]} the bytes copied */
    private static String copy(URL source, Path file, String name, long budget, long[] used) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = source.openStream(); OutputStream out = Files.newOutputStream(file,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 << 10];
            long copied = 0;
            for (int n; (n = in.read(buffer, 0, (int) Math.min(buffer.length, budget + 1 - copied))) > 0; ) {
                copied += n;
                if (copied > budget) {
                    throw new IOException("handler tree is larger than the maximum of the handler size (framework"
                            + " property " + HandlerBlob.MAX_SIZE_PROPERTY + ") at '" + name + "'");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            used[0] = copied;
        }
        return Sha256.hex(digest.digest());
    }

    private static boolean runnable(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F'
                || n >= 2 && head[0] == '#' && head[1] == '!';
    }

    /**
     * Re-hashes every file and compares it with the digest recorded at extraction. Called before
     * every start, as {@link HandlerBlob#verify()} is for the handler file.
     *
     * @throws IntegrityException a file changed, vanished or became a link
     */
    public void verify() throws IntegrityException {
        for (Map.Entry<String, String> entry : files.entrySet()) {
            Path file = root.resolve(entry.getKey());
            String now;
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IntegrityException("tree file " + file + " is missing or not a regular file");
                }
                now = Sha256.of(file);
            } catch (IntegrityException e) {
                throw e;
            } catch (IOException e) {
                throw new IntegrityException("tree file " + file + " cannot be read: " + e.getMessage());
            }
            if (!now.equals(entry.getValue())) {
                throw new IntegrityException("tree file " + file + " was modified after extraction: sha256 " + now
                        + ", expected " + entry.getValue());
            }
        }
    }

    /** @return the tree's folder in the bundle */
    public String folder() {
        return folder;
    }

    /** @return where the tree was extracted on the host */
    public Path root() {
        return root;
    }

    /** @return the tree digest */
    public String sha256() {
        return sha256;
    }

    /** @return the files' paths relative to the tree, sorted */
    public List<String> files() {
        return List.copyOf(files.keySet());
    }

    /** @return the bytes the tree holds */
    public long size() throws IOException {
        long total = 0;
        for (String relative : files.keySet()) {
            total += Files.size(root.resolve(relative));
        }
        return total;
    }

    /**
     * The files under a folder of a bundle.
     *
     * @param bundle the bundle
     * @param folder the folder (validated)
     * @return path relative to the folder -> entry URL, in bundle order; empty when the folder is missing
     */
    public static Map<String, URL> entries(org.osgi.framework.Bundle bundle, String folder) {
        Map<String, URL> found = new LinkedHashMap<>();
        collect(bundle, folder + "/", folder.length() + 1, found);
        return found;
    }

    private static void collect(org.osgi.framework.Bundle bundle, String path, int prefix, Map<String, URL> found) {
        java.util.Enumeration<String> children = bundle.getEntryPaths(path);
        if (children == null) {
            return;
        }
        while (children.hasMoreElements()) {
            String child = children.nextElement();
            if (child.endsWith("/")) {
                collect(bundle, child, prefix, found);
            } else if (found.size() <= MAX_FILES) {
                URL url = bundle.getEntry(child);
                if (url != null) {
                    found.put(child.substring(prefix), url);
                }
            }
        }
    }
}
