package io.github.umdosgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesAreMeasuredValues() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // 100..1, unsorted on purpose
        }
        Stats stats = Stats.of(samples);
        assertEquals(50, stats.median());
        assertEquals(99, stats.p99());
        assertEquals(100, stats.percentile(100));
        assertEquals(1, stats.percentile(0.5));
        assertEquals(1, stats.min());
        assertEquals(100, stats.max());
        assertEquals(50.5, stats.mean(), 1e-9);
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddle() {
        assertEquals(2, Stats.of(new long[] {4, 1, 3, 2}).median());
        assertEquals(7, Stats.of(new long[] {7}).median());
        assertEquals(7, Stats.of(new long[] {7}).p99());
    }

    @Test
    void p99OfFewSamplesIsTheLargest() {
        assertEquals(10, Stats.of(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).p99());
    }

    @Test
    void roundsAreCombined() {
        Stats stats = Stats.ofAll(new long[] {5, 1}, new long[] {3}, new long[] {2, 4});
        assertEquals(5, stats.count());
        assertEquals(3, stats.median());
    }

    @Test
    void inputIsNotModified() {
        long[] samples = {3, 1, 2};
        Stats.of(samples);
        assertEquals(3, samples[0]);
    }

    @Test
    void rejectsNothingAndNegativeSamplesAndBadPercentiles() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new long[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new long[] {1}).percentile(0));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new long[] {1}).percentile(101));
    }
}
