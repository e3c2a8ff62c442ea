package io.github.umdosgi.itest.trees;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tree digest as a bundle build computes it (README: {@code sha256sum} of the sorted file
 * list, piped into {@code sha256sum}), written here apart from the manager's code.
 */
final class TreeDigests {

    private TreeDigests() {
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** @param files path relative to the tree -> content */
    static String of(Map<String, byte[]> files) throws Exception {
        StringBuilder listing = new StringBuilder();
        // ASCII names here, so String order is C-locale order.
        for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
            listing.append(sha256(f.getValue())).append("  ").append(f.getKey()).append('\n');
        }
        return sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
    }
}
