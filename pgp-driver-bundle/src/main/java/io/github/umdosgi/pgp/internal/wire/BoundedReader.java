package io.github.umdosgi.pgp.internal.wire;

import java.util.Arrays;

import io.github.umdosgi.pgp.PgpException;

/**
 * Reads an untrusted byte array front to back: every read checks the remaining bytes, every length
 * is checked against the remaining bytes and a fixed maximum before anything is copied. Failures are
 * {@link PgpException}s with {@link PgpException.Reason#MALFORMED_REPLY} naming the field. Not
 * thread-safe; owned by the decoding thread. Also reads key packet bodies and subpackets that came in a
 * reply.
 */
public final class BoundedReader {

    private final byte[] bytes;
    private int position; // owned by the decoding thread

    public BoundedReader(byte[] bytes) {
        this.bytes = bytes;
    }

    public int remaining() {
        return bytes.length - position;
    }

    public int u8(String field) throws PgpException {
        need(1, field);
        return bytes[position++] & 0xff;
    }

    public int u16(String field) throws PgpException {
        need(2, field);
        int v = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
        position += 2;
        return v;
    }

    public long u32(String field) throws PgpException {
        need(4, field);
        long v = ((long) (bytes[position] & 0xff) << 24) | ((bytes[position + 1] & 0xff) << 16)
                | ((bytes[position + 2] & 0xff) << 8) | (bytes[position + 3] & 0xff);
        position += 4;
        return v;
    }

    public byte[] fixed(int length, String field) throws PgpException {
        need(length, field);
        byte[] out = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return out;
    }

    /** A u16 length, between {@code min} and {@code max}, then that many bytes. */
    public byte[] prefixed16(int min, int max, String field) throws PgpException {
        int length = u16(field + " length");
        if (length < min || length > max) {
            throw malformed(field + " length " + length + " outside [" + min + ", " + max + "]");
        }
        return fixed(length, field);
    }

    /** A u8 count between {@code min} and {@code max}. */
    public int count(int min, int max, String field) throws PgpException {
        int n = u8(field);
        if (n < min || n > max) {
            throw malformed(field + " " + n + " outside [" + min + ", " + max + "]");
        }
        return n;
    }

    public void expectEnd() throws PgpException {
        if (remaining() != 0) {
            throw malformed(remaining() + " unexpected byte(s) after the end of the reply");
        }
    }

    private void need(int n, String field) throws PgpException {
        if (n > remaining()) {
            throw malformed("truncated at " + field + " (needs " + n + " byte(s), " + remaining() + " left)");
        }
    }

    public static PgpException malformed(String what) {
        return new PgpException(PgpException.Reason.MALFORMED_REPLY, "malformed parser reply: " + what);
    }
}
