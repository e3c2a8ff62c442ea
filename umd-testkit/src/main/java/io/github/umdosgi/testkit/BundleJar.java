package io.github.umdosgi.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;

/**
 * Builds a bundle jar in memory: a manifest (symbolic name, version 1.0.0, optionally a
 * {@code UMD-Driver} header and further headers) and resource entries in the order added, no
 * classes. Entries are deflated unless added with {@link #storedEntry}.
 *
 * <pre>{@code
 * byte[] jar = BundleJar.named("itest.echo")
 *         .driverHeader("echo;handler=bin/echo-handler")
 *         .entry("bin/echo-handler", handlerBytes)
 *         .build();
 * }</pre>
 */
public final class BundleJar {

    private record Entry(String path, byte[] content, boolean stored) {
    }

    private final String symbolicName;
    private String driverHeader;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    private BundleJar(String symbolicName) {
        this.symbolicName = symbolicName;
    }

    /** Starts a bundle with that {@code Bundle-SymbolicName}. */
    public static BundleJar named(String symbolicName) {
        return new BundleJar(symbolicName);
    }

    /** Sets the {@code UMD-Driver} header; without it the bundle declares no driver. */
    public BundleJar driverHeader(String value) {
        this.driverHeader = value;
        return this;
    }

    /** Adds a manifest header (such as {@code Bundle-Name}); it may replace one set by default. */
    public BundleJar header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds a deflated resource entry. */
    public BundleJar entry(String path, byte[] content) {
        entries.add(new Entry(path, content, false));
        return this;
    }

    /** Adds a text resource entry (a script, say), UTF-8 encoded. */
    public BundleJar entry(String path, String content) {
        return entry(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a resource entry stored uncompressed. */
    public BundleJar storedEntry(String path, byte[] content) {
        entries.add(new Entry(path, content, true));
        return this;
    }

    /** Adds a directory entry; path ends with {@code /}. */
    public BundleJar directory(String path) {
        if (!path.endsWith("/")) {
            throw new IllegalArgumentException("a directory entry ends with '/': " + path);
        }
        entries.add(new Entry(path, new byte[0], false));
        return this;
    }

    /** The jar's bytes. */
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
        int size = entries.stream().mapToInt(e -> e.content().length).sum();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size / 2 + 4096);
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            for (Entry e : entries) {
                jar.putNextEntry(jarEntry(e));
                jar.write(e.content());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build an in-memory jar", e);
        }
        return bytes.toByteArray();
    }

    private static JarEntry jarEntry(Entry e) {
        JarEntry entry = new JarEntry(e.path());
        if (e.stored()) {
            CRC32 crc = new CRC32();
            crc.update(e.content());
            entry.setMethod(JarEntry.STORED);
            entry.setSize(e.content().length);
            entry.setCompressedSize(e.content().length);
            entry.setCrc(crc.getValue());
        }
        return entry;
    }
}
