package io.github.umdosgi.impl.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.NoInstanceFreeException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.blob.DriverDirectories;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.javahandler.JavaHandlerCommand;
import io.github.umdosgi.impl.config.DriverOverrides;
import io.github.umdosgi.impl.driver.Phase.Failed;
import io.github.umdosgi.impl.driver.Phase.LoadRequest;
import io.github.umdosgi.impl.driver.Phase.Loaded;
import io.github.umdosgi.impl.driver.Phase.NotLoaded;
import io.github.umdosgi.impl.driver.Phase.Starting;
import io.github.umdosgi.impl.frame.ReplyTarget;
import io.github.umdosgi.impl.metrics.DriverMetrics;
import io.github.umdosgi.impl.process.HandlerProcess;
import io.github.umdosgi.impl.process.StderrTail;

/**
 * One user mode driver, read top to bottom as the kernel's
 * {@code usermode_driver_mgmt.c}: {@link #load} (extract, fork, post-start
 * hook; loaded only if all succeeded), {@link #unload} (kill, close, delete),
 * and {@link #call} (lazy load through the declaring bundle, then one
 * request/reply on a handler instance).
 *
 * <p>Concurrency, as the kernel's {@code mgmt->lock}: {@link #lock} is held
 * for every change of {@link #state}, which is one {@link Phase} value
 * replaced as a whole (volatile, so that calls read it without the lock), and
 * guards {@link #overrides} and {@link #retired}. Methods named
 * {@code do...}, {@link #startAll} and {@link #teardown} assert that their
 * caller holds it. A caller that finds the driver {@link Starting} waits on
 * the lock, which the loading thread holds until the load is over. Lock
 * order: the driver's lock before an instance's; a thread holding an
 * instance's lock only ever tries the driver's ({@link #giveUp}).
 * {@link #declaringBundle} is volatile and written under the lock by the
 * extender's thread. Counters live in {@link DriverStats}, metrics (lock
 * free, written by the calling threads) in {@link DriverMetrics}, log lines
 * and events in {@link DriverReports}.
 */
public final class Driver {

