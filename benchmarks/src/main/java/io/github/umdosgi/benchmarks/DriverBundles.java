package io.github.umdosgi.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Builds loader bundles in memory: a manifest with a {@code UMD-Driver}
 * header and the echo handler as the entry {@value #HANDLER_ENTRY}, the way a
 * bnd-built loader bundle carries it (deflated). Stateless.
 */
final class DriverBundles {

    /** Where the handler sits inside every bundle built here. */
    static final String HANDLER_ENTRY = "bin/echo-handler";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern VALUE = Pattern.compile("[^,;\"\\s]+");

    private DriverBundles() {
    }

    /**
     * One clause of the header.
     *
     * @param name the driver name
     * @param attributes further attributes in order (after {@code handler}), e.g. {@code instances=2}
     * @return {@code name;handler=bin/echo-handler;k=v...}
     */
    static String clause(String name, Map<String, String> attributes) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid driver name '" + name + "'");
        }
        StringBuilder clause = new StringBuilder(name).append(";handler=").append(HANDLER_ENTRY);
        attributes.forEach((key, value) -> {
            if (key.equals("handler") || !VALUE.matcher(key).matches() || !VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("unusable attribute " + key + "=" + value);
            }
            clause.append(';').append(key).append('=').append(value);
        });
        return clause.toString();
    }

    /**
     * @param names driver names
     * @param attributes the same attributes for each
     * @return the header value declaring all of them
     */
    static String header(List<String> names, Map<String, String> attributes) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a header needs at least one driver");
        }
        return String.join(", ", names.stream().map(n -> clause(n, attributes)).toList());
    }

    /**
     * Attributes in the given order, as {@code key, value, key, value...}.
     *
     * @param keysAndValues an even number of strings
     * @return an ordered map
     */
    static Map<String, String> attributes(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * @param symbolicName the Bundle-SymbolicName
     * @param header the UMD-Driver header value
     * @param handler the handler executable's bytes
     * @return the bundle jar
     */
    static byte[] bundle(String symbolicName, String header, byte[] handler) {
        return bundle(symbolicName, header, handler, false);
    }

    /**
     * @param symbolicName the Bundle-SymbolicName
     * @param header the UMD-Driver header value, or null for a bundle without one
     * @param handler the handler executable's bytes
     * @param stored true to store the handler uncompressed instead of deflated
     * @return the bundle jar
     */
    static byte[] bundle(String symbolicName, String header, byte[] handler, boolean stored) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        if (header != null) {
            main.putValue("UMD-Driver", header);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(handler.length / 2 + 4096);
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry("bin/"));
            jar.closeEntry();
            JarEntry entry = new JarEntry(HANDLER_ENTRY);
            if (stored) {
                CRC32 crc = new CRC32();
                crc.update(handler);
                entry.setMethod(JarEntry.STORED);
                entry.setSize(handler.length);
                entry.setCompressedSize(handler.length);
                entry.setCrc(crc.getValue());
            }
            jar.putNextEntry(entry);
            jar.write(handler);
            jar.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build an in-memory jar", e);
        }
        return bytes.toByteArray();
    }
}
