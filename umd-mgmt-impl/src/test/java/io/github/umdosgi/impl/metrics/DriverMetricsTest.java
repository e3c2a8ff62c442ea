package io.github.umdosgi.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.TransportException;

class DriverMetricsTest {

    @Test
    void theDriverSumsItsInstancesAndTheCallsThatReachedNone() {
        DriverMetrics metrics = new DriverMetrics();
        metrics.instance(0).started();
        metrics.instance(0).succeeded(2_000, 16, 32);
        metrics.instance(0).failed(9_000, new CallTimeoutException("d", "late"));
        metrics.instance(1).started();
        metrics.instance(1).succeeded(4_000, 100, 1);
        metrics.instance(1).failed(1_000, new TransportException("d", "gone", null));
        metrics.outside().failed(10, new DriverNotLoadedException("d", "not loaded"));

        MetricsSnapshot zero = metrics.instanceSnapshot(0);
        assertEquals(2, zero.calls());
        assertEquals(1, zero.failures());
        assertEquals(Map.of("CallTimeoutException", 1L), zero.failuresByType());
        assertEquals(1, zero.starts());
        assertEquals(16, zero.bytesSent());
        assertEquals(32, zero.bytesReceived());
        assertEquals(9_000, zero.latency().max());

        MetricsSnapshot total = metrics.snapshot();
        assertEquals(5, total.calls());
        assertEquals(3, total.failures());
        assertEquals(Map.of("CallTimeoutException", 1L, "TransportException", 1L, "DriverNotLoadedException", 1L),
                total.failuresByType());
        assertEquals(2, total.starts());
        assertEquals(116, total.bytesSent());
        assertEquals(33, total.bytesReceived());
        assertEquals(5, total.latency().count());
        assertEquals(9_000, total.latency().max());
    }

    @Test
    void anUnusedInstanceHasNothingAndOneSlotIsOneObject() {
        DriverMetrics metrics = new DriverMetrics();
        assertSame(MetricsSnapshot.EMPTY, metrics.instanceSnapshot(3));
        assertSame(MetricsSnapshot.EMPTY, metrics.instanceSnapshot(DriverMetrics.MAX_INSTANCES));
        assertSame(metrics.instance(3), metrics.instance(3));
    }
}
