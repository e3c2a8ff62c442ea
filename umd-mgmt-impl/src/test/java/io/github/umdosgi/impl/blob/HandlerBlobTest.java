package io.github.umdosgi.impl.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerBlobTest {

    @TempDir
    Path temp;

    private Path source;
    private byte[] content;
    private Path directory;

    @BeforeEach
    void setUp() throws IOException {
        content = new byte[200_000]; // larger than the 64 KiB copy buffer
        new Random(7).nextBytes(content);
        // Only ELF binaries and #! scripts are accepted as handlers.
        content[0] = 0x7f;
        content[1] = 'E';
        content[2] = 'L';
        content[3] = 'F';
        source = Files.write(temp.resolve("source-handler"), content);
        directory = new DriverDirectories(temp.resolve("umd")).create("sample");
    }

    @AfterEach
    void makeTempDeletable() throws IOException {
        try (Stream<Path> all = Files.walk(temp)) {
            all.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
                try {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                } catch (IOException ignored) {
                    // best effort
                }
            });
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private URL url() throws IOException {
        return source.toUri().toURL();
    }

    @Test
    void extractCopiesTheFileReadExecuteForAllAndRecordsItsDigest() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "bin/handler", Optional.empty(), directory, "handler");
        Path file = directory.resolve("handler");
        assertEquals(file, blob.executable());
        assertEquals(directory, blob.directory());
        assertArrayEquals(content, Files.readAllBytes(file));
        // Readable and executable by a sandbox's other uid; the directory keeps everyone else out.
        assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals(sha256(content), blob.sha256());
        assertEquals(64, blob.sha256().length());
        assertEquals(sha256(content), Sha256.of(file));
    }

    @Test
    void extractWithMatchingDeclaredDigestSucceeds() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "bin/handler", Optional.of(sha256(content)), directory, "h");
        assertEquals(sha256(content), blob.sha256());
        blob.verify();
    }

    @Test
    void extractAcceptsAScript() throws Exception {
        byte[] script = "#!/bin/sh\nexec cat\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path file = Files.write(temp.resolve("script"), script);
        HandlerBlob blob = HandlerBlob.extract(file.toUri().toURL(), "s", Optional.empty(), directory, "h");
        assertEquals(sha256(script), blob.sha256());
        assertArrayEquals(script, Files.readAllBytes(blob.executable()));
    }

    @Test
    void extractRefusesWhatIsNeitherElfNorScriptAndLeavesNothing() throws Exception {
        for (byte[] bad : new byte[][] {new byte[0], {0x7f, 'E', 'L'}, {'#'}, "echo hi\n".getBytes(), {'E', 'L', 'F', 0x7f}}) {
            Path file = Files.write(temp.resolve("bad"), bad);
            IOException e = assertThrows(IOException.class,
                    () -> HandlerBlob.extract(file.toUri().toURL(), "bin/text", Optional.empty(), directory, "h"));
            assertFalse(e instanceof IntegrityException);
            assertTrue(e.getMessage().contains("bin/text") && e.getMessage().contains("not an executable"),
                    e.getMessage());
            assertFalse(Files.exists(directory.resolve("h"), LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void wrongDeclaredDigestIsAnIntegrityErrorAndLeavesNothing() throws Exception {
        String wrong = "0".repeat(64);
        IntegrityException e = assertThrows(IntegrityException.class,
                () -> HandlerBlob.extract(url(), "bin/handler", Optional.of(wrong), directory, "handler"));
        assertTrue(e.getMessage().contains("bin/handler"), e.getMessage());
        assertTrue(e.getMessage().contains(wrong), e.getMessage());
        assertTrue(e.getMessage().contains(sha256(content)), e.getMessage());
        assertFalse(Files.exists(directory.resolve("handler"), LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> left = Files.list(directory)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void missingSourceIsAnIOExceptionNamingTheEntry() {
        IOException e = assertThrows(IOException.class,
                () -> HandlerBlob.extract(null, "native/missing-handler", Optional.empty(), directory, "h"));
        assertFalse(e instanceof IntegrityException);
        assertTrue(e.getMessage().contains("native/missing-handler"), e.getMessage());
        assertFalse(Files.exists(directory.resolve("h"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void verifyPassesOnAnUntouchedFileRepeatedly() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h");
        blob.verify();
        blob.verify();
    }

    @Test
    void verifyFailsAfterTheFileWasModified() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h");
        Path file = blob.executable();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        Files.write(file, new byte[] {0}, StandardOpenOption.APPEND);
        IntegrityException e = assertThrows(IntegrityException.class, blob::verify);
        assertTrue(e.getMessage().contains("modified"), e.getMessage());
        assertTrue(e.getMessage().contains(blob.sha256()), e.getMessage());
    }

    @Test
    void verifyFailsAfterSameSizeInPlaceChange() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h");
        Path file = blob.executable();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        byte[] changed = content.clone();
        changed[123_456] ^= 1;
        Files.write(file, changed);
        assertThrows(IntegrityException.class, blob::verify);
    }

    @Test
    void verifyFailsWhenTheFileIsReplacedByASymlink() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h");
        Path file = blob.executable();
        Files.delete(file);
        // Even a link to a file with the very same content must be refused.
        Files.createSymbolicLink(file, source);
        IntegrityException e = assertThrows(IntegrityException.class, blob::verify);
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void verifyFailsWhenTheFileIsGone() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h");
        Files.delete(blob.executable());
        assertThrows(IntegrityException.class, blob::verify);
    }

    @Test
    void verifyFailsWhenTheFileCannotBeRead() throws Exception {
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h");
        Files.setPosixFilePermissions(blob.executable(), PosixFilePermissions.fromString("--x------"));
        // Root ignores permission bits; the check only means something for an ordinary user.
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(blob.executable()), "running as root");
        IntegrityException e = assertThrows(IntegrityException.class, blob::verify);
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void extractRefusesToOverwriteAPlantedFile() throws Exception {
        Path planted = Files.writeString(directory.resolve("handler"), "planted");
        assertThrows(FileAlreadyExistsException.class,
                () -> HandlerBlob.extract(url(), "h", Optional.empty(), directory, "handler"));
        assertEquals("planted", Files.readString(planted));
    }

    @Test
    void extractRefusesToWriteThroughAPlantedSymlink() throws Exception {
        Path victim = Files.writeString(temp.resolve("victim"), "original");
        Path link = Files.createSymbolicLink(directory.resolve("handler"), victim);
        assertThrows(FileAlreadyExistsException.class,
                () -> HandlerBlob.extract(url(), "h", Optional.empty(), directory, "handler"));
        assertEquals("original", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void extractRefusesAPlantedDanglingSymlink() throws Exception {
        Path target = temp.resolve("would-be-created");
        Files.createSymbolicLink(directory.resolve("handler"), target);
        assertThrows(FileAlreadyExistsException.class,
                () -> HandlerBlob.extract(url(), "h", Optional.empty(), directory, "handler"));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "must not create the link's target");
    }

    /** A jar with one deflated entry: the ELF magic, then {@code zeros} zero bytes. */
    private Path jarWithZeros(long zeros) throws IOException {
        Path jar = temp.resolve("bomb.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry entry = new JarEntry("bin/handler");
            entry.setMethod(ZipEntry.DEFLATED);
            out.putNextEntry(entry);
            out.write(new byte[] {0x7f, 'E', 'L', 'F'});
            byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
            out.closeEntry();
        }
        return jar;
    }

    /** The entry's URL, through a handler that counts the bytes inflated out of it. */
    private static URL counting(Path jar, AtomicLong inflated) throws IOException {
        URL real = new URL("jar:" + jar.toUri() + "!/bin/handler");
        return new URL(null, real.toString(), new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                URLConnection connection = real.openConnection();
                connection.setUseCaches(false);
                return new URLConnection(u) {
                    @Override
                    public void connect() {
                    }

                    @Override
                    public InputStream getInputStream() throws IOException {
                        return new FilterInputStream(connection.getInputStream()) {
                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                int n = super.read(b, off, len);
                                if (n > 0) {
                                    inflated.addAndGet(n);
                                }
                                return n;
                            }
                        };
                    }
                };
            }
        });
    }

    @Test
    void aZipBombIsRefusedWhileInflatingAndLeavesNothing() throws Exception {
        Path jar = jarWithZeros(200_000_000L);
        assertTrue(Files.size(jar) < 1 << 20, "200 MB of zeros deflate to " + Files.size(jar) + " bytes");
        // Unbounded, the entry inflates to 200 MB: drained here, not written, to spare the disk.
        AtomicLong whole = new AtomicLong();
        try (InputStream in = counting(jar, whole).openStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertEquals(200_000_004L, whole.get());
        long cap = 16L << 20;
        AtomicLong inflated = new AtomicLong();
        IOException e = assertThrows(IOException.class, () -> HandlerBlob.extract(counting(jar, inflated),
                "bin/handler", Optional.empty(), directory, "h", cap));
        assertTrue(e.getMessage().contains("bin/handler") && e.getMessage().contains(Long.toString(cap))
                && e.getMessage().contains(HandlerBlob.MAX_SIZE_PROPERTY), e.getMessage());
        assertEquals(cap + 1, inflated.get(), "inflation stopped one byte past the cap");
        try (Stream<Path> left = Files.list(directory)) {
            assertEquals(0, left.count(), "the partial file was deleted");
        }
        System.out.println("[HandlerBlobTest] a " + Files.size(jar) + "-byte jar holding 200 MB was refused after "
                + inflated.get() + " inflated bytes");
    }

    @Test
    void exactlyTheCapIsAcceptedAndOneMoreByteIsNot() throws Exception {
        long cap = content.length;
        HandlerBlob blob = HandlerBlob.extract(url(), "h", Optional.empty(), directory, "h", cap);
        assertArrayEquals(content, Files.readAllBytes(blob.executable()));
        IOException e = assertThrows(IOException.class,
                () -> HandlerBlob.extract(url(), "bin/big", Optional.empty(), directory, "h2", cap - 1));
        assertTrue(e.getMessage().contains("larger than the maximum of " + (cap - 1) + " bytes"), e.getMessage());
        assertFalse(Files.exists(directory.resolve("h2"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theCapIsAPositiveNumberOfBytesAndDefaultsTo256MiB() throws Exception {
        assertEquals(256L << 20, HandlerBlob.DEFAULT_MAX_SIZE);
        assertEquals(HandlerBlob.DEFAULT_MAX_SIZE, HandlerBlob.maxSize(null));
        assertEquals(1000, HandlerBlob.maxSize(" 1000 "));
        for (String bad : new String[] {"", "0", "-5", "1MiB", "9223372036854775807"}) {
            assertThrows(IllegalArgumentException.class, () -> HandlerBlob.maxSize(bad), bad);
        }
    }

    @Test
    void sha256HelperMatchesTheJdk() throws Exception {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(
                Sha256.newDigest().digest()));
        assertEquals(sha256(content), Sha256.of(source));
    }
}
