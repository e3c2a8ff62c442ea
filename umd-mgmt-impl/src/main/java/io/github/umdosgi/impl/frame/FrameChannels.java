package io.github.umdosgi.impl.frame;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The wire format of {@link FrameCodec} over channels, through a caller's
 * direct buffer: every byte crosses the JNI boundary once, with no native
 * buffer allocated per read and no intermediate heap copy (the JDK's process
 * streams malloc a native buffer for every read or write above 8 KiB).
 *
 * <p>Stateless; callers own the channels, the buffer and their
 * synchronisation. The buffer must be at least {@link #MIN_BUFFER} bytes.
 */
public final class FrameChannels {

    /** The smallest scratch buffer accepted: a header plus a little payload. */
    public static final int MIN_BUFFER = 64;

    private FrameChannels() {
    }

    /**
     * Writes one frame; a frame that fits the buffer goes out in one write
     * call, so a small request reaches the pipe atomically.
     *
     * @param out the handler's stdin
     * @param buffer scratch space, contents discarded
     * @param payload the payload, of any length the caller has already checked
     * @throws IOException the pipe failed
     */
    public static void write(WritableByteChannel out, ByteBuffer buffer, byte[] payload) throws IOException {
        checkBuffer(buffer);
        buffer.clear();
        buffer.putInt(payload.length);
        int offset = 0;
        do {
            int chunk = Math.min(buffer.remaining(), payload.length - offset);
            buffer.put(payload, offset, chunk);
            offset += chunk;
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        } while (offset < payload.length);
    }

    /**
     * Reads one frame. The first read takes what the pipe holds, up to the
     * buffer's size, so a small reply costs one read call; the following reads
     * never ask for more than the frame still lacks. Bytes beyond the frame
     * that the first read returned are left in the buffer (position to limit):
     * the handler wrote them without being asked.
     *
     * @param in the handler's stdout
     * @param buffer scratch space; on return it holds any bytes read past the frame
     * @param maxSize the largest payload accepted, checked before allocating
     * @return the payload
     * @throws EOFException the stream ended before a whole frame arrived
     * @throws FrameTooLargeException the declared length exceeds {@code maxSize}
     * @throws IOException the pipe failed
     */
    public static byte[] read(ReadableByteChannel in, ByteBuffer buffer, int maxSize) throws IOException {
        checkBuffer(buffer);
        buffer.clear();
        while (buffer.position() < FrameCodec.HEADER_SIZE) {
            if (in.read(buffer) < 0) {
                throw new EOFException(buffer.position() == 0
                        ? "end of stream before a reply"
                        : "end of stream inside frame header after " + buffer.position() + " bytes");
            }
        }
        buffer.flip();
        long length = buffer.getInt() & 0xFFFF_FFFFL;
        if (length > maxSize) {
            throw new FrameTooLargeException(length, maxSize);
        }
        byte[] payload = new byte[(int) length];
        int done = Math.min(buffer.remaining(), payload.length);
        buffer.get(payload, 0, done);
        if (done < payload.length) {
            buffer.clear();
        }
        while (done < payload.length) {
            buffer.limit(Math.min(buffer.capacity(), payload.length - done));
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("end of stream inside frame payload of " + length + " bytes after "
                        + done + " bytes");
            }
            buffer.flip();
            buffer.get(payload, done, n);
            done += n;
            buffer.clear().limit(0);
        }
        return payload;
    }

    private static void checkBuffer(ByteBuffer buffer) {
        if (buffer.capacity() < MIN_BUFFER) {
            throw new IllegalArgumentException("scratch buffer of " + buffer.capacity() + " bytes; need "
                    + MIN_BUFFER);
        }
    }
}
