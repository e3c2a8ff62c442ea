package io.github.umdosgi.pgp.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes the requests of the wire format. */
public final class RequestEncoder {

    private RequestEncoder() {
    }

    /**
     * @param key the key file
     * @return a request to parse the key file
     */
    public static byte[] keys(byte[] key) {
        return encode(WireFormat.OP_KEYS, key, null);
    }

    /**
     * @param key the key file
     * @param signature the detached signature
     * @return a request to parse both
     */
    public static byte[] keysAndSignature(byte[] key, byte[] signature) {
        return encode(WireFormat.OP_KEYS_AND_SIGNATURE, key, signature);
    }

    private static byte[] encode(int op, byte[] key, byte[] signature) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + key.length
                    + (signature == null ? 0 : signature.length));
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(WireFormat.REQUEST_MAGIC);
            out.writeByte(WireFormat.VERSION);
            out.writeByte(op);
            out.writeInt(key.length);
            out.write(key);
            if (signature != null) {
                out.writeInt(signature.length);
                out.write(signature);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }
}
