package io.github.umdosgi.impl.frame;

import java.nio.ByteBuffer;

/**
 * Where a reply's payload goes, chosen once its length is known: a fresh
 * array for the {@code byte[]} API, the caller's buffer for the
 * {@code ByteBuffer} API.
 *
 * <p>The length comes from the handler, which may lie: a target may give a
 * smaller buffer first and {@link #grow} it as the payload arrives, so that
 * memory follows the bytes received rather than the bytes declared.
 */
@FunctionalInterface
public interface ReplyTarget {

    /**
     * A fresh heap array holding exactly the reply, allocated whole up to
     * {@value GrowingArray#FIRST} bytes and grown by doubling beyond.
     */
    ReplyTarget NEW_ARRAY = new GrowingArray(byte[]::new);

    /**
     * @param length the reply's payload length, already checked against the maximum message size
     * @return a buffer with {@code length} bytes remaining, or fewer (at least one, when the length
     *         is not zero) to be {@link #grow}n as the payload arrives; or null when the caller
     *         cannot take that many: the payload is then read and dropped
     */
    ByteBuffer forLength(int length);

    /**
     * Called by the reader when the buffer has less room than the bytes it has for it.
     *
     * @param filled the buffer so far, position after its last byte
     * @param length the reply's payload length
     * @return a larger buffer holding the same bytes, position after them, at most {@code length} in all
     * @throws FrameTooLargeException there is no memory for a larger buffer
     */
    default ByteBuffer grow(ByteBuffer filled, int length) throws FrameTooLargeException {
        throw new IllegalStateException("this target gives the whole buffer at once");
    }

    /**
     * For metrics: how many payload bytes a filled buffer holds.
     *
     * @param filled the buffer this target gave and the reader filled, position after its last byte
     * @return the reply's payload length
     */
    default int length(ByteBuffer filled) {
        return filled.position();
    }

    /**
     * @param reply the caller's buffer; its position and limit are left alone
     * @return a target that fills {@code reply} from its position
     */
    static ReplyTarget into(ByteBuffer reply) {
        int start = reply.position();
        return new ReplyTarget() {
            @Override
            public ByteBuffer forLength(int length) {
                return length > reply.remaining() ? null : reply.duplicate().limit(reply.position() + length);
            }

            @Override
            public int length(ByteBuffer filled) {
                return filled.position() - start;
            }
        };
    }
}
