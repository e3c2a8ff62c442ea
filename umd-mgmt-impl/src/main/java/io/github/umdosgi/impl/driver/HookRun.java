package io.github.umdosgi.impl.driver;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.HandlerChannel;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;

/**
 * One run of a post-start hook. The hook runs on a hook thread, so that the
 * start timeout bounds it even when it blocks outside its channel; every
 * exchange it asks for is carried out by the starting thread, which holds the
 * instance's lock throughout. So all pipe I/O of an instance happens under
 * its lock, as for calls, and an unload can end the wait at once
 * ({@link #abandon}) instead of waiting out a hook that ignores interrupts.
 *
 * <p>Concurrency: {@link #inbox} is the only way between the two threads
 * (and the closing thread): the hook posts exchanges and its outcome, close
 * posts {@link #ABANDONED}; only the starting thread takes from it.
 * {@link #over} is set once by the starting thread when it stops serving.
 */
final class HookRun {

    /** The pipe I/O of one exchange, done by the lock holder. */
    @FunctionalInterface
    interface Exchange {
        byte[] run(byte[] request) throws UmdException;
    }

    private static final Object DONE = new Object();
    private static final Object ABANDONED = new Object();

    private record Request(byte[] payload, CompletableFuture<byte[]> reply) {
    }

    private record Threw(Throwable failure) {
    }

    private final String driver;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private volatile boolean over;
    private volatile boolean began;

    HookRun(String driver) {
        this.driver = driver;
    }

    /** Ends {@link #run} early: the instance is being closed. Any thread. */
    void abandon() {
        inbox.add(ABANDONED);
    }

    /**
     * Runs the hook and serves its exchanges until it returns; the caller holds the instance's lock.
     *
     * @param hook the hook
     * @param hooks the bounded pool of hook threads
     * @param exchange one request/reply on the new handler
     * @param deadline the start deadline, on {@link System#nanoTime()}
     * @param timeoutMillis the start timeout, for the message
     * @throws HandlerStartException the hook failed, overran the deadline or was abandoned
     */
    void run(PostStartHook hook, ExecutorService hooks, Exchange exchange, long deadline, long timeoutMillis)
            throws HandlerStartException {
        Future<?> task;
        try {
            task = hooks.submit(() -> runHook(hook));
        } catch (RejectedExecutionException e) {
            throw new HandlerStartException(driver, "post-start hook not run: the manager is shutting down", e);
        }
        try {
            serve(exchange, deadline, timeoutMillis);
        } finally {
            over = true;
            task.cancel(true);
            failPending();
        }
    }

    private void runHook(PostStartHook hook) {
        began = true;
        try {
            hook.afterStart(new Channel());
            inbox.add(DONE);
        } catch (Throwable e) {
            inbox.add(new Threw(e));
        }
    }

    private void serve(Exchange exchange, long deadline, long timeoutMillis) throws HandlerStartException {
        String timedOut = "post-start hook timed out after " + timeoutMillis + " ms";
        for (;;) {
            Object next;
            try {
                next = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HandlerStartException(driver, "interrupted during the post-start hook", e);
            }
            if (next == null) {
                throw new HandlerStartException(driver, timedOut + (began ? " (the hook did not return)"
                        : " (no hook thread became free: hooks that ignore interrupts hold them)"));
            }
            if (next == DONE) {
                return;
            }
            if (next == ABANDONED) {
                throw new HandlerStartException(driver, "driver was unloaded during the post-start hook");
            }
            if (next instanceof Threw threw) {
                Throwable e = threw.failure();
                if (e instanceof CallTimeoutException) {
                    throw new HandlerStartException(driver, timedOut, e);
                }
                throw new HandlerStartException(driver, "post-start hook failed: " + e.getMessage(), e);
            }
            Request request = (Request) next;
            try {
                request.reply().complete(exchange.run(request.payload()));
            } catch (UmdException | RuntimeException e) {
                request.reply().completeExceptionally(e);
            }
        }
    }

    /** Requests that arrived after the starting thread stopped serving get an answer all the same. */
    private void failPending() {
        for (Object left; (left = inbox.poll()) != null;) {
            if (left instanceof Request request) {
                request.reply().completeExceptionally(used());
            }
        }
    }

    private TransportException used() {
        return new TransportException(driver, "post-start channel used after the hook returned");
    }

    /** The hook's view: each call is handed to the lock holder and waited for. */
    private final class Channel implements HandlerChannel {
        @Override
        public String driverName() {
            return driver;
        }

        @Override
        public byte[] call(byte[] request) throws UmdException {
            Objects.requireNonNull(request, "request");
            if (over) {
                throw used();
            }
            Request pending = new Request(request.clone(), new CompletableFuture<>());
            inbox.add(pending);
            if (over) {
                // The server may have stopped between the check and the add; answer for it.
                failPending();
            }
            try {
                return pending.reply().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UmdException u) {
                    throw u;
                }
                throw new TransportException(driver, "post-start exchange failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(driver, "post-start hook interrupted (start timeout or unload)", e);
            }
        }
    }

    /** @return a request payload as a buffer, for the exchange */
    static ByteBuffer wrap(byte[] request) {
        return ByteBuffer.wrap(request);
    }
}
