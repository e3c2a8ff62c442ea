package io.github.umdosgi.impl.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one wait of the manager's unit tests: processes start, exit and are
 * reaped, and threads drain pipes, asynchronously, so a test waits for the
 * condition with a deadline instead of sleeping a fixed time. Stateless.
 */
public final class Await {

    /** Long enough for a process to start, exit or be reaped on a loaded, shared machine. */
    public static final Duration SOON = Duration.ofSeconds(10);

    private Await() {
    }

    /**
     * Polls the condition until it holds or {@link #SOON} has passed.
     *
     * @param what the condition, named in the failure
     * @param condition polled every 10 ms
     * @throws AssertionError the deadline passed, or the waiting thread was interrupted
     */
    public static void await(String what, BooleanSupplier condition) {
        await(what, SOON, condition);
    }

    /**
     * Polls the condition until it holds or the timeout has passed.
     *
     * @param what the condition, named in the failure
     * @param timeout how long to wait at most
     * @param condition polled every 10 ms
     * @throws AssertionError the deadline passed, or the waiting thread was interrupted
     */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }
}
