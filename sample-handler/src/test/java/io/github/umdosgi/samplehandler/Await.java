package io.github.umdosgi.samplehandler;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: processes start, hop and die asynchronously. */
final class Await {

    /** Long enough for a process to start, exit or be reaped on a loaded machine. */
    static final Duration SOON = Duration.ofSeconds(10);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, condition::getAsBoolean, ok -> ok);
    }

    /** Samples until the value satisfies ok and returns it; fails naming what and the last sample. */
    static <T> T until(String what, Supplier<T> sample, Predicate<? super T> ok) {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (true) {
            T value = sample.get();
            if (ok.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + SOON.toMillis() + " ms waiting for: " + what
                        + "; last seen: " + value);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
