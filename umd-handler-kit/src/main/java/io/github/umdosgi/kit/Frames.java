package io.github.umdosgi.kit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The handler's side of the wire format: a 4-byte unsigned big-endian length,
 * then that many bytes. The same format as the manager's codec (tested against
 * it), written again here so that the kit depends on nothing.
 *
 * <p>Stateless; the caller owns the streams.
 */
public final class Frames {

    /** Bytes in the length prefix. */
    public static final int HEADER_SIZE = 4;

    /** The largest payload the manager sends: 1 GiB. */
    public static final int MAX_PAYLOAD = 1 << 30;

    private Frames() {
    }

    /**
     * Reads one frame. The payload's memory grows as its bytes arrive, so a forged length costs
     * what was sent, not what it claims.
     *
     * @param in the stream, the handler's stdin
     * @param maxPayload the largest payload accepted
     * @return the payload, or null when the stream ended cleanly before a frame began
     * @throws EOFException the stream ended inside a frame's header or payload
     * @throws FrameException the declared length exceeds {@code maxPayload}
     * @throws IOException the stream failed
     */
    public static byte[] read(InputStream in, int maxPayload) throws IOException {
        byte[] header = new byte[HEADER_SIZE];
        int got = in.readNBytes(header, 0, HEADER_SIZE);
        if (got == 0) {
            return null;
        }
        if (got < HEADER_SIZE) {
            throw new EOFException("end of stream inside a frame header after " + got + " bytes");
        }
        long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                | (header[3] & 0xFF);
        if (length > maxPayload) {
            throw new FrameException("frame of " + length + " bytes exceeds the maximum of " + maxPayload);
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("end of stream inside a frame payload of " + length + " bytes after "
                    + payload.length + " bytes");
        }
        return payload;
    }

    /**
     * Writes one frame and flushes it.
     *
     * @param out the stream, the handler's stdout
     * @param payload the payload
     * @throws FrameException the payload is larger than {@link #MAX_PAYLOAD}
     * @throws IOException the stream failed
     */
    public static void write(OutputStream out, byte[] payload) throws IOException {
        if (payload.length > MAX_PAYLOAD) {
            throw new FrameException("reply of " + payload.length + " bytes exceeds the maximum of " + MAX_PAYLOAD);
        }
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(payload);
        out.flush();
    }
}
