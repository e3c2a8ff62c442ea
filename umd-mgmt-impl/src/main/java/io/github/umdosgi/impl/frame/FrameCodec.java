package io.github.umdosgi.impl.frame;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The wire format between manager and handler: a 4-byte unsigned big-endian
 * length, then that many payload bytes (Erlang's {@code {packet, 4}}).
 *
 * <p>Stateless; callers own the streams and their synchronisation.
 */
public final class FrameCodec {

    /** Bytes in the length prefix. */
    public static final int HEADER_SIZE = 4;

    private FrameCodec() {
    }

    /**
     * Writes one frame and flushes it.
     *
     * @param out the handler's stdin
     * @param payload the payload, of any length the caller has already checked
     * @throws IOException the pipe failed
     */
    public static void write(OutputStream out, byte[] payload) throws IOException {
        int n = payload.length;
        // One write for the header keeps a small frame in a single pipe write.
        byte[] header = {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    /**
     * Reads one frame. The declared length is checked against {@code maxSize}
     * before anything is allocated, so a forged length cannot exhaust memory.
     *
     * @param in the handler's stdout
     * @param maxSize the largest payload accepted
     * @return the payload
     * @throws EOFException the stream ended before a whole frame arrived
     * @throws FrameTooLargeException the declared length exceeds {@code maxSize}
     * @throws IOException the pipe failed
     */
    public static byte[] read(InputStream in, int maxSize) throws IOException {
        byte[] header = readExactly(in, new byte[HEADER_SIZE], "frame header");
        long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16)
                | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        if (length > maxSize) {
            throw new FrameTooLargeException(length, maxSize);
        }
        return readExactly(in, new byte[(int) length], "frame payload of " + length + " bytes");
    }

    private static byte[] readExactly(InputStream in, byte[] buffer, String what) throws IOException {
        int done = 0;
        while (done < buffer.length) {
            int n = in.read(buffer, done, buffer.length - done);
            if (n < 0) {
                throw new EOFException(done == 0 && what.equals("frame header")
                        ? "end of stream before a reply"
                        : "end of stream inside " + what + " after " + done + " bytes");
            }
            done += n;
        }
        return buffer;
    }
}
