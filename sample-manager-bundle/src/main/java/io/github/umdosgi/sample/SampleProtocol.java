package io.github.umdosgi.sample;

import java.nio.charset.StandardCharsets;

import io.github.umdosgi.api.ProtocolException;

/**
 * Wire format of the sample handler. Request: a big-endian uint32 offset.
 * Reply: {@value SampleDriver#REPLY_SIZE} bytes, zero except a 1 at the
 * offset; or, on error, a shorter ASCII text starting with {@code EINVAL}.
 * Shared by the sample manager's service and the loader bundle's post-start
 * hook. Stateless.
 */
public final class SampleProtocol {

    private static final byte[] EINVAL = "EINVAL".getBytes(StandardCharsets.US_ASCII);

    /** Bounds how much handler text goes into an exception message. */
    private static final int MAX_ERROR_TEXT = 256;

    private SampleProtocol() {
    }

    /**
     * @param offset the offset to request; sent as an unsigned 32-bit value
     * @return the 4-byte big-endian request payload
     */
    public static byte[] encode(int offset) {
        return new byte[] {(byte) (offset >>> 24), (byte) (offset >>> 16), (byte) (offset >>> 8), (byte) offset};
    }

    /**
     * Verifies a reply on behalf of the driver named {@value SampleDriver#DRIVER_NAME}.
     *
     * @param reply the reply payload
     * @param offset the offset that was requested
     * @throws ProtocolException the reply is not the expected one
     * @throws IllegalArgumentException the handler rejected the request with {@code EINVAL}
     */
    public static void verify(byte[] reply, int offset) throws ProtocolException {
        verify(SampleDriver.DRIVER_NAME, reply, offset);
    }

    /**
     * Verifies a reply: its length, the byte at {@code offset}, and that every
     * other byte is zero (a full scan of 128 KiB costs microseconds and catches
     * stale data a handler might leave from an earlier request).
     *
     * @param driverName the driver the reply came from, for messages
     * @param reply the reply payload
     * @param offset the offset that was requested
     * @throws ProtocolException the reply is not the expected one
     * @throws IllegalArgumentException the handler rejected the request with {@code EINVAL}
     */
    public static void verify(String driverName, byte[] reply, int offset) throws ProtocolException {
        if (reply == null) {
            throw new ProtocolException(driverName, "no reply");
        }
        if (reply.length != SampleDriver.REPLY_SIZE) {
            if (startsWith(reply, EINVAL)) {
                throw new IllegalArgumentException(
                        "driver '" + driverName + "' rejected the request: " + printable(reply));
            }
            throw new ProtocolException(driverName, "reply is " + reply.length + " bytes, expected "
                    + SampleDriver.REPLY_SIZE + " or an EINVAL error text");
        }
        if (offset < 0 || offset >= reply.length) {
            throw new IllegalArgumentException(
                    "offset " + offset + " out of range [0, " + SampleDriver.REPLY_SIZE + ")");
        }
        if (reply[offset] != 1) {
            throw new ProtocolException(driverName,
                    "reply byte[" + offset + "] is " + hex(reply[offset]) + ", expected 0x01");
        }
        for (int i = 0; i < reply.length; i++) {
            if (reply[i] != 0 && i != offset) {
                throw new ProtocolException(driverName, "reply byte[" + i + "] is " + hex(reply[i])
                        + ", expected 0x00 (only byte[" + offset + "] may be set)");
            }
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The handler's text as one bounded line: it ends up in logs and shell output. */
    private static String printable(byte[] text) {
        int n = Math.min(text.length, MAX_ERROR_TEXT);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            int c = text[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        if (text.length > n) {
            sb.append("...");
        }
        return sb.toString().strip();
    }

    private static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }
}
