package io.github.umdosgi.pgp.internal.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.github.umdosgi.pgp.internal.wire.ParsedReply;

/**
 * The digest a v4 signature signs, computed by the JVM (RFC 4880 5.2.4): the data (for a text
 * signature, with every line ending made CR LF), then the hashed trailer: version, type, key
 * algorithm, hash algorithm, the hashed area's 2-byte length and the area, and the final
 * {@code 0x04 0xFF} with the 4-byte count of the trailer's first part.
 */
final class SignedDigest {

    static final int BINARY = 0x00;
    static final int TEXT = 0x01;

    private SignedDigest() {
    }

    static byte[] compute(HashAlgorithm hash, byte[] data, ParsedReply.Signature signature) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(hash.javaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + hash.javaName(), e);
        }
        if (signature.type() == TEXT) {
            updateCanonicalText(md, data);
        } else {
            md.update(data);
        }
        byte[] area = signature.hashedArea();
        md.update(new byte[] {4, (byte) signature.type(), (byte) signature.publicKeyAlgorithm(),
            (byte) signature.hashAlgorithm(), (byte) (area.length >> 8), (byte) area.length});
        md.update(area);
        long count = 6L + area.length;
        md.update(new byte[] {4, (byte) 0xff, (byte) (count >> 24), (byte) (count >> 16), (byte) (count >> 8),
            (byte) count});
        return md.digest();
    }

    /** CR LF, lone CR and lone LF all become CR LF. */
    private static void updateCanonicalText(MessageDigest md, byte[] data) {
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == '\r' || b == '\n') {
                md.update(data, start, i - start);
                md.update((byte) '\r');
                md.update((byte) '\n');
                if (b == '\r' && i + 1 < data.length && data[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        md.update(data, start, data.length - start);
    }
}
