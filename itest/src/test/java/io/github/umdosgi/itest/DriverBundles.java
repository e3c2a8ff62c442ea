package io.github.umdosgi.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The handler executables Maven unpacked from the sample-handler artifact, and their digests, to
 * put into bundles built with {@link io.github.umdosgi.testkit.BundleJar}.
 */
public final class DriverBundles {

    /** The echo handler: replies with its request. */
    public static final String ECHO_HANDLER = "echo-handler";

    private DriverBundles() {
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
