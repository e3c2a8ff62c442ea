package io.github.umdosgi.pgp.handler;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes replies of the wire format (pgp-driver-bundle's README, "The wire format"). Written
 * independently of the JVM side's decoder on purpose: the two are tested against each other.
 */
final class ReplyWriter {

    static final byte[] MAGIC = {'U', 'P', 'G', 'R'};
    static final int VERSION = 1;

    /** One key: primary flag, raw v4 key packet body, user ids. */
    record Key(boolean primary, byte[] body, List<byte[]> userIds) {
    }

    /** The signature's fields. */
    record Signature(int version, int type, int keyAlgorithm, int hashAlgorithm, byte[] hashedArea, long issuerKeyId,
            byte[] left16, List<byte[]> values) {
    }

    private ReplyWriter() {
    }

    static byte[] refused(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 1024);
        return write(out -> {
            out.writeByte(1);
            out.writeShort(n);
            out.write(text, 0, n);
        });
    }

    static byte[] parsed(List<Key> keys, Signature signature) {
        return write(out -> {
            out.writeByte(0);
            out.writeByte(keys.size());
            for (Key k : keys) {
                out.writeByte(k.primary() ? 1 : 0);
                out.writeShort(k.body().length);
                out.write(k.body());
                out.writeByte(k.userIds().size());
                for (byte[] uid : k.userIds()) {
                    out.writeShort(uid.length);
                    out.write(uid);
                }
            }
            out.writeByte(signature == null ? 0 : 1);
            if (signature != null) {
                out.writeByte(signature.version());
                out.writeByte(signature.type());
                out.writeByte(signature.keyAlgorithm());
                out.writeByte(signature.hashAlgorithm());
                out.writeShort(signature.hashedArea().length);
                out.write(signature.hashedArea());
                out.writeLong(signature.issuerKeyId());
                out.write(signature.left16(), 0, 2);
                out.writeByte(signature.values().size());
                for (byte[] v : signature.values()) {
                    out.writeShort(v.length);
                    out.write(v);
                }
            }
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeByte(VERSION);
            body.write(out);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
