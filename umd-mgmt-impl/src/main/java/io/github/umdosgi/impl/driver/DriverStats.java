package io.github.umdosgi.impl.driver;

import java.util.concurrent.atomic.LongAdder;

/**
 * A driver's counters and its last call error, for operators. Kept apart
 * from the lifecycle: nothing here decides anything.
 *
 * <p>Thread safe without a lock: the counters are adders; {@link #lastError}
 * is volatile and the latest write wins.
 */
final class DriverStats {

    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder starts = new LongAdder();
    private volatile String lastError;

    void succeeded() {
        calls.increment();
    }

    /** @param reason the handler's failure, or null when the call never reached a handler */
    void failed(String reason) {
        failures.increment();
        if (reason != null) {
            lastError = reason;
        }
    }

    void started() {
        starts.increment();
    }

    /** @param reason the latest problem that did not fail a call (a handler's exit, a protocol breach) */
    void noted(String reason) {
        lastError = reason;
    }

    /** A new load begins: its counters start from zero (a bundle update is a new load). */
    void reset() {
        calls.reset();
        failures.reset();
        starts.reset();
    }

    /** A load succeeded: older errors no longer describe the driver. */
    void clearError() {
        lastError = null;
    }

    long calls() {
        return calls.sum();
    }

    long failures() {
        return failures.sum();
    }

    long starts() {
        return starts.sum();
    }

    String lastError() {
        return lastError;
    }
}
