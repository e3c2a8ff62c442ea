package io.github.umdosgi.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyHistogramReportsZeros() {
        LatencyHistogram.Snapshot snapshot = new LatencyHistogram().snapshot();
        assertEquals(0, snapshot.count());
        assertEquals(0, snapshot.percentile(0.99));
        assertEquals(0, snapshot.max());
        assertEquals(0.0, snapshot.mean());
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 20; v++) {
            histogram.record(v);
        }
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(20, snapshot.count());
        assertEquals(10, snapshot.percentile(0.50));
        assertEquals(18, snapshot.percentile(0.90));
        assertEquals(20, snapshot.percentile(1.0));
        assertEquals(1, snapshot.percentile(0.0));
        assertEquals(10.5, snapshot.mean(), 1e-9);
    }

    @Test
    void percentilesOfRandomDurationsAreWithinOneSixteenthAboveTheTrueValue() {
        Random random = new Random(42);
        LatencyHistogram histogram = new LatencyHistogram();
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            // log-uniform from 1 us to 100 ms, as round trips spread
            values[i] = (long) Math.pow(10, 3 + 5 * random.nextDouble());
            histogram.record(values[i]);
        }
        Arrays.sort(values);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        for (double fraction : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long truth = values[(int) Math.ceil(fraction * values.length) - 1];
            long reported = snapshot.percentile(fraction);
            assertTrue(reported >= truth, fraction + ": " + reported + " below the true " + truth);
            assertTrue(reported <= truth + truth / 16, fraction + ": " + reported + " too far above " + truth);
        }
        assertEquals(values[values.length - 1], snapshot.max());
        assertEquals(values[values.length - 1], snapshot.percentile(1.0));
    }

    @Test
    void everyBucketHoldsExactlyTheValuesBetweenItsNeighbours() {
        for (int bucket = 1; bucket < LatencyHistogram.BUCKETS - 1; bucket++) {
            long highest = LatencyHistogram.highestIn(bucket);
            assertEquals(bucket, LatencyHistogram.bucketOf(highest), "highest of " + bucket);
            assertEquals(bucket + 1, LatencyHistogram.bucketOf(highest + 1), "one above " + bucket);
        }
    }

    @Test
    void hugeAndNegativeValuesAreKeptInRange() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(Long.MAX_VALUE);
        histogram.record(-5);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(2, snapshot.count());
        assertEquals(0, snapshot.percentile(0.5));
        assertEquals(Long.MAX_VALUE, snapshot.percentile(1.0));
    }

    @Test
    void mergedSnapshotsEqualOneHistogramOfAllValues() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram all = new LatencyHistogram();
        for (long v = 1_000; v < 200_000; v += 997) {
            (v % 2 == 0 ? a : b).record(v);
            all.record(v);
        }
        LatencyHistogram.Snapshot merged = a.snapshot().merge(b.snapshot());
        LatencyHistogram.Snapshot whole = all.snapshot();
        assertEquals(whole.count(), merged.count());
        assertEquals(whole.max(), merged.max());
        assertEquals(whole.mean(), merged.mean(), 1e-9);
        for (double fraction : new double[] {0.1, 0.5, 0.9, 0.99}) {
            assertEquals(whole.percentile(fraction), merged.percentile(fraction));
        }
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        int threads = 4;
        int each = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = t;
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    histogram.record(1_000 + (i % 1000) * 10 + offset);
                }
            });
            worker.start();
            workers.add(worker);
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals((long) threads * each, snapshot.count());
        assertEquals(1_000 + 999 * 10 + threads - 1, snapshot.max());
        double mean = 1_000 + 4_995 + (threads - 1) / 2.0;
        assertEquals(mean, snapshot.mean(), 1e-6);
    }

    @Test
    void aFractionOutsideZeroToOneIsRefused() {
        LatencyHistogram.Snapshot snapshot = new LatencyHistogram().snapshot();
        assertThrows(IllegalArgumentException.class, () -> snapshot.percentile(1.5));
        assertThrows(IllegalArgumentException.class, () -> snapshot.percentile(Double.NaN));
    }
}
