package io.github.umdosgi.benchmarks;

import java.util.Arrays;

/**
 * Order statistics of a set of timing samples in nanoseconds. Percentiles use
 * the nearest-rank method: the p-th percentile is the smallest sample such
 * that at least p % of all samples are less than or equal to it, so it is
 * always a value that was really measured (the median of an even count is
 * the lower of the two middle samples).
 *
 * <p>Immutable.
 */
public final class Stats {

    private final long[] sorted;

    private Stats(long[] sorted) {
        this.sorted = sorted;
    }

    /**
     * @param samplesNanos the samples; copied, not modified
     * @return their statistics
     * @throws IllegalArgumentException no samples, or a negative one
     */
    public static Stats of(long[] samplesNanos) {
        if (samplesNanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] copy = samplesNanos.clone();
        Arrays.sort(copy);
        if (copy[0] < 0) {
            throw new IllegalArgumentException("negative sample: " + copy[0]);
        }
        return new Stats(copy);
    }

    /**
     * @param parts sample arrays, e.g. one per measurement round
     * @return the statistics of all of them together
     */
    public static Stats ofAll(long[]... parts) {
        int n = 0;
        for (long[] part : parts) {
            n += part.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return of(all);
    }

    /** @return the number of samples */
    public int count() {
        return sorted.length;
    }

    /**
     * @param p the percentile, above 0 and at most 100
     * @return the nearest-rank percentile in nanoseconds
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        long rank = (long) Math.ceil(p / 100.0 * sorted.length);
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** @return the median in nanoseconds */
    public long median() {
        return percentile(50);
    }

    /** @return the 99th percentile in nanoseconds */
    public long p99() {
        return percentile(99);
    }

    /** @return the smallest sample in nanoseconds */
    public long min() {
        return sorted[0];
    }

    /** @return the largest sample in nanoseconds */
    public long max() {
        return sorted[sorted.length - 1];
    }

    /** @return the arithmetic mean in nanoseconds */
    public double mean() {
        double sum = 0;
        for (long s : sorted) {
            sum += s;
        }
        return sum / sorted.length;
    }
}
