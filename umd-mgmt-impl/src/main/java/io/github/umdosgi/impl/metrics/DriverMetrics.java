package io.github.umdosgi.impl.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The metrics of one driver: one {@link CallMetrics} per instance index,
 * kept across restarts and reloads (an index is the same slot whatever
 * handler runs in it), and one for the calls that never reached an instance
 * (the driver was not loaded, the request too large, no instance free).
 * Counted since the manager first knew the driver.
 *
 * <p>Lock free: a slot is created on first use with a compare-and-set, so
 * two threads that race for it end up with the same one.
 */
public final class DriverMetrics {

    /** As many instance slots as a driver may have ({@code instances} is 1 to 64). */
    public static final int MAX_INSTANCES = 64;

    private final AtomicReferenceArray<CallMetrics> instances = new AtomicReferenceArray<>(MAX_INSTANCES);
    private final CallMetrics outside = new CallMetrics();

    /**
     * @param index an instance index, 0 to {@link #MAX_INSTANCES} - 1
     * @return that instance's metrics, created when new
     */
    public CallMetrics instance(int index) {
        CallMetrics metrics = instances.get(index);
        if (metrics == null) {
            instances.compareAndSet(index, null, new CallMetrics());
            metrics = instances.get(index);
        }
        return metrics;
    }

    /** @return the metrics of calls that reached no instance */
    public CallMetrics outside() {
        return outside;
    }

    /**
     * @param index an instance index
     * @return that instance's counters, or {@link MetricsSnapshot#EMPTY} when it was never used
     */
    public MetricsSnapshot instanceSnapshot(int index) {
        CallMetrics metrics = index >= 0 && index < MAX_INSTANCES ? instances.get(index) : null;
        return metrics == null ? MetricsSnapshot.EMPTY : metrics.snapshot();
    }

    /** @return the whole driver's counters: every instance and the calls outside them */
    public MetricsSnapshot snapshot() {
        MetricsSnapshot total = outside.snapshot();
        for (int i = 0; i < MAX_INSTANCES; i++) {
            CallMetrics metrics = instances.get(i);
            if (metrics != null) {
                total = total.plus(metrics.snapshot());
            }
        }
        return total;
    }
}
