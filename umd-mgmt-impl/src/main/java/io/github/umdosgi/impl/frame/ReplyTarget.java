package io.github.umdosgi.impl.frame;

import java.nio.ByteBuffer;

/**
 * Where a reply's payload goes, chosen once its length is known: a fresh
 * array for the {@code byte[]} API, the caller's buffer for the
 * {@code ByteBuffer} API.
 */
@FunctionalInterface
public interface ReplyTarget {

    /** A fresh heap buffer of exactly the reply's length. */
    ReplyTarget NEW_ARRAY = length -> ByteBuffer.wrap(new byte[length]);

    /**
     * @param length the reply's payload length, already checked against the maximum message size
     * @return a buffer with exactly {@code length} bytes remaining, or null when the caller cannot
     *         take that many: the payload is then read and dropped
     */
    ByteBuffer forLength(int length);

    /**
     * @param reply the caller's buffer; its position and limit are left alone
     * @return a target that fills {@code reply} from its position
     */
    static ReplyTarget into(ByteBuffer reply) {
        return length -> length > reply.remaining() ? null
                : reply.duplicate().limit(reply.position() + length);
    }
}
