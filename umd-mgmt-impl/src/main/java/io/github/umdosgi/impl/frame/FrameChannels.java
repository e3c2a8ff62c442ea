package io.github.umdosgi.impl.frame;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.function.Supplier;

/**
 * The wire format of {@link FrameCodec} over channels, through two scratch
 * buffers a call brings: a small {@code head} for the header and small
 * payloads, so that a small frame costs one read or one write call, and a
 * direct {@code bulk} buffer, asked for only when needed, that moves large
 * payloads to and from heap arrays without a native allocation per call. A direct payload or reply
 * buffer is written or filled in place: no copy in the JVM at all.
 *
 * <p>Stateless; callers own the channels, the buffers and their
 * synchronisation. {@code head} must hold at least {@link #MIN_BUFFER} bytes.
 */
public final class FrameChannels {

    /** The smallest {@code head} buffer accepted: a header plus a little payload. */
    public static final int MIN_BUFFER = 64;

    private FrameChannels() {
    }

    /**
     * Writes one frame from the payload's position to its limit, leaving the
     * payload's position at its limit. A frame that fits {@code head} goes out
     * in one write call, so a small request reaches the pipe atomically.
     *
     * @param out the handler's stdin
     * @param head small scratch space, contents discarded
     * @param bulk scratch space for a large heap payload, contents discarded; asked for only then
     * @param payload the payload, of a length the caller has already checked
     * @throws IOException the pipe failed
     */
    public static void write(GatheringByteChannel out, ByteBuffer head, Supplier<ByteBuffer> bulk,
            ByteBuffer payload) throws IOException {
        checkHead(head);
        int length = payload.remaining();
        head.clear().putInt(length);
        if (length <= head.remaining()) {
            head.put(payload).flip();
            writeFully(out, head);
        } else if (payload.isDirect()) {
            head.flip();
            ByteBuffer[] both = {head, payload};
            while (payload.hasRemaining()) {
                out.write(both);
            }
        } else {
            head.flip();
            writeFully(out, head);
            ByteBuffer chunks = bulk.get();
            while (payload.hasRemaining()) {
                chunks.clear();
                int chunk = Math.min(chunks.remaining(), payload.remaining());
                chunks.put(payload.slice().limit(chunk)).flip();
                payload.position(payload.position() + chunk);
                writeFully(out, chunks);
            }
        }
    }

    private static void writeFully(GatheringByteChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /**
     * Reads one frame. The first read takes what the pipe holds, up to
     * {@code head}'s size; the following ones never ask for more than the
     * frame still lacks. Bytes beyond the frame that the first read returned
     * are left in {@code head} (position to limit): the handler wrote them
     * without being asked.
     *
     * @param in the handler's stdout
     * @param head small scratch space; on return it holds any bytes read past the frame
     * @param bulk scratch space for a large reply into a heap buffer; asked for only then
     * @param maxSize the largest payload accepted, checked before the target is asked for a buffer
     * @param target gives the buffer the payload goes to
     * @return the buffer from {@code target}, filled: position at its limit
     * @throws EOFException the stream ended before a whole frame arrived
     * @throws FrameTooLargeException the declared length exceeds {@code maxSize}, or the target has no
     *         memory for it
     * @throws ReplyDiscardedException the target could not take the payload; it was read and dropped
     * @throws IOException the pipe failed
     */
    public static ByteBuffer read(ReadableByteChannel in, ByteBuffer head, Supplier<ByteBuffer> bulk, int maxSize,
            ReplyTarget target) throws IOException {
        checkHead(head);
        head.clear();
        while (head.position() < FrameCodec.HEADER_SIZE) {
            if (in.read(head) < 0) {
                throw new EOFException(head.position() == 0
                        ? "end of stream before a reply"
                        : "end of stream inside frame header after " + head.position() + " bytes");
            }
        }
        head.flip();
        long length = head.getInt() & 0xFFFF_FFFFL;
        if (length > maxSize) {
            throw new FrameTooLargeException(length, maxSize);
        }
        ByteBuffer into = target.forLength((int) length);
        int inHead = (int) Math.min(head.remaining(), length);
        if (into != null) {
            ByteBuffer part = head.slice().limit(inHead);
            into = room(target, into, part.remaining(), length);
            into.put(part);
        }
        head.position(head.position() + inHead);
        long missing = length - inHead;
        if (missing > 0) {
            head.limit(head.position());
        }
        ByteBuffer chunks = missing > 0 && (into == null || !into.isDirect()) ? bulk.get() : null;
        while (missing > 0) {
            if (chunks == null && !into.hasRemaining()) {
                into = target.grow(into, (int) length);
            }
            ByteBuffer chunk = chunks == null ? into : chunks.clear();
            chunk.limit((int) Math.min(chunk.limit(), chunk.position() + missing));
            int n = in.read(chunk);
            if (n < 0) {
                throw new EOFException("end of stream inside frame payload of " + length + " bytes after "
                        + (length - missing) + " bytes");
            }
            missing -= n;
            if (chunk == chunks && into != null) {
                chunks.flip();
                into = room(target, into, chunks.remaining(), length);
                into.put(chunks);
            }
        }
        if (into == null) {
            throw new ReplyDiscardedException(length);
        }
        return into;
    }

    /** The target's buffer, grown until {@code needed} more bytes fit: memory follows the bytes that came. */
    private static ByteBuffer room(ReplyTarget target, ByteBuffer into, int needed, long length)
            throws FrameTooLargeException {
        while (into.remaining() < needed) {
            into = target.grow(into, (int) length);
        }
        return into;
    }

    private static void checkHead(ByteBuffer head) {
        if (head.capacity() < MIN_BUFFER) {
            throw new IllegalArgumentException("head buffer of " + head.capacity() + " bytes; need " + MIN_BUFFER);
        }
    }
}
