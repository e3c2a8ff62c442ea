package io.github.umdosgi.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a driver restarts handlers that died, in the style of an OTP
 * supervisor: more than {@code intensity} restarts within {@code period} put
 * the driver in {@link DriverState#FAILED} state, and it stops restarting
 * until an operator restarts it or its bundle restarts. Consecutive restarts
 * without a successful call in between wait an exponential backoff: none for
 * the first, then {@code backoffBase}, doubling up to {@code backoffMax}.
 *
 * @param intensity restarts allowed within {@code period}; at least 0
 * @param period the sliding window; positive
 * @param backoffBase the wait before the second consecutive restart; zero or positive
 * @param backoffMax the longest wait; at least {@code backoffBase}
 */
public record RestartPolicy(int intensity, Duration period, Duration backoffBase, Duration backoffMax) {

    /** 10 restarts within 10 seconds, backoff from 10 ms up to 1 s. */
    public static final RestartPolicy DEFAULT =
            new RestartPolicy(10, Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofSeconds(1));

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException naming the component that is wrong
     */
    public RestartPolicy {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (intensity < 0) {
            throw new IllegalArgumentException("restart intensity must not be negative: " + intensity);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("restart period must be positive: " + period);
        }
        if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= base <= max: " + backoffBase + ", " + backoffMax);
        }
    }

    /**
     * @param restarts restarts allowed within the period
     * @param window the period
     * @return a copy with that intensity and period
     */
    public RestartPolicy withIntensity(int restarts, Duration window) {
        return new RestartPolicy(restarts, window, backoffBase, backoffMax);
    }

    /**
     * @param base the first backoff
     * @param max the longest backoff
     * @return a copy with that backoff
     */
    public RestartPolicy withBackoff(Duration base, Duration max) {
        return new RestartPolicy(intensity, period, base, max);
    }
}
