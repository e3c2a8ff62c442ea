package io.github.umdosgi.impl.frame;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * {@link ReplyTarget#NEW_ARRAY}: a reply up to {@value #FIRST} bytes gets its
 * array at once, as before; a longer one starts there and doubles as bytes
 * arrive, never past the declared length, so that the last array is exactly
 * the reply. A handler that declares 2 GiB and sends ten bytes costs
 * {@value #FIRST} bytes until its call times out, not 2 GiB; one that really
 * sends that much costs at most twice its reply in allocation (half of it
 * garbage at once) and one copy. No memory for the next step is a
 * {@link FrameTooLargeException}, which kills the handler like a forged
 * length, instead of an {@link OutOfMemoryError} escaping to the caller.
 *
 * <p>Stateless: the arrays belong to the call that reads.
 */
final class GrowingArray implements ReplyTarget {

    /** The first array of a long reply: the bulk buffer's size, so one pipe read fills it. */
    static final int FIRST = 64 << 10;

    private final IntFunction<byte[]> allocate;

    /** @param allocate gives arrays; tests give one that runs out */
    GrowingArray(IntFunction<byte[]> allocate) {
        this.allocate = allocate;
    }

    @Override
    public ByteBuffer forLength(int length) {
        return ByteBuffer.wrap(allocate.apply(Math.min(length, FIRST)));
    }

    @Override
    public ByteBuffer grow(ByteBuffer filled, int length) throws FrameTooLargeException {
        int size = (int) Math.min(2L * filled.capacity(), length);
        byte[] larger;
        try {
            larger = allocate.apply(size);
        } catch (OutOfMemoryError e) {
            // Only this array failed: what the caller holds is as before, and the handler is killed.
            throw new FrameTooLargeException(length, size, e);
        }
        System.arraycopy(filled.array(), filled.arrayOffset(), larger, 0, filled.position());
        return ByteBuffer.wrap(larger).position(filled.position());
    }
}
