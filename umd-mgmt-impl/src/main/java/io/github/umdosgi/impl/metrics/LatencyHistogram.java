package io.github.umdosgi.impl.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A log-linear histogram of durations in nanoseconds, for percentiles of call
 * round trips: values below 32 ns are kept exactly, larger ones in 16
 * sub-buckets per power of two, so a reported percentile is at most 1/16
 * (6.25 %) above the true value and never below it. Values from 2^40 ns
 * (about 18 minutes) up share the last bucket; {@link #max} stays exact.
 *
 * <p>Lock free: any number of threads may {@link #record} at once. Each
 * bucket, the count, the sum and the maximum are separate atomics updated
 * with one atomic add (the maximum with a compare-and-set loop that stops as
 * soon as the stored value is not smaller), so a recording never waits for
 * another. A reader adds the buckets up without stopping the writers: a
 * snapshot taken during calls may miss the calls recorded while it reads
 * (its count is taken from the buckets it read, so its percentiles are
 * consistent with themselves), and is exact once the calls stop.
 */
public final class LatencyHistogram {

    /** Sub-bucket bits: 16 sub-buckets per power of two. */
    private static final int SUB_BITS = 4;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    /** Values below this are their own bucket. */
    private static final long EXACT_LIMIT = 2L * SUB_COUNT;
    /** The highest exponent with buckets of its own; larger values go to the last bucket. */
    private static final int MAX_EXPONENT = 40;
    /** Buckets: the exact ones, then 16 per exponent from 5 to 40. */
    static final int BUCKETS = (int) EXACT_LIMIT + (MAX_EXPONENT - SUB_BITS) * SUB_COUNT;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /**
     * Records one duration.
     *
     * @param nanos the duration; a negative one (a clock that went back) counts as 0
     */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        buckets.incrementAndGet(bucketOf(value));
        sum.addAndGet(value);
        long seen = max.get();
        while (value > seen && !max.compareAndSet(seen, value)) {
            seen = max.get();
        }
    }

    /** @return the largest duration recorded, or 0 */
    public long max() {
        return max.get();
    }

    /** @return the bucket counts as of now, for percentiles */
    public Snapshot snapshot() {
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = buckets.get(i);
        }
        return new Snapshot(counts, sum.get(), max.get());
    }

    static int bucketOf(long value) {
        if (value < EXACT_LIMIT) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1);
        return (int) EXACT_LIMIT + (exponent - SUB_BITS - 1) * SUB_COUNT + sub;
    }

    /** The largest value that falls into a bucket. */
    static long highestIn(int bucket) {
        if (bucket < EXACT_LIMIT) {
            return bucket;
        }
        if (bucket == BUCKETS - 1) {
            return Long.MAX_VALUE;
        }
        int offset = bucket - (int) EXACT_LIMIT;
        int exponent = offset / SUB_COUNT + SUB_BITS + 1;
        long sub = offset % SUB_COUNT;
        long width = 1L << (exponent - SUB_BITS);
        return (1L << exponent) + sub * width + width - 1;
    }

    /**
     * The counts of one or more histograms at one moment; immutable. Merging
     * snapshots gives the driver's percentiles from its instances'.
     */
    public static final class Snapshot {

        /** A snapshot of nothing. */
        public static final Snapshot EMPTY = new Snapshot(new long[BUCKETS], 0, 0);

        private final long[] counts;
        private final long count;
        private final long sum;
        private final long max;

        private Snapshot(long[] counts, long sum, long max) {
            this.counts = counts;
            long total = 0;
            for (long c : counts) {
                total += c;
            }
            this.count = total;
            this.sum = sum;
            this.max = max;
        }

        /** @return how many durations were recorded */
        public long count() {
            return count;
        }

        /** @return the largest duration, ns, or 0 */
        public long max() {
            return max;
        }

        /** @return the mean duration, ns, or 0 when nothing was recorded */
        public double mean() {
            return count == 0 ? 0 : (double) sum / count;
        }

        /**
         * The duration that {@code fraction} of the recorded durations do not
         * exceed: the upper end of the bucket that holds it, capped at the
         * maximum, so never below the true value.
         *
         * @param fraction 0 to 1, e.g. 0.99
         * @return the duration, ns, or 0 when nothing was recorded
         * @throws IllegalArgumentException the fraction is outside 0 to 1
         */
        public long percentile(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("percentile fraction must be within 0 and 1, was " + fraction);
            }
            if (count == 0) {
                return 0;
            }
            // The rank of the wanted value, 1-based: at least the first value.
            long rank = Math.max(1, (long) Math.ceil(fraction * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(highestIn(i), max);
                }
            }
            return max;
        }

        /**
         * @param other another snapshot
         * @return the counts of both together
         */
        public Snapshot merge(Snapshot other) {
            long[] merged = counts.clone();
            for (int i = 0; i < merged.length; i++) {
                merged[i] += other.counts[i];
            }
            return new Snapshot(merged, sum + other.sum, Math.max(max, other.max));
        }
    }
}
