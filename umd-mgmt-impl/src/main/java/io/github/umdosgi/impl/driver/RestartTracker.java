package io.github.umdosgi.impl.driver;

import java.util.ArrayDeque;

import io.github.umdosgi.api.RestartPolicy;

/**
 * Applies a {@link RestartPolicy} to one load of a driver: counts restarts in
 * a sliding window and computes the backoff before the next one.
 *
 * <p>Guarded by its own monitor; instances of one driver share it.
 */
final class RestartTracker {

    /** Returned by {@link #admit} when the intensity is exceeded. */
    static final long REFUSED = -1;

    private final RestartPolicy policy;
    private final ArrayDeque<Long> recent = new ArrayDeque<>();
    private int consecutive;

    RestartTracker(RestartPolicy policy) {
        this.policy = policy;
    }

    /**
     * Records a restart about to happen.
     *
     * @param now {@link System#nanoTime()}
     * @return the backoff to wait first in nanoseconds, or {@link #REFUSED}
     */
    synchronized long admit(long now) {
        long windowStart = now - Deadlines.nanos(policy.period());
        while (!recent.isEmpty() && recent.peekFirst() - windowStart < 0) {
            recent.removeFirst();
        }
        if (recent.size() >= policy.intensity()) {
            return REFUSED;
        }
        recent.addLast(now);
        consecutive++;
        if (consecutive <= 1) {
            return 0;
        }
        long max = Deadlines.nanos(policy.backoffMax());
        long backoff = Deadlines.nanos(policy.backoffBase());
        // Double by steps, stopping at the maximum, so the wait can never overflow to a shorter one.
        for (int i = 2; i < consecutive && backoff < max && backoff > 0; i++) {
            backoff = backoff > max / 2 ? max : backoff * 2;
        }
        return Math.min(backoff, max);
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return the restarts admitted within the policy's period before {@code now}
     */
    synchronized int recent(long now) {
        long windowStart = now - Deadlines.nanos(policy.period());
        return (int) recent.stream().filter(at -> at - windowStart >= 0).count();
    }

    /** A call succeeded: the next restart is a first one again, without backoff. */
    synchronized void succeeded() {
        consecutive = 0;
    }

    RestartPolicy policy() {
        return policy;
    }
}
