package io.github.umdosgi.impl.process;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of scratch buffers for framed pipe I/O, shared by all
 * handlers. A call borrows one pair for its duration, so the memory grows
 * with the number of calls in flight, not with the number of drivers: an idle
 * driver holds none.
 *
 * <p>Thread safe: the queue is lock-free and {@code pooled} only counts.
 */
public final class ScratchBuffers {

    /**
     * One call's scratch space: a heap buffer of {@link #HEAD_SIZE} bytes for
     * the header and small payloads, moved by the JDK's stream calls, which
     * copy up to 8 KiB through the C stack without allocating; and a direct
     * buffer of {@link #BULK_SIZE} bytes for large payloads of heap arrays,
     * allocated on first use, so small calls never pay for one. Confined to
     * the call that took it.
     */
    public static final class Scratch {
        private final ByteBuffer head = ByteBuffer.allocate(HEAD_SIZE);
        private ByteBuffer bulk;

        /** @return the small heap buffer */
        public ByteBuffer head() {
            return head;
        }

        /** @return the large direct buffer */
        public ByteBuffer bulk() {
            if (bulk == null) {
                bulk = ByteBuffer.allocateDirect(BULK_SIZE);
            }
            return bulk;
        }
    }

    /** The JDK's stream calls copy up to this many bytes through a stack buffer. */
    public static final int HEAD_SIZE = 8 << 10;

    /** Matches the default pipe capacity: one read or write call moves a full pipe. */
    public static final int BULK_SIZE = 64 << 10;

    private final ConcurrentLinkedQueue<Scratch> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private final int maxPooled;

    /** @param maxPooled pairs kept for reuse; more are allocated under load and left to the GC */
    public ScratchBuffers(int maxPooled) {
        this.maxPooled = maxPooled;
    }

    /** @return a pair, contents undefined */
    public Scratch take() {
        Scratch scratch = free.poll();
        if (scratch == null) {
            return new Scratch();
        }
        pooled.decrementAndGet();
        return scratch;
    }

    /** @param scratch a pair from {@link #take()}, no longer used by the caller */
    public void give(Scratch scratch) {
        if (pooled.incrementAndGet() <= maxPooled) {
            free.offer(scratch);
        } else {
            pooled.decrementAndGet();
        }
    }
}
