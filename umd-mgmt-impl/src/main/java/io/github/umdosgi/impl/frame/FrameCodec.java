package io.github.umdosgi.impl.frame;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The wire format between manager and handler: a 4-byte unsigned big-endian
 * length, then that many payload bytes (Erlang's {@code {packet, 4}}).
 *
 * <p>Stateless; callers own the streams and their synchronisation.
 */
public final class FrameCodec {

    /** Bytes in the length prefix. */
    public static final int HEADER_SIZE = 4;

    /**
     * The version of the handler contract (this framing, one reply per
     * request, exit at end of stdin) the manager speaks, given to every
     * handler as {@code UMD_PROTOCOL}; a header may require it with
     * {@code protocol=}. An incompatible contract would get a new number, so
     * that either side can refuse the other with a reason.
     */
    public static final int PROTOCOL = 1;

    private FrameCodec() {
    }

    /**
     * Writes one frame from the payload's position to its limit and flushes
     * it, leaving the payload's position at its limit.
     *
     * @param out the handler's stdin
     * @param payload the payload, of any length the caller has already checked
     * @throws IOException the pipe failed
     */
    public static void write(OutputStream out, ByteBuffer payload) throws IOException {
        int n = payload.remaining();
        // Header and a small payload in one buffered stream reach the pipe in a single write.
        byte[] header = {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        out.write(header);
        if (payload.hasArray()) {
            out.write(payload.array(), payload.arrayOffset() + payload.position(), n);
            payload.position(payload.limit());
        } else {
            byte[] chunk = new byte[Math.min(n, 8192)];
            while (payload.hasRemaining()) {
                int c = Math.min(chunk.length, payload.remaining());
                payload.get(chunk, 0, c);
                out.write(chunk, 0, c);
            }
        }
        out.flush();
    }

    /**
     * Reads one frame into the buffer the target gives for its length.
     *
     * @param in the handler's stdout
     * @param maxSize the largest payload accepted, checked before the target is asked
     * @param target gives the buffer the payload goes to
     * @return the target's buffer, filled: position at its limit
     * @throws EOFException the stream ended before a whole frame arrived
     * @throws FrameTooLargeException the declared length exceeds {@code maxSize}, or the target has no
     *         memory for it
     * @throws ReplyDiscardedException the target could not take the payload; it was read and dropped
     * @throws IOException the pipe failed
     */
    public static ByteBuffer read(InputStream in, int maxSize, ReplyTarget target) throws IOException {
        byte[] header = new byte[HEADER_SIZE];
        readExactly(in, header, 0, HEADER_SIZE, "frame header", 0);
        long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16)
                | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        if (length > maxSize) {
            throw new FrameTooLargeException(length, maxSize);
        }
        String what = "frame payload of " + length + " bytes";
        ByteBuffer into = target.forLength((int) length);
        if (into != null && into.hasArray()) {
            // Fill what the target gave, then ask it for more: a forged length costs what arrived.
            for (long done = 0; ; into = target.grow(into, (int) length)) {
                int part = (int) Math.min(into.remaining(), length - done);
                readExactly(in, into.array(), into.arrayOffset() + into.position(), part, what, done);
                into.position(into.position() + part);
                done += part;
                if (done == length) {
                    return into;
                }
            }
        }
        byte[] chunk = new byte[(int) Math.min(length, 8192)];
        for (long done = 0; done < length; ) {
            int c = (int) Math.min(chunk.length, length - done);
            readExactly(in, chunk, 0, c, what, done);
            if (into != null) {
                while (into.remaining() < c) {
                    into = target.grow(into, (int) length);
                }
                into.put(chunk, 0, c);
            }
            done += c;
        }
        if (into == null) {
            throw new ReplyDiscardedException(length);
        }
        return into;
    }

    /** Fills {@code buffer[offset, offset + length)}; {@code before} bytes of the frame part came earlier. */
    private static void readExactly(InputStream in, byte[] buffer, int offset, int length, String what,
            long before) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(buffer, offset + done, length - done);
            if (n < 0) {
                throw new EOFException(done == 0 && before == 0 && what.equals("frame header")
                        ? "end of stream before a reply"
                        : "end of stream inside " + what + " after " + (before + done) + " bytes");
            }
            done += n;
        }
    }
}
