package io.github.umdosgi.impl.process;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of direct buffers for framed pipe I/O, shared by all
 * handlers. A call borrows one for its duration, so direct memory grows with
 * the number of calls in flight, not with the number of drivers: an idle
 * driver holds none.
 *
 * <p>Thread safe: the queue is lock-free and {@code pooled} only counts.
 */
public final class DirectBuffers {

    /** Matches the default pipe capacity: one read or write call moves a full pipe. */
    public static final int BUFFER_SIZE = 64 << 10;

    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private final int maxPooled;

    /** @param maxPooled buffers kept for reuse; more are allocated under load and left to the GC */
    public DirectBuffers(int maxPooled) {
        this.maxPooled = maxPooled;
    }

    /** @return a buffer of {@link #BUFFER_SIZE} bytes, contents undefined */
    public ByteBuffer take() {
        ByteBuffer buffer = free.poll();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        pooled.decrementAndGet();
        return buffer;
    }

    /** @param buffer a buffer from {@link #take()}, no longer used by the caller */
    public void give(ByteBuffer buffer) {
        if (pooled.incrementAndGet() <= maxPooled) {
            free.offer(buffer);
        } else {
            pooled.decrementAndGet();
        }
    }
}
