package io.github.umdosgi.itest.faults;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an action in its own daemon thread and waits a bounded time for it, like
 * {@code Waits.runBounded} but with a caller-chosen bound and without throwing: for cases where a
 * hang is the suspected bug, so the test can report it and clean up (kill what blocks the manager)
 * soon after instead of waiting 30 s.
 */
final class Bounded {

    private final CompletableFuture<Object> result = new CompletableFuture<>();

    private Bounded() {
    }

    /** Starts the action in a new daemon thread. */
    static Bounded start(String name, Callable<?> action) {
        Bounded b = new Bounded();
        Thread thread = new Thread(() -> {
            try {
                b.result.complete(action.call());
            } catch (Throwable t) {
                b.result.completeExceptionally(t);
            }
        }, "itest-bounded-" + name);
        thread.setDaemon(true);
        thread.start();
        return b;
    }

    /**
     * Waits at most {@code bound}.
     *
     * @return whether the action finished
     */
    boolean await(Duration bound) {
        try {
            result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What the action threw, or null (also while it runs). */
    Throwable thrown() {
        if (!result.isCompletedExceptionally()) {
            return null;
        }
        try {
            result.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    /** What the action returned, or null. */
    Object value() {
        return result.isDone() && !result.isCompletedExceptionally() ? result.join() : null;
    }

    /** For assertion messages. */
    String describe() {
        if (!result.isDone()) {
            return "still running (hang)";
        }
        Throwable t = thrown();
        Object v = value();
        return t != null ? "threw " + t
                : "returned " + (v instanceof byte[] ? "'" + FaultTestSupport.text((byte[]) v) + "'" : v);
    }
}
