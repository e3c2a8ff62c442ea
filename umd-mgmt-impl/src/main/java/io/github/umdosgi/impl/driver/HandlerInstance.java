package io.github.umdosgi.impl.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.NoInstanceFreeException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.blob.HandlerBlob;
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
 * <p>Concurrency. {@link #lock} is held by the one thread that uses the
 * handler: a caller (from {@link #acquire} to {@link #release}), a start (at
 * load, restart or operator restart, post-start hook included) or a close.
 * Only its holder writes {@link #process}, {@link #previous}, {@link #busy}
 * and {@link #called}, and only its holder does pipe I/O. They are volatile so
 * that snapshots, operator kills and the watchdog can read them without it:
 * those only read, and only signal the process, which is safe from any
 * thread. {@link #closed} (with {@link #closing}) is set once by
 * {@link #beginClose}, from any thread; whoever holds the lock when it is set
 * shuts the handler down on {@link #release}. {@link #exempt} is written by
 * operator kills and interrupted callers, and read by the lock holder.
 * {@link #hookRun} is set by the lock holder while a hook runs, so that a
 * close can end its wait.
 */
final class HandlerInstance {

    /** The instance was closed before the call reached its handler: nothing was sent; the driver retries. */
    static final class Superseded extends TransportException {
        private static final long serialVersionUID = 1L;

        Superseded(String driverName) {
            super(driverName, "driver was unloaded", null);
        }
    }

    private final Driver driver;
    private final int index;
    private final DriverDescriptor descriptor;
    private final HandlerBlob blob;
    private final PostStartHook hook;
    private final DriverServices services;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile HandlerProcess process;
    // The handler shut down last, so that a restart can tell whose death it follows.
    private volatile HandlerProcess previous;
    private volatile boolean busy;
    // Set when the first request reaches this instance: from then on a death is the call's business.
    private volatile boolean called;
    private volatile boolean closed;
    private final CountDownLatch closing = new CountDownLatch(1);
    // Killed by an operator or because its caller was interrupted: its restart is not a failure.
    private volatile HandlerProcess exempt;
    private volatile HookRun hookRun;
    private final AtomicLong calls = new AtomicLong();
    // Calls the current process has served, for max-calls; guarded by the instance lock.
    private long callsOnProcess;
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

    int index() {
        return index;
    }

    // ---------------------------------------------------------- the lock

    boolean tryAcquire() {
        if (lock.tryLock()) {
            busy = true;
            return true;
        }
        return false;
    }

    void acquire(long deadline) throws UmdException {
        boolean locked;
        try {
            locked = lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(driver.name(), "interrupted while waiting for a handler instance", e);
        }
        if (!locked) {
            throw new NoInstanceFreeException(driver.name(),
                    "no handler instance became free within the call timeout; nothing was sent");
        }
        busy = true;
    }

    /** Ends the holder's turn; a close that could not take the lock left the shutdown to it. */
    void release() {
        try {
            if (closed) {
                shutdown();
            }
        } finally {
            busy = false;
            lock.unlock();
        }
    }

    // --------------------------------------------- the call; the caller holds the lock

    /**
     * Sends one request and returns its reply, starting the handler first if
     * it is not running. The request buffer is left as it was: every attempt
     * sends a duplicate.
     *
     * @throws Superseded the instance was closed first; nothing was sent
     */
    ByteBuffer sendRecv(ByteBuffer request, ReplyTarget target, long deadline) throws UmdException {
        if (closed) {
            throw new Superseded(driver.name());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new TransportException(driver.name(), "the calling thread is interrupted; nothing was sent");
        }
        ensureRunning(deadline);
        called = true;
        ByteBuffer reply;
        try {
            reply = exchange(request.duplicate(), target, deadline);
        } catch (ExchangeErrors.RequestNotDelivered e) {
            // The handler died before it could read the request (killed between calls and not yet
            // reaped): nothing was delivered, so one retry on a fresh handler is safe.
            restart(deadline);
            try {
                reply = exchange(request.duplicate(), target, deadline);
            } catch (ExchangeErrors.RequestNotDelivered again) {
                throw new TransportException(driver.name(), again.getMessage(), again);
            }
        }
        calls.incrementAndGet();
        callsOnProcess++;
        return reply;
    }

    /** Makes sure a fresh, healthy handler runs: replaces a dead one and one that talked out of turn. */
    private void ensureRunning(long deadline) throws UmdException {
        HandlerProcess current = process;
        if (current != null && descriptor.maxCalls() > 0 && callsOnProcess >= descriptor.maxCalls()) {
            // The reuse limit: a planned replacement, not a failure, so the restart policy does not count it.
            services.log().info("driver '" + driver.name() + "' instance " + index + ": handler " + current.label()
                    + " served " + callsOnProcess + " calls (max-calls); replacing it");
            exempt = current;
            restart(deadline);
            return;
        }
        if (current != null && current.isAlive() && !current.killedByUs()) {
            if (!current.hasUnsolicitedOutput()) {
                return;
            }
            // Output between calls belongs to no caller: drop the handler so that no stale
            // frame can ever be read as this caller's reply, then serve the caller afresh.
            driver.protocolViolation("handler " + current.label() + " wrote output nobody asked for; it was killed");
        }
        restart(deadline);
    }

    /** Shuts down what is left and starts anew, as the restart policy allows. */
    private void restart(long deadline) throws UmdException {
        shutdown();
        HandlerProcess dead = previous;
        if (dead == null || dead != exempt) {
            awaitBackoff(driver.beforeRestart(deadline), deadline);
        }
        start(false);
    }

    /** Waits the restart backoff; a close ends the wait at once. */
    private void awaitBackoff(long backoff, long deadline) throws UmdException {
        long wait = Math.min(backoff, deadline - System.nanoTime());
        try {
            if (wait > 0 && closing.await(wait, TimeUnit.NANOSECONDS)) {
                throw new TransportException(driver.name(), "driver was unloaded during the restart backoff");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandlerStartException(driver.name(), "interrupted during restart backoff", e);
        }
    }

    /**
     * One request frame out, one reply frame in. Any failure shuts the handler
     * down, except a reply too large for the caller's buffer, which was read
     * to its end. The watchdog kills the handler at the deadline, an
     * interrupt of the caller kills it at once (see {@link HandlerProcess#call});
     * either ends a blocked read.
     */
    private ByteBuffer exchange(ByteBuffer request, ReplyTarget target, long deadline) throws UmdException {
        HandlerProcess current = process;
        if (current == null) {
            throw new TransportException(driver.name(), "the handler was shut down");
        }
        Watchdog.Alarm alarm = services.watchdog().arm(deadline, current::kill);
        ByteBuffer reply;
        try {
            reply = current.call(request, descriptor.maxMessageSize(), target, services.processes().workers());
        } catch (IOException e) {
            boolean timedOut = alarm.disarm();
            if (ExchangeErrors.interrupted(e)) {
                // The caller gave up (Ctrl-C), the handler did not fail: its restart is not counted.
                exempt = current;
            }
            if (e instanceof ReplyDiscardedException discarded && !timedOut) {
                // The handler kept its contract; the frame was read to its end, so it stays in service.
                throw new MessageTooLargeException(driver.name(), "reply of " + discarded.length()
                        + " bytes does not fit the caller's buffer; it was dropped", e);
            }
            UmdException failure = ExchangeErrors.classify(driver.name(), e, timedOut, closed, current);
            shutdown();
            throw failure;
        }
        if (alarm.disarm()) {
            // The reply raced the deadline; the handler is being killed, so treat it as a timeout.
            shutdown();
            throw ExchangeErrors.lateReply(driver.name());
        }
        // A second reply is not looked for here: it would cost a syscall on every call, and the
        // check before the next request finds it all the same, before anything is sent.
        return reply;
    }

    // ------------------------------------------- start and shutdown; the caller holds the lock

    /**
     * Start at load time, before the instance is published. A handler without
     * a hook that exits within the settle time, before any call reached it,
     * cannot work: the driver is then failed, asynchronously, so a load does
     * not wait the settle time out.
     */
    void startAtLoad() throws HandlerStartException {
        lock.lock();
        try {
            start(hook == null && !services.settleTime().isZero());
        } finally {
            lock.unlock();
        }
    }

    /** Operator restart: the caller holds the lock. */
    void restartNow() throws HandlerStartException {
        shutdown();
        start(false);
    }

    /** Starts the handler and runs the post-start hook; on any failure nothing is left running. */
    private void start(boolean settleCheck) throws HandlerStartException {
        String name = driver.name();
        if (closed) {
            throw new HandlerStartException(name, "driver was unloaded");
        }
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
        callsOnProcess = 0;
        starts.incrementAndGet();
        driver.handlerStarted(this, started);
        long settled = Deadlines.after(services.settleTime());
        // One callback decides how an exit is reported, so that the two reports cannot overwrite each other.
        started.afterExit(exitedAt -> {
            if (settleCheck && exitedAt - settled < 0 && !called && !started.killedByUs()) {
                driver.exitedRightAfterLoad(this, "handler " + started.describeExit(Duration.ZERO)
                        + " right after start" + started.lastStderr(Duration.ofMillis(200)));
            } else {
                driver.handlerExited(this, started);
            }
        }, services.processes().callbacks(), services.log()::error);
        if (hook != null) {
            runHook(started);
        }
    }

    private void runHook(HandlerProcess started) throws HandlerStartException {
        HookRun run = new HookRun(driver.name());
        hookRun = run;
        long deadline = Deadlines.after(descriptor.startTimeout());
        try {
            if (closed) {
                throw new HandlerStartException(driver.name(), "driver was unloaded");
            }
            run.run(hook, services.processes().hooks(), request -> {
                if (process != started) {
                    throw new TransportException(driver.name(), "the handler of this post-start hook was shut down");
                }
                return exchange(ByteBuffer.wrap(request), ReplyTarget.NEW_ARRAY, deadline).array();
            }, deadline, Deadlines.nanos(descriptor.startTimeout()) / 1_000_000);
        } catch (HandlerStartException e) {
            String stderr = started.isAlive() ? "" : started.lastStderr(Duration.ofMillis(200));
            shutdown();
            throw stderr.isEmpty() ? e : new HandlerStartException(driver.name(), stripped(e) + stderr, e);
        } finally {
            hookRun = null;
        }
    }

    private String stripped(UmdException e) {
        String prefix = "driver '" + driver.name() + "': ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** The kernel's {@code shutdown_umh}: kill, reap, close. The caller holds the lock. */
    private void shutdown() {
        HandlerProcess current = process;
        if (current != null) {
            process = null;
            previous = current;
            current.close(services.reapTimeout());
        }
    }

    // ------------------------------------------------------------- teardown

    /**
     * Unload or reload, first step: refuse new calls and end a restart
     * backoff or a post-start hook at once. An unload ({@code kill}) also
     * kills the handler, so a call blocked in a read returns at once; a
     * reload lets the call in flight finish. Any thread, never blocks.
     *
     * @param kill whether to kill the handler now
     */
    void beginClose(boolean kill) {
        closed = true;
        closing.countDown();
        HookRun run = hookRun;
        if (run != null) {
            run.abandon();
        }
        if (kill) {
            signal();
        }
    }

    /**
     * Unload or reload, second step: shut the handler down under the lock.
     * When the lock does not come by the deadline, the handler is killed and
     * its holder shuts it down on {@link #release}: nothing is ever shut
     * down under a live caller.
     *
     * @param deadline when to stop waiting for the lock, shared by every instance of the teardown
     */
    void finishClose(long deadline) {
        boolean locked = false;
        try {
            locked = lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            signal();
            return;
        }
        try {
            shutdown();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        HandlerProcess current = process;
        if (current != null) {
            current.kill();
        }
    }

    /**
     * Operator kill: the next call restarts the handler without counting it
     * against the restart policy. Any thread: it only signals.
     *
     * @return whether a live process was signalled
     */
    boolean kill() {
        HandlerProcess current = process;
        if (current != null && current.isAlive() && !current.killedByUs()) {
            exempt = current;
            current.kill();
            return true;
        }
        return false;
    }

    /** The supervisor gave up: kill without the operator's exemption. Any thread. */
    void abort() {
        signal();
    }

    InstanceInfo snapshot() {
        HandlerProcess current = process;
        OptionalLong pid = current != null && current.isAlive() ? OptionalLong.of(current.pid()) : OptionalLong.empty();
        return new InstanceInfo(index, pid, busy, calls.get(), starts.get());
    }
}
