package io.github.umdosgi.impl.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one handler instance slot (or of the calls of a driver
 * that never reached an instance): calls, failures by exception type,
 * handler starts, payload bytes and the latency histogram.
 *
 * <p>Written by the calling threads without a lock: the counters are
 * {@link LongAdder}s, the failure types a {@link ConcurrentHashMap} of
 * adders (touched only on the failure path), the histogram is lock free and
 * created on the first call (an idle driver does not pay for its buckets).
 * Readers sum them as they go; see {@link LatencyHistogram} for what a read
 * during calls sees.
 */
public final class CallMetrics {

    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final ConcurrentHashMap<Class<?>, LongAdder> failuresByType = new ConcurrentHashMap<>();
    private final LongAdder starts = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final AtomicReference<LatencyHistogram> latency = new AtomicReference<>();

    /**
     * A call returned a reply.
     *
     * @param nanos its round trip, as the caller saw it
     * @param sent request payload bytes
     * @param received reply payload bytes
     */
    public void succeeded(long nanos, long sent, long received) {
        calls.increment();
        bytesSent.add(sent);
        bytesReceived.add(received);
        histogram().record(nanos);
    }

    /**
     * A call ended with a typed error.
     *
     * @param nanos how long it took
     * @param failure what it threw
     */
    public void failed(long nanos, Throwable failure) {
        calls.increment();
        failures.increment();
        failuresByType.computeIfAbsent(failure.getClass(), type -> new LongAdder()).increment();
        histogram().record(nanos);
    }

    /** A handler process was started in this slot. */
    public void started() {
        starts.increment();
    }

    private LatencyHistogram histogram() {
        LatencyHistogram histogram = latency.get();
        if (histogram == null) {
            latency.compareAndSet(null, new LatencyHistogram());
            histogram = latency.get();
        }
        return histogram;
    }

    /** @return the counters as of now */
    public MetricsSnapshot snapshot() {
        Map<String, Long> types = new TreeMap<>();
        failuresByType.forEach((type, count) -> types.merge(type.getSimpleName(), count.sum(), Long::sum));
        LatencyHistogram histogram = latency.get();
        return new MetricsSnapshot(calls.sum(), failures.sum(), types, starts.sum(), bytesSent.sum(),
                bytesReceived.sum(), histogram == null ? LatencyHistogram.Snapshot.EMPTY : histogram.snapshot());
    }
}
