package io.github.umdosgi.impl.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.HandlerChannel;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.frame.FrameTooLargeException;
import io.github.umdosgi.impl.frame.ReplyDiscardedException;
import io.github.umdosgi.impl.frame.ReplyTarget;
import io.github.umdosgi.impl.process.HandlerProcess;
import io.github.umdosgi.impl.process.Launch;
import io.github.umdosgi.impl.sandbox.SandboxUnavailableException;

/**
 * One handler process slot of a loaded driver, with the kernel's
 * {@code umd_mgmt_send_recv} semantics: calls are serialised by one lock; a
 * call that finds the handler gone starts a new one; any transport error
 * shuts the handler down and is returned to the caller.
 *
 * <p>Concurrency: {@link #lock} serialises calls, starts and shutdowns and
 * guards {@link #process}, which is volatile only so that snapshots and
 * {@link #kill()} can read it without the lock. {@link #closed} is set once
 * by unload.
 */
final class HandlerInstance {

    private final Driver driver;
    private final int index;
    private final DriverDescriptor descriptor;
    private final HandlerBlob blob;
    private final PostStartHook hook;
    private final DriverServices services;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile HandlerProcess process;
    private volatile boolean closed;
    // The process an operator killed: its restart is not a failure, so the restart policy skips it.
    private volatile HandlerProcess operatorKilled;
    private final AtomicLong calls = new AtomicLong();
    // Set when the first request reaches this instance: from then on a death is the call's business.
    private volatile boolean called;
    private final AtomicLong starts = new AtomicLong();

    HandlerInstance(Driver driver, int index, DriverDescriptor descriptor, HandlerBlob blob,
            PostStartHook hook, DriverServices services) {
        this.driver = driver;
        this.index = index;
        this.descriptor = descriptor;
        this.blob = blob;
        this.hook = hook;
        this.services = services;
    }

    /** @return this instance's index within its driver */
    int index() {
        return index;
    }

    // ---- lock ownership, chosen by the driver's dispatcher ----

    boolean tryAcquire() {
        return lock.tryLock();
    }

    void acquire(long deadline) throws UmdException {
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new CallTimeoutException(driver.name(), "no handler instance became free within the call timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(driver.name(), "interrupted while waiting for a handler instance", e);
        }
    }

    void release() {
        lock.unlock();
    }

    // ---- the call path; the caller holds the lock ----

    /**
     * Sends one request and returns its reply, starting the handler first if
     * it is not running. The request buffer is left as it was: every attempt
     * sends a duplicate.
     */
    ByteBuffer sendRecv(ByteBuffer request, ReplyTarget target, long deadline) throws UmdException {
        if (closed) {
            throw new TransportException(driver.name(), "driver was unloaded");
        }
        if (Thread.currentThread().isInterrupted()) {
            // The pipes are interruptible channels: going on would close them and cost the handler.
            throw new TransportException(driver.name(), "the calling thread is interrupted; nothing was sent");
        }
        HandlerProcess current = process;
        if (current != null && current.isAlive() && current.hasUnsolicitedOutput()) {
            // Output between calls belongs to no caller: drop the handler so that no stale
            // frame can ever be read as this caller's reply, then serve the caller afresh.
            driver.protocolViolation("handler " + current.label() + " wrote output nobody asked for; it was killed");
            shutdown();
            current = null;
        }
        // Killed counts as dead at once: the JDK may not have reaped it yet.
        if (current == null || !current.isAlive() || current.killedByUs()) {
            if (current != null) {
                shutdown();
            }
            if (current == null || current != operatorKilled) {
                driver.beforeRestart(deadline);
            }
            start();
        }
        called = true;
        ByteBuffer reply;
        try {
            reply = exchange(request.duplicate(), target, deadline);
        } catch (RequestNotDelivered e) {
            // The handler died before it could read the request (killed between calls and not
            // yet reaped): nothing was delivered, so one retry on a fresh handler is safe.
            driver.beforeRestart(deadline);
            start();
            try {
                reply = exchange(request.duplicate(), target, deadline);
            } catch (RequestNotDelivered again) {
                throw new TransportException(driver.name(), again.reason, again);
            }
        }
        calls.incrementAndGet();
        return reply;
    }

