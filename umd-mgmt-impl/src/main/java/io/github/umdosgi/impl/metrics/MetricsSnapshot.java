package io.github.umdosgi.impl.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link CallMetrics} counted, at one moment; several add up to a
 * driver's. Immutable.
 *
 * @param calls calls that ended, with a reply or a typed error
 * @param failures calls that ended with a typed error
 * @param failuresByType failures by the simple name of the exception class, e.g. {@code CallTimeoutException}
 * @param starts handler processes started
 * @param bytesSent request payload bytes of the calls that got a reply
 * @param bytesReceived reply payload bytes
 * @param latency the round trips of every call that ended
 */
public record MetricsSnapshot(long calls, long failures, Map<String, Long> failuresByType, long starts,
        long bytesSent, long bytesReceived, LatencyHistogram.Snapshot latency) {

    /** Nothing counted. */
    public static final MetricsSnapshot EMPTY = new MetricsSnapshot(0, 0, Map.of(), 0, 0, 0,
            LatencyHistogram.Snapshot.EMPTY);

    /** @param failuresByType copied, sorted by name */
    public MetricsSnapshot {
        failuresByType = Collections.unmodifiableMap(new TreeMap<>(failuresByType));
    }

    /**
     * @param other another snapshot
     * @return both added up
     */
    public MetricsSnapshot plus(MetricsSnapshot other) {
        Map<String, Long> types = new TreeMap<>(failuresByType);
        other.failuresByType.forEach((type, count) -> types.merge(type, count, Long::sum));
        return new MetricsSnapshot(calls + other.calls, failures + other.failures, types, starts + other.starts,
                bytesSent + other.bytesSent, bytesReceived + other.bytesReceived, latency.merge(other.latency));
    }
}