    /** The registry forgot this driver; attach to the one it knows now. */
    static final class Retired extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Retired(String name) {
            super("driver '" + name + "' was forgotten by the registry");
        }
    }

    private final String name;
    private final DriverServices services;
    private final DriverReports reports;
    private final DriverStats stats = new DriverStats();
    private final DriverMetrics metrics = new DriverMetrics();

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Phase state = new NotLoaded(null);
    private volatile DriverOverrides overrides = DriverOverrides.NONE;
    private volatile Bundle declaringBundle;
    private boolean retired;

    private final AtomicInteger nextInstance = new AtomicInteger();

    /**
     * @param name the driver name
     * @param services what the manager shares with every driver
     */
    public Driver(String name, DriverServices services) {
        this.name = name;
        this.services = services;
        this.reports = new DriverReports(name, services);
    }

    // ---------------------------------------------------------------- load

    /**
     * The kernel's {@code umd_mgmt_load}: extract the handler into a fresh
     * private directory, start every instance and run its post-start hook.
     * Afterwards the driver is loaded, or FAILED with nothing left behind.
     *
     * @param owner the bundle embedding the handler
     * @param declared what to run, before operator overrides
     * @param hook the post-start hook, or null
     * @throws HandlerStartException the load failed
     * @throws IllegalStateException another bundle has loaded the driver
     */
    public void load(Bundle owner, DriverDescriptor declared, PostStartHook hook) throws HandlerStartException {
        lock.lock();
        try {
            doLoad(new LoadRequest(owner, declared, hook));
        } finally {
            lock.unlock();
        }
    }

    private void doLoad(LoadRequest request) throws HandlerStartException {
        assert lock.isHeldByCurrentThread();
        if (retired) {
            throw new Retired(name);
        }
        if (state instanceof Loaded current) {
            Bundle owner = current.request().owner();
            if (owner.getBundleId() == request.owner().getBundleId()) {
                return;
            }
            throw new IllegalStateException("driver '" + name + "' is already loaded by bundle "
                    + owner.getSymbolicName() + " [" + owner.getBundleId() + "]");
        }
        state = new Starting(request);
        startAll(request);
    }

    /** Extracts and starts; the state is {@link Starting} and becomes Loaded or Failed. */
    private void startAll(LoadRequest request) throws HandlerStartException {
        assert lock.isHeldByCurrentThread();
        Path directory = null;
        HandlerBlob blob = null;
        List<HandlerInstance> instances = new ArrayList<>();
        // A new load starts from zero: its counters and its stderr are its own.
        stats.reset();
        StderrTail stderr = new StderrTail();
        try {
            DriverDescriptor descriptor = overrides.applyTo(request.declared());
            if (!descriptor.sandbox().confined()) {
                reports.unconfined();
            }
            directory = services.directories().create(name);
            blob = HandlerFiles.extract(request.owner(), descriptor, directory,
                    services.directories().maxHandlerSize(), services.log()::info);
            for (int i = 0; i < descriptor.instances(); i++) {
                HandlerInstance instance =
                        new HandlerInstance(this, i, descriptor, blob, request.hook(), services, stderr);
                instances.add(instance);
                instance.startAtLoad();
            }
            state = new Loaded(request, descriptor, blob, List.copyOf(instances),
                    new RestartTracker(descriptor.restartPolicy()), stderr);
            if (blob.command() instanceof JavaHandlerCommand java && java.archive() != null
                    && descriptor.sandbox().confined()) {
                // In the background: the first handler runs already; the later starts map the archive.
                HandlerBlob handler = blob;
                java.archive().startDump(blob.tree().orElseThrow(), descriptor.sandbox(),
                        (dir, command) -> services.launches().planArchiveDump(name, descriptor, handler, dir, command),
                        services.processes().spawner(), services.processes().callbacks(), name);
            }
            stats.clearError();
            reports.loaded(request.owner(), instances.size());
        } catch (IOException | UmdException | RuntimeException e) {
            if (blob != null) {
                blob.command().close();
            }
            teardown(instances, directory, false);
            String reason = e instanceof UmdException ? stripPrefix(e.getMessage()) : e.getMessage();
            state = new Failed(reason, request, instances.isEmpty() ? null : stderr);
            reports.failed(request.owner(), "driver '" + name + "' failed to load: " + reason);
            throw e instanceof HandlerStartException hse ? hse
                    : new HandlerStartException(name, "load failed: " + reason, e);
        }
    }

    // -------------------------------------------------------------- unload

    /**
     * The kernel's {@code umd_mgmt_unload}: kill every handler (a call in
     * flight gets a TransportException), close the pipes and delete the
     * private directory. Afterwards nothing of the driver runs. A driver
     * declared by an active bundle is loaded again by the next call.
     */
    public void unload() {
        lock.lock();
        try {
            doUnload();
        } finally {
            lock.unlock();
        }
    }

    private void doUnload() {
        assert lock.isHeldByCurrentThread();
        Phase current = state;
        state = new NotLoaded(current.lastLoad());
        if (current instanceof Loaded loaded) {
            loaded.blob().command().close();
            teardown(loaded.instances(), loaded.blob().directory(), false);
            reports.unloaded(loaded.request().owner());
        }
    }

    /**
     * The one teardown: closes the instances and deletes the directory. The
     * whole of it waits at most the reap timeout for the instances' locks, so
     * a bundle stop is bounded however many instances there are. An unload
     * kills every handler first, so they die together; a reload
     * ({@code drain}) lets the calls in flight finish within that bound.
     */
    private void teardown(List<HandlerInstance> instances, Path directory, boolean drain) {
        assert lock.isHeldByCurrentThread();
        long deadline = Deadlines.after(services.reapTimeout());
        // Every instance is closed (and on unload killed) before any is waited for, so they die together.
        instances.forEach(instance -> instance.beginClose(!drain));
        instances.forEach(instance -> instance.finishClose(deadline));
        if (directory != null) {
            try {
                DriverDirectories.deleteTree(directory);
            } catch (IOException e) {
                reports.error("cannot delete " + directory + ": " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- call

    /**
     * The kernel's {@code umd_mgmt_send_recv}, returning a fresh array.
     *
     * @param request the request payload
     * @param timeout the call timeout, or null for the driver's default
     * @return the reply payload
     * @throws UmdException a typed failure; see {@link io.github.umdosgi.api.UmdManager#call}
     */
    public byte[] call(byte[] request, Duration timeout) throws UmdException {
        Objects.requireNonNull(request, "request");
        return call(ByteBuffer.wrap(request), ReplyTarget.NEW_ARRAY, timeout).array();
    }

    /**
     * The kernel's {@code umd_mgmt_send_recv}. A driver that is starting or
     * being reloaded is waited for, within the timeout; a call that reached
     * an instance closed by a reload before anything was sent is repeated on
     * the new handlers.
     *
     * @param request the request payload, position to limit; on success its position is at its limit
     * @param target gives the buffer the reply goes to
     * @param timeout the call timeout, or null for the driver's default
     * @return the target's buffer, filled
     * @throws UmdException a typed failure; see {@link io.github.umdosgi.api.UmdManager#call}
     */
    public ByteBuffer call(ByteBuffer request, ReplyTarget target, Duration timeout) throws UmdException {
        long began = System.nanoTime();
        // The instance whose handler failed the call, for the metrics; -1 while none was reached.
        int failedOn = -1;
        try {
            for (;;) {
                Loaded current = awaitLoaded(timeout, began);
                DriverDescriptor descriptor = current.descriptor();
                if (request.remaining() > descriptor.maxMessageSize()) {
                    stats.failed(null);
                    throw new MessageTooLargeException(name, "request of " + request.remaining()
                            + " bytes exceeds the maximum message size of " + descriptor.maxMessageSize());
                }
                long deadline = began + Deadlines.nanos(timeout != null ? timeout : descriptor.callTimeout());
                HandlerInstance instance = acquireInstance(current.instances(), deadline);
                try {
                    int sent = request.remaining();
                    ByteBuffer reply = instance.sendRecv(request, target, deadline);
                    current.restarts().succeeded();
                    stats.succeeded();
                    metrics.instance(instance.index()).succeeded(System.nanoTime() - began, sent,
                            target.length(reply));
                    request.position(request.limit());
                    return reply;
                } catch (HandlerInstance.Superseded nothingSent) {
                    // Closed by a reload or unload before the request went out: that teardown holds the
                    // lock, so wait for it to end, then look at the state again.
                    instance.release();
                    instance = null;
                    awaitLock(deadline);
                } catch (UmdException e) {
                    stats.failed(stripPrefix(e.getMessage()));
                    failedOn = instance.index();
                    throw e;
                } finally {
                    if (instance != null) {
                        instance.release();
                    }
                }
            }
        } catch (UmdException e) {
            (failedOn < 0 ? metrics.outside() : metrics.instance(failedOn)).failed(System.nanoTime() - began, e);
            throw e;
        }
    }

    /** The loaded state, waiting out a load in progress and asking for a load when there is none. */
    private Loaded awaitLoaded(Duration timeout, long began) throws UmdException {
        boolean requested = false;
        for (;;) {
            Phase current = state;
            if (current instanceof Loaded loaded) {
                return loaded;
            }
            if (current instanceof Starting starting) {
                Duration wait = timeout != null ? timeout : starting.request().declared().callTimeout();
                awaitLock(began + Deadlines.nanos(wait));
            } else if (requested) {
                stats.failed(null);
                throw notLoaded(current);
            } else {
                requestLoad(current);
                requested = true;
            }
        }
    }

    /** Waits until the thread loading the driver lets go of the lock, as the kernel's caller does. */
    private void awaitLock(long deadline) throws UmdException {
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                stats.failed(null);
                throw new NoInstanceFreeException(name, "the driver was still starting when the call timed out;"
                        + " nothing was sent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(name, "interrupted while the driver was starting", e);
        }
        lock.unlock();
    }

    /**
     * The kernel's {@code request_module}: start the installed bundle that
     * declares the driver (its start loads the driver through the extender),
     * or, when that bundle is active and the driver was unloaded, repeat its
     * last load.
     */
    private void requestLoad(Phase current) throws UmdException {
        Bundle bundle = declaringBundle;
        if (bundle == null) {
            return;
        }
        if ((bundle.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0) {
            try {
                // Not under the lock: the framework's own locks come first.
                bundle.start();
            } catch (BundleException | IllegalStateException e) {
                throw new DriverNotLoadedException(name, "starting bundle " + bundle.getSymbolicName()
                        + " failed: " + e.getMessage(), e);
            }
        } else if (current instanceof NotLoaded) {
            lock.lock();
            try {
                LoadRequest last = state instanceof NotLoaded again ? again.last() : null;
                if (last != null && isDeclaredBy(last.owner()) && last.owner().getState() == Bundle.ACTIVE) {
                    doLoad(last);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private UmdException notLoaded(Phase current) {
        if (current instanceof Failed failed) {
            return new HandlerStartException(name, "driver is in failed state: " + failed.reason());
        }
        return new DriverNotLoadedException(name, declaringBundle == null
                ? "no installed bundle declares this driver" : "not loaded");
    }

    /**
     * Takes the lowest-numbered idle instance, so a lone caller keeps talking
     * to one warm handler; when all are busy, waits for the next in turn.
     */
    private HandlerInstance acquireInstance(List<HandlerInstance> instances, long deadline) throws UmdException {
        for (HandlerInstance candidate : instances) {
            if (candidate.tryAcquire()) {
                return candidate;
            }
        }
        HandlerInstance next = instances.get(Math.floorMod(nextInstance.getAndIncrement(), instances.size()));
        next.acquire(deadline);
        return next;
    }

    // ------------------------------------------------------ operator actions

    /**
     * Kills and restarts every instance of a loaded driver; loads again a
     * failed one, or one its active declaring bundle had loaded.
     *
     * @throws UmdException not loaded, or the start failed
     */
    public void restart() throws UmdException {
        lock.lock();
        try {
            Phase current = state;
            if (current instanceof Loaded loaded) {
                doRestart(loaded);
                return;
            }
            LoadRequest last = current.lastLoad();
            if (last == null || last.owner().getState() != Bundle.ACTIVE
                    || !(current instanceof Failed || isDeclaredBy(last.owner()))) {
                throw new DriverNotLoadedException(name, "not loaded");
            }
            doLoad(last);
        } finally {
            lock.unlock();
        }
    }

    private void doRestart(Loaded loaded) throws UmdException {
        assert lock.isHeldByCurrentThread();
        long deadline = Deadlines.after(loaded.descriptor().startTimeout());
        for (HandlerInstance instance : loaded.instances()) {
            instance.acquire(deadline);
            try {
                instance.restartNow();
            } finally {
                instance.release();
            }
        }
        state = new Loaded(loaded.request(), loaded.descriptor(), loaded.blob(), loaded.instances(),
                new RestartTracker(loaded.descriptor().restartPolicy()), loaded.stderr());
        stats.clearError();
    }

    /**
     * Applies operator overrides; a loaded driver is reloaded with them, a
     * failed one gets another chance. Callers wait for the new handlers.
     *
     * @param newOverrides the overrides
     */
    public void configure(DriverOverrides newOverrides) {
        lock.lock();
        try {
            if (retired) {
                throw new Retired(name);
            }
            overrides = newOverrides;
            Phase current = state;
            LoadRequest last = current.lastLoad();
            if (current instanceof Loaded
                    || current instanceof Failed && last != null && last.owner().getState() == Bundle.ACTIVE) {
                doReload(current, last);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Loaded (or failed) to loaded again, through {@link Starting} only: callers never see it unloaded. */
    private void doReload(Phase current, LoadRequest last) {
        assert lock.isHeldByCurrentThread();
        state = new Starting(last);
        if (current instanceof Loaded loaded) {
            loaded.blob().command().close();
            teardown(loaded.instances(), loaded.blob().directory(), true);
            reports.unloaded(last.owner());
        }
        try {
            startAll(last);
        } catch (HandlerStartException e) {
            // Recorded as FAILED with the reason; the configuration itself was accepted.
        }
    }

    /**
     * SIGKILLs every live handler of this driver.
     *
     * @return how many were signalled
     * @throws DriverNotLoadedException not loaded
     */
    public int kill() throws DriverNotLoadedException {
        if (!(state instanceof Loaded loaded)) {
            throw new DriverNotLoadedException(name, "not loaded");
        }
        int killed = 0;
        for (HandlerInstance instance : loaded.instances()) {
            if (instance.kill()) {
                killed++;
            }
        }
        return killed;
    }

    // ------------------------------------------------- callbacks from instances

    /**
     * The supervisor's decision before an instance restarts a dead handler.
     * The caller holds that instance's lock.
     *
     * @return the backoff to wait first, in nanoseconds
     * @throws HandlerStartException the restart intensity is exceeded: the driver is FAILED
     */
    long beforeRestart(long deadline) throws HandlerStartException {
        if (!(state instanceof Loaded current)) {
            throw new HandlerStartException(name, "driver was unloaded");
        }
        long backoff = current.restarts().admit(System.nanoTime());
        if (backoff != RestartTracker.REFUSED) {
            return backoff;
        }
        var policy = current.restarts().policy();
        String reason = "handler needed more than " + policy.intensity() + " restarts within "
                + Deadlines.nanos(policy.period()) / 1_000_000 + " ms; restarting stopped until an operator restart"
                + " or a bundle restart";
        current.instances().forEach(HandlerInstance::abort);
        giveUp(current, reason, reason);
        throw new HandlerStartException(name, reason);
    }

    /**
     * Fails the given load, if it is still the current one. The caller may
     * hold an instance's lock, so the driver's lock is only tried; when it is
     * taken (a load or unload is under way), the manager's exit thread does it.
     */
    private void giveUp(Loaded failing, String reason, String message) {
        if (lock.tryLock()) {
            try {
                doFail(failing, reason, message);
            } finally {
                lock.unlock();
            }
            return;
        }
        services.processes().callbacks().execute(() -> {
            lock.lock();
            try {
                doFail(failing, reason, message);
            } finally {
                lock.unlock();
            }
        });
    }

    private void doFail(Loaded failing, String reason, String message) {
        assert lock.isHeldByCurrentThread();
        // Only the load that failed is undone, not one that replaced it meanwhile.
        if (state != failing) {
            return;
        }
        // Torn down first, so that FAILED means nothing is left; callers meanwhile wait on the lock.
        failing.blob().command().close();
        teardown(failing.instances(), failing.blob().directory(), false);
        state = new Failed(reason, failing.request(), failing.stderr());
        reports.failed(failing.request().owner(), message);
    }

    /**
     * A handler without post-start hook died within the settle time of its
     * first start, before any call: it cannot work, so the load is undone
     * and the driver is FAILED. Runs on the manager's exit thread.
     */
    void exitedRightAfterLoad(HandlerInstance instance, String reason) {
        lock.lock();
        try {
            if (state instanceof Loaded current && current.instances().contains(instance)) {
                doFail(current, reason, "driver '" + name + "' failed to load: " + reason);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Eager exit detection, on the manager's exit thread as soon as a handler dies. */
    void handlerExited(HandlerInstance instance, HandlerProcess process) {
        if (process.killedByUs() || !(state instanceof Loaded)) {
            return;
        }
        process.killOrphans();
        String message = "handler " + process.label() + " " + process.describeExit(Duration.ZERO)
                + process.lastStderr(Duration.ZERO) + "; the next call restarts it";
        stats.noted(message);
        reports.handlerExited(bundle(), instance.index(), process, message);
    }

    void handlerStarted(HandlerInstance instance, HandlerProcess process) {
        stats.started();
        metrics.instance(instance.index()).started();
        reports.handlerStarted(bundle(), instance.index(), process);
    }

    /** Records a handler's breach of the framing contract that did not cost the caller its reply. */
    void protocolViolation(String message) {
        stats.noted(message);
        reports.warn(message);
    }

    // ------------------------------------------------- registry and extender

    /**
     * Records which installed bundle declares the driver (the extender sees
     * the header while the bundle is merely installed), for lazy loading.
     *
     * @param bundle the declaring bundle, or null when it went away
     */
    public void declaredBy(Bundle bundle) {
        lock.lock();
        try {
            if (retired && bundle != null) {
                throw new Retired(name);
            }
            declaringBundle = bundle;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a failure that happened before {@link #load} could run (a bad
     * header), so that operators see it.
     *
     * @param reason what was wrong
     */
    public void failed(String reason) {
        lock.lock();
        try {
            if (!(state instanceof Loaded)) {
                state = new Failed(reason, state.lastLoad(), null);
                reports.failedQuietly(declaringBundle, reason);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the registry: marks the driver forgotten if nothing declares,
     * loads or configures it, so that nothing can attach to it any more.
     * Never waits: a driver whose lock is taken is in use.
     *
     * @return whether it was retired
     */
    boolean retireIfUnused() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            retired = retired || !(state instanceof Loaded) && declaringBundle == null
                    && overrides == DriverOverrides.NONE;
            return retired;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------- views

    /** @return the driver name */
    public String name() {
        return name;
    }

    /** @return the declaring bundle, or null */
    public Bundle declaringBundle() {
        return declaringBundle;
    }

    /** @return whether anything but defaults is configured for this driver */
    public boolean isConfigured() {
        return overrides != DriverOverrides.NONE;
    }

    /**
     * @param bundle a bundle
     * @return whether the loaded handler comes from that bundle
     */
    public boolean isOwnedBy(Bundle bundle) {
        return state instanceof Loaded loaded && loaded.request().owner().getBundleId() == bundle.getBundleId();
    }

    /** @return whether a handler is loaded */
    public boolean isLoaded() {
        return state instanceof Loaded;
    }

    private boolean isDeclaredBy(Bundle bundle) {
        Bundle declaring = declaringBundle;
        return declaring != null && declaring.getBundleId() == bundle.getBundleId();
    }

    private Bundle bundle() {
        return state instanceof Loaded loaded ? loaded.request().owner() : declaringBundle;
    }

    /**
     * The recent stderr of the current load, or of the failed one.
     *
     * @return the tail
     * @throws DriverNotLoadedException neither loaded nor failed with a handler that ran
     */
    public StderrTail stderr() throws DriverNotLoadedException {
        Phase current = state;
        if (current instanceof Loaded loaded) {
            return loaded.stderr();
        }
        if (current instanceof Failed failed && failed.stderr() != null) {
            return failed.stderr();
        }
        throw new DriverNotLoadedException(name, current instanceof Starting ? "still starting" : "not loaded");
    }

    /** @return where the settings came from, the handler file and each instance's history */
    public DriverDetails details() {
        Phase current = state;
        LoadRequest last = current.lastLoad();
        Loaded loaded = current instanceof Loaded l ? l : null;
        return new DriverDetails(last == null ? null : last.declared(), declaringBundle != null, overrides,
                loaded == null ? null : loaded.descriptor(),
                loaded == null ? null : loaded.blob().executable(), loaded == null ? null : loaded.blob().sha256(),
                loaded == null ? List.of() : loaded.instances().stream().map(HandlerInstance::details).toList());
    }

    /** @return the call metrics, counted since the manager first knew this driver */
    public DriverMetrics metrics() {
        return metrics;
    }

    /**
     * For health checks: restarts the restart policy counted within its
     * period, up to now, for the current load.
     *
     * @return the count, 0 when the driver is not loaded
     */
    public int recentRestarts() {
        return state instanceof Loaded loaded ? loaded.restarts().recent(System.nanoTime()) : 0;
    }

    /** @return a snapshot for operators, from one read of the state */
    public DriverInfo snapshot() {
        Phase current = state;
        Loaded loaded = current instanceof Loaded l ? l : null;
        Bundle bundle = loaded != null ? loaded.request().owner() : declaringBundle;
        List<InstanceInfo> instances = loaded == null ? List.of()
                : loaded.instances().stream().map(HandlerInstance::snapshot).toList();
        DriverState shown = current instanceof NotLoaded ? DriverState.NOT_LOADED
                : current instanceof Starting ? DriverState.STARTING
                : current instanceof Failed ? DriverState.FAILED
                : instances.stream().anyMatch(InstanceInfo::busy) ? DriverState.RUNNING : DriverState.IDLE;
        String lastError = current instanceof Failed failed ? failed.reason() : stats.lastError();
        return new DriverInfo(name, bundle == null ? -1 : bundle.getBundleId(),
                bundle == null ? "" : Objects.toString(bundle.getSymbolicName(), ""), shown, instances,
                stats.calls(), stats.failures(), stats.starts(), Optional.ofNullable(lastError),
                Optional.ofNullable(loaded).map(Loaded::descriptor));
    }

    /** Exceptions carry "driver 'x': " already; the driver's own records do not need it twice. */
    private String stripPrefix(String message) {
        String prefix = "driver '" + name + "': ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
