package io.github.umdosgi.itest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds driver bundles in memory: a manifest (optionally with a {@code UMD-Driver} header) and
 * resource entries, no classes. Also gives access to the handler executables Maven unpacked from
 * the sample-handler artifact.
 */
public final class DriverBundles {

    /** The echo handler: replies with its request. */
    public static final String ECHO_HANDLER = "echo-handler";

    private final String symbolicName;
    private String driverHeader;
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    private DriverBundles(String symbolicName) {
        this.symbolicName = symbolicName;
    }

    /** Starts a bundle description with that symbolic name. */
    public static DriverBundles bundle(String symbolicName) {
        return new DriverBundles(symbolicName);
    }

    /** Sets the {@code UMD-Driver} header value. */
    public DriverBundles driverHeader(String value) {
        this.driverHeader = value;
        return this;
    }

    /** Adds a manifest header (such as {@code Bundle-Name}). */
    public DriverBundles header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds a resource entry. */
    public DriverBundles entry(String path, byte[] content) {
        entries.put(path, content);
        return this;
    }

    /** Adds a text resource entry (scripts, non-executables). */
    public DriverBundles entry(String path, String content) {
        return entry(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The jar bytes. */
    public byte[] build() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        if (driverHeader != null) {
            main.putValue("UMD-Driver", driverHeader);
        }
        headers.forEach(main::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes of a handler executable from the sample-handler artifact ({@code bin/<name>}). */
    public static byte[] handler(String name) {
        try {
            return Files.readAllBytes(handlersDir().resolve("bin").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("handler " + name + " not found; did Maven unpack sample-handler?", e);
        }
    }

    /** The digest the sample-handler build recorded for a handler ({@code bin/<name>.sha256}). */
    public static String recordedSha256(String name) {
        try {
            String text = Files.readString(handlersDir().resolve("bin").resolve(name + ".sha256"),
                    StandardCharsets.US_ASCII);
            // Tolerates the sha256sum format "<hex>  <file>".
            return text.trim().split("\\s+")[0].toLowerCase(java.util.Locale.ROOT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the bytes, as 64 lower-case hex digits. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path handlersDir() {
        return Paths.get(UmdTestSupport.requiredSystemProperty("itest.handlers"));
    }
}
