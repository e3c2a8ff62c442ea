package io.github.umdosgi.impl.driver;

import java.time.Duration;

/**
 * Deadlines on {@link System#nanoTime()}. Durations are saturated at about
 * 70 years, so a caller's "wait forever" ({@code Duration.ofSeconds(Long.MAX_VALUE)})
 * is honoured without the nanosecond arithmetic overflowing. Stateless.
 */
final class Deadlines {

    /** About 73 years: far beyond any real wait, far below overflow when added to nanoTime. */
    static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Deadlines() {
    }

    static long nanos(Duration duration) {
        try {
            return Math.min(duration.toNanos(), MAX_NANOS);
        } catch (ArithmeticException tooLong) {
            return MAX_NANOS;
        }
    }

    static long after(Duration duration) {
        return System.nanoTime() + nanos(duration);
    }
}
