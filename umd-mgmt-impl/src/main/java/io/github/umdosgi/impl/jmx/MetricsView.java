package io.github.umdosgi.impl.jmx;

import java.util.Map;

import io.github.umdosgi.impl.metrics.MetricsSnapshot;

/**
 * The {@link CallMetricsMXBean} getters over a fresh {@link MetricsSnapshot}
 * per read. Stateless: every getter reads the live counters again.
 */
abstract class MetricsView implements CallMetricsMXBean {

    /** @return the counters as of now */
    abstract MetricsSnapshot metrics();

    @Override
    public long getCalls() {
        return metrics().calls();
    }

    @Override
    public long getFailures() {
        return metrics().failures();
    }

    @Override
    public Map<String, Long> getFailuresByType() {
        return metrics().failuresByType();
    }

    @Override
    public long getHandlerStarts() {
        return metrics().starts();
    }

    @Override
    public long getBytesSent() {
        return metrics().bytesSent();
    }

    @Override
    public long getBytesReceived() {
        return metrics().bytesReceived();
    }

    @Override
    public double getLatencyMeanMicros() {
        return metrics().latency().mean() / 1000.0;
    }

    @Override
    public double getLatencyP50Micros() {
        return micros(0.50);
    }

    @Override
    public double getLatencyP90Micros() {
        return micros(0.90);
    }

    @Override
    public double getLatencyP99Micros() {
        return micros(0.99);
    }

    @Override
    public double getLatencyMaxMicros() {
        return metrics().latency().max() / 1000.0;
    }

    private double micros(double fraction) {
        return metrics().latency().percentile(fraction) / 1000.0;
    }
}
