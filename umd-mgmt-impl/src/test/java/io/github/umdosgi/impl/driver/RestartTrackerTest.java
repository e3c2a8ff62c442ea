package io.github.umdosgi.impl.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.RestartPolicy;

class RestartTrackerTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /** An arbitrary origin, negative on purpose: nanoTime values may be. */
    private static final long T0 = -123_456_789_000L;

    private static RestartPolicy policy(int intensity, Duration period, Duration base, Duration max) {
        return new RestartPolicy(intensity, period, base, max);
    }

    @Test
    void firstRestartHasNoBackoffThenItDoublesUpToTheMaximum() {
        RestartTracker tracker = new RestartTracker(policy(100, Duration.ofHours(1),
                Duration.ofMillis(10), Duration.ofMillis(100)));
        long now = T0;
        assertEquals(0, tracker.admit(now++));
        assertEquals(10 * MS, tracker.admit(now++));
        assertEquals(20 * MS, tracker.admit(now++));
        assertEquals(40 * MS, tracker.admit(now++));
        assertEquals(80 * MS, tracker.admit(now++));
        assertEquals(100 * MS, tracker.admit(now++));
        for (int i = 0; i < 50; i++) {
            assertEquals(100 * MS, tracker.admit(now++), "capped at the maximum, restart " + i);
        }
    }

    @Test
    void aSuccessfulCallResetsTheBackoff() {
        RestartTracker tracker = new RestartTracker(policy(100, Duration.ofHours(1),
                Duration.ofMillis(10), Duration.ofSeconds(1)));
        assertEquals(0, tracker.admit(T0));
        assertEquals(10 * MS, tracker.admit(T0 + 1));
        tracker.succeeded();
        assertEquals(0, tracker.admit(T0 + 2));
        assertEquals(10 * MS, tracker.admit(T0 + 3));
    }

    @Test
    void moreThanIntensityRestartsWithinThePeriodAreRefused() {
        RestartTracker tracker = new RestartTracker(policy(3, Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO));
        assertEquals(0, tracker.admit(T0));
        assertEquals(0, tracker.admit(T0 + 1 * S));
        assertEquals(0, tracker.admit(T0 + 2 * S));
        assertEquals(RestartTracker.REFUSED, tracker.admit(T0 + 3 * S));
        assertEquals(RestartTracker.REFUSED, tracker.admit(T0 + 9 * S));
        // The window slides: at T0 + 10 s + 1 ns the first restart has left it.
        assertEquals(0, tracker.admit(T0 + 10 * S + 1));
        assertEquals(RestartTracker.REFUSED, tracker.admit(T0 + 10 * S + 2));
        // After a whole quiet period, the full intensity is available again.
        long later = T0 + 100 * S;
        assertEquals(0, tracker.admit(later));
        assertEquals(0, tracker.admit(later + 1));
        assertEquals(0, tracker.admit(later + 2));
        assertEquals(RestartTracker.REFUSED, tracker.admit(later + 3));
    }

    @Test
    void refusedRestartsDoNotCountAgainstTheWindow() {
        RestartTracker tracker = new RestartTracker(policy(1, Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO));
        assertEquals(0, tracker.admit(T0));
        for (int i = 1; i < 10; i++) {
            assertEquals(RestartTracker.REFUSED, tracker.admit(T0 + i * S));
        }
        assertEquals(0, tracker.admit(T0 + 10 * S + 1), "only the admitted restart at T0 counted");
    }

    @Test
    void intensityZeroRefusesEveryRestart() {
        RestartTracker tracker = new RestartTracker(policy(0, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO));
        assertEquals(RestartTracker.REFUSED, tracker.admit(T0));
        assertEquals(RestartTracker.REFUSED, tracker.admit(T0 + 100 * S));
    }

    @Test
    void defaultPolicyAllowsTenRestartsInTenSeconds() {
        RestartTracker tracker = new RestartTracker(RestartPolicy.DEFAULT);
        for (int i = 0; i < 10; i++) {
            tracker.succeeded();
            assertEquals(0, tracker.admit(T0 + i * MS));
        }
        assertEquals(RestartTracker.REFUSED, tracker.admit(T0 + 10 * MS));
        assertEquals(RestartPolicy.DEFAULT, tracker.policy());
    }

    @Test
    void backoffNeverWrapsAroundToAShorterWait() {
        // A base of 2^35 ns (about 34 s) shifted left 29 or 30 times leaves the long range.
        Duration base = Duration.ofNanos(1L << 35);
        Duration max = Duration.ofDays(365);
        RestartTracker tracker = new RestartTracker(policy(1000, Duration.ofDays(1), base, max));
        long previous = -1;
        for (int i = 0; i < 40; i++) {
            long backoff = tracker.admit(T0 + i);
            assertTrue(backoff >= previous, "restart " + i + ": backoff " + backoff
                    + " ns is shorter than the previous " + previous + " ns");
            assertTrue(backoff <= max.toNanos());
            previous = backoff;
        }
        assertEquals(max.toNanos(), previous);
    }
}