    /** The request could not be written at all: the handler never saw it. */
    private static final class RequestNotDelivered extends TransportException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        RequestNotDelivered(String driverName, String reason, Throwable cause) {
            super(driverName, reason, cause);
            this.reason = reason;
        }
    }

    /** Starts the handler and runs the post-start hook; on any failure nothing is left running. */
    void start() throws HandlerStartException {
        start(false);
    }

    /**
     * Start at load time: as {@link #start()}. A handler without a hook that
     * exits within the settle time, before any call reached it, cannot work:
     * the driver is then failed, asynchronously, so a load does not wait the
     * settle time out.
     */
    void startAtLoad() throws HandlerStartException {
        start(hook == null && !services.settleTime().isZero());
    }

    private void start(boolean settleCheck) throws HandlerStartException {
        String name = driver.name();
        HandlerProcess started;
        try {
            String identity = blob.verify();
            Launch launch = services.launches().plan(name, index, descriptor, blob, identity == null ? "" : identity);
            started = HandlerProcess.start(services.processes(), launch, "driver '" + name + "' instance " + index,
                    services.log()::info);
        } catch (SandboxUnavailableException e) {
            throw new HandlerStartException(name, "the sandbox is unavailable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new HandlerStartException(name, "cannot start handler: " + e.getMessage(), e);
        }
        process = started;
        starts.incrementAndGet();
        driver.handlerStarted(this, started);
        long settled = Deadlines.after(services.settleTime());
        // One callback decides how an exit is reported, so that the two reports cannot overwrite each other.
        started.onExit().thenRun(() -> {
            if (settleCheck && System.nanoTime() - settled < 0 && !called && !started.killedByUs()) {
                driver.exitedRightAfterLoad(this, "handler " + started.describeExit(Duration.ZERO)
                        + " right after start" + started.lastStderr(Duration.ofMillis(200)));
            } else {
                driver.handlerExited(this, started);
            }
        });
        try {
            if (hook != null) {
                runHook(started);
            }
        } catch (HandlerStartException e) {
            shutdown();
            throw e;
        }
    }

    private void runHook(HandlerProcess started) throws HandlerStartException {
        long deadline = Deadlines.after(descriptor.startTimeout());
        HandlerChannel channel = new HandlerChannel() {
            @Override
            public String driverName() {
                return driver.name();
            }

            @Override
            public byte[] call(byte[] request) throws UmdException {
                if (process != started) {
                    throw new TransportException(driver.name(), "post-start channel used after the hook returned");
                }
                Objects.requireNonNull(request, "request");
                return exchange(ByteBuffer.wrap(request), ReplyTarget.NEW_ARRAY, deadline).array();
            }
        };
        String timedOut = "post-start hook timed out after " + Deadlines.nanos(descriptor.startTimeout()) / 1_000_000 + " ms";
        // The hook runs on a worker so that the start timeout bounds it even when it blocks
        // outside its channel; the caller never waits longer than the start timeout.
        java.util.concurrent.Future<Void> run = services.processes().workers().submit(() -> {
            hook.afterStart(channel);
            return null;
        });
        try {
            run.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            started.kill();
            throw new HandlerStartException(driver.name(), timedOut + " (the hook did not return)", e);
        } catch (InterruptedException e) {
            run.cancel(true);
            started.kill();
            Thread.currentThread().interrupt();
            throw new HandlerStartException(driver.name(), "interrupted during the post-start hook", e);
        } catch (java.util.concurrent.ExecutionException wrapped) {
            Throwable e = wrapped.getCause();
            if (e instanceof CallTimeoutException) {
                throw new HandlerStartException(driver.name(), timedOut, e);
            }
            String stderr = started.isAlive() ? "" : started.lastStderr(Duration.ofMillis(200));
            throw new HandlerStartException(driver.name(), "post-start hook failed: " + e.getMessage() + stderr, e);
        }
    }

    /** One request frame out, one reply frame in; any failure shuts the handler down. */
    private ByteBuffer exchange(ByteBuffer request, ReplyTarget target, long deadline) throws UmdException {
        HandlerProcess current = process;
        Watchdog.Alarm alarm = services.watchdog().arm(deadline, current::kill);
        ByteBuffer reply;
        try {
            reply = current.call(request, descriptor.maxMessageSize(), target, services.processes().workers());
        } catch (ReplyDiscardedException e) {
            if (alarm.disarm()) {
                shutdown();
                throw new CallTimeoutException(driver.name(), "no reply within the call timeout; handler killed");
            }
            // The handler kept its contract; the frame was read to its end, so it stays in service.
            throw new MessageTooLargeException(driver.name(), "reply of " + e.length()
                    + " bytes does not fit the caller's buffer; it was dropped", e);
        } catch (FrameTooLargeException e) {
            alarm.disarm();
            shutdown();
            throw new ProtocolException(driver.name(), "bad reply: " + e.getMessage() + "; handler killed", e);
        } catch (io.github.umdosgi.impl.process.RequestNotDeliveredException e) {
            boolean timedOut = alarm.disarm();
            shutdown();
            if (timedOut) {
                throw new CallTimeoutException(driver.name(), "no reply within the call timeout; handler killed", e);
            }
            if (closed) {
                throw new TransportException(driver.name(), "driver was unloaded during the call", e);
            }
            throw new RequestNotDelivered(driver.name(), "handler " + current.describeExit(Duration.ofMillis(200))
                    + " before it read the request (" + e.getMessage() + "); it was shut down", e);
        } catch (java.io.InterruptedIOException e) {
            alarm.disarm();
            shutdown();
            throw new TransportException(driver.name(), e.getMessage() + "; handler killed", e);
        } catch (IOException e) {
            boolean timedOut = alarm.disarm();
            UmdException failure = timedOut
                    ? new CallTimeoutException(driver.name(), "no reply within the call timeout; handler killed", e)
                    : closed
                    ? new TransportException(driver.name(), "driver was unloaded during the call", e)
                    : new TransportException(driver.name(), "handler " + current.describeExit(Duration.ofMillis(200))
                            + " (" + e.getMessage() + "); it was shut down", e);
            shutdown();
            throw failure;
        }
        if (alarm.disarm()) {
            // The reply raced the deadline; the handler is being killed, so treat it as a timeout.
            shutdown();
            throw new CallTimeoutException(driver.name(), "no reply within the call timeout; handler killed");
        }
        // A second reply is not looked for here: it would cost a syscall on every call, and the
        // check before the next request finds it all the same, before anything is sent.
        return reply;
    }

    /** The kernel's {@code shutdown_umh}: kill, reap, close. Caller holds the lock. */
    void shutdown() {
        HandlerProcess current = process;
        if (current != null) {
            process = null;
            current.close(services.reapTimeout());
        }
    }

    /**
     * Unload: refuse new calls, kill the handler so a call blocked in a read
     * returns at once, then clean up under the lock.
     */
    void close() {
        closed = true;
        HandlerProcess current = process;
        if (current != null) {
            current.kill();
        }
        boolean locked = false;
        try {
            locked = lock.tryLock(Deadlines.nanos(descriptor.startTimeout()) + Deadlines.nanos(services.reapTimeout()),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            shutdown();
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    /**
     * Operator kill: the next call restarts the handler without counting it
     * against the restart policy.
     *
     * @return whether a live process was signalled
     */
    boolean kill() {
        HandlerProcess current = process;
        if (current != null && current.isAlive() && !current.killedByUs()) {
            operatorKilled = current;
            current.kill();
            return true;
        }
        return false;
    }

    /** The supervisor gave up: kill without the operator's exemption. */
    void abort() {
        HandlerProcess current = process;
        if (current != null) {
            current.kill();
        }
    }

    InstanceInfo snapshot() {
        HandlerProcess current = process;
        OptionalLong pid = current != null && current.isAlive() ? OptionalLong.of(current.pid()) : OptionalLong.empty();
        return new InstanceInfo(index, pid, lock.isLocked(), calls.get(), starts.get());
    }
}
