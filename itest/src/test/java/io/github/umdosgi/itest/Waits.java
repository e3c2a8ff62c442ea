package io.github.umdosgi.itest;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling waits and hang-proof calls. Process exits are reaped and reported asynchronously, so
 * tests wait for a condition with a deadline instead of asserting it at once or timing anything.
 */
public final class Waits {

    /** How long asynchronous effects (exit detection, reaping, deletion) may take. */
    public static final Duration SOON = Duration.ofSeconds(5);

    /** Upper bound for one operation that must not hang. */
    public static final Duration NO_HANG = Duration.ofSeconds(30);

    private Waits() {
    }

    /**
     * Waits until the condition holds.
     *
     * @throws AssertionError naming {@code what} when the deadline passes
     */
    public static void waitFor(String what, Duration timeout, BooleanSupplier condition) {
        waitFor(what, timeout, () -> condition.getAsBoolean(), ok -> ok);
    }

    /**
     * Samples a value until it satisfies the predicate and returns that value.
     *
     * @throws AssertionError naming {@code what} and the last sample when the deadline passes
     */
    public static <T> T waitFor(String what, Duration timeout, Supplier<T> sample, Predicate<? super T> ok) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = sample.get();
            if (ok.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
                        + "; last seen: " + value);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /**
     * Runs the action in another thread and expects it to throw {@code type} within
     * {@link #NO_HANG}: a manager that hangs fails the test instead of blocking the build.
     *
     * @return the exception, for further checks
     */
    public static <E extends Throwable> E expectThrows(Class<E> type, String what, Callable<?> action) {
        Object result;
        try {
            result = runBounded(what, action);
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            AssertionError e = new AssertionError(what + ": expected " + type.getSimpleName() + " but got " + t);
            e.initCause(t);
            throw e;
        }
        throw new AssertionError(what + ": expected " + type.getSimpleName() + " but it returned " + describe(result));
    }

    /**
     * Runs the action in another thread, waiting at most {@link #NO_HANG}.
     *
     * @return what the action returned
     * @throws Exception what the action threw
     * @throws AssertionError when it did not finish in time
     */
    public static <T> T runBounded(String what, Callable<T> action) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "itest-bounded");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<T> future = executor.submit(action);
            try {
                return future.get(NO_HANG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw e;
            } catch (TimeoutException e) {
                future.cancel(true);
                throw new AssertionError(what + ": did not return within " + NO_HANG.toSeconds() + " s (hang)");
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static String describe(Object result) {
        if (result instanceof byte[]) {
            return "a reply of " + ((byte[]) result).length + " bytes";
        }
        return String.valueOf(result);
    }
}
