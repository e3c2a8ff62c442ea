package io.github.umdosgi.impl.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.blob.DriverDirectories;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.config.DriverOverrides;
import io.github.umdosgi.impl.frame.ReplyTarget;
import io.github.umdosgi.impl.process.HandlerProcess;

/**
 * One user mode driver, read top to bottom as the kernel's
 * {@code usermode_driver_mgmt.c}: {@link #load} (extract, fork, post-start
 * hook; loaded only if all succeeded), {@link #unload} (kill, close, delete),
 * and {@link #call} (lazy load through the declaring bundle, then one
 * request/reply on a handler instance, which restarts a dead handler and
 * shuts it down on any transport error).
 *
 * <p>Concurrency: {@link #lifecycle} serialises load, unload, restart and
 * reconfiguration. Calls never take it: they read the volatile
 * {@link #loaded} snapshot and lock only the instance they use. The other
 * fields are volatile and written under {@code lifecycle}, except that the
 * restart supervisor (a caller's thread) may set {@link #phase} to FAILED,
 * callers and exit callbacks record {@link #lastError} (the latest write
 * wins), and the extender sets {@link #declaringBundle}.
 */
public final class Driver {

    /** What a successful load created; replaced as a whole, never mutated. */
    private record Loaded(Bundle owner, DriverDescriptor descriptor, HandlerBlob blob,
            List<HandlerInstance> instances, RestartTracker restarts) {
    }

    /** The arguments of the last load, kept so that an operator restart can repeat a failed one. */
    private record LoadRequest(Bundle owner, DriverDescriptor descriptor, PostStartHook hook) {
    }

    private final String name;
    private final DriverServices services;

    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile Loaded loaded;
    private volatile LoadRequest lastLoad;
    private volatile DriverState phase = DriverState.NOT_LOADED;
    private volatile String lastError;
    private volatile Bundle declaringBundle;
    private volatile DriverOverrides overrides = DriverOverrides.NONE;

    private final AtomicInteger nextInstance = new AtomicInteger();
    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder starts = new LongAdder();

    /**
     * @param name the driver name
     * @param services what the manager shares with every driver
     */
    public Driver(String name, DriverServices services) {
        this.name = name;
        this.services = services;
    }

    // ---------------------------------------------------------------- load

    /**
     * The kernel's {@code umd_mgmt_load}: extract the handler into a fresh
     * private directory, start every instance and run its post-start hook.
     * The driver is loaded only if all of that succeeded; otherwise it is
     * FAILED and nothing is left behind.
     *
     * @param owner the bundle embedding the handler
     * @param declared what to run, before operator overrides
     * @param hook the post-start hook, or null
     * @throws HandlerStartException the load failed
     */
    public void load(Bundle owner, DriverDescriptor declared, PostStartHook hook) throws HandlerStartException {
        lifecycle.lock();
        try {
            Loaded current = loaded;
            if (current != null) {
                if (current.owner().getBundleId() == owner.getBundleId()) {
                    return;
                }
                throw new IllegalStateException("driver '" + name + "' is already loaded by bundle "
                        + current.owner().getSymbolicName() + " [" + current.owner().getBundleId() + "]");
            }
            lastLoad = new LoadRequest(owner, declared, hook);
            phase = DriverState.STARTING;
            Path directory = null;
            List<HandlerInstance> instances = new ArrayList<>();
            try {
                DriverDescriptor descriptor = overrides.applyTo(declared);
                if (!descriptor.sandbox().confined()) {
                    services.log().warn("driver '" + name + "' runs WITHOUT a sandbox (sandbox=none): its handler has"
                            + " every right of the JVM's user; remove sandbox=none unless that is meant");
                }
                directory = services.directories().create(name);
                HandlerBlob blob = HandlerBlob.extract(owner.getEntry(descriptor.handler()), descriptor.handler(), descriptor.sha256(), directory, name,
                        services.directories().maxHandlerSize());
                for (int i = 0; i < descriptor.instances(); i++) {
                    HandlerInstance instance = new HandlerInstance(this, i, descriptor, blob, hook, services);
                    instances.add(instance);
                    instance.startAtLoad();
                }
                loaded = new Loaded(owner, descriptor, blob, List.copyOf(instances),
                        new RestartTracker(descriptor.restartPolicy()));
                lastError = null;
                phase = DriverState.IDLE;
                String loadedMessage = "driver '" + name + "' loaded from bundle " + owner.getSymbolicName()
                        + " with " + instances.size() + " instance(s)";
                services.log().info(loadedMessage);
                publish(DriverEvent.Type.LOADED, owner, loadedMessage);
            } catch (IOException | UmdException | RuntimeException e) {
                instances.forEach(HandlerInstance::close);
                deleteQuietly(directory);
                lastError = e instanceof UmdException ? stripPrefix(e.getMessage()) : e.getMessage();
                phase = DriverState.FAILED;
                reportFailure(owner, "driver '" + name + "' failed to load: " + lastError);
                throw e instanceof HandlerStartException hse ? hse
                        : new HandlerStartException(name, "load failed: " + lastError, e);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    // -------------------------------------------------------------- unload

    /**
     * The kernel's {@code umd_mgmt_unload}: kill every handler (a call in
     * flight gets a TransportException), close the pipes and delete the
     * private directory. Does nothing when not loaded.
     */
    public void unload() {
        lifecycle.lock();
        try {
            Loaded current = loaded;
            if (current == null) {
                phase = DriverState.NOT_LOADED;
                return;
            }
            phase = DriverState.STOPPING;
            loaded = null;
            current.instances().forEach(HandlerInstance::close);
            deleteQuietly(current.blob().directory());
            phase = DriverState.NOT_LOADED;
            services.log().info("driver '" + name + "' unloaded");
            publish(DriverEvent.Type.UNLOADED, current.owner(), "driver '" + name + "' unloaded");
        } finally {
            lifecycle.unlock();
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
     * The kernel's {@code umd_mgmt_send_recv}.
     *
     * @param request the request payload, position to limit; on success its position is at its limit
     * @param target gives the buffer the reply goes to
     * @param timeout the call timeout, or null for the driver's default
     * @return the target's buffer, filled
     * @throws UmdException a typed failure; see {@link io.github.umdosgi.api.UmdManager#call}
     */
    public ByteBuffer call(ByteBuffer request, ReplyTarget target, Duration timeout) throws UmdException {
        Loaded current = loaded;
        if (current == null) {
            current = requestLoad();
        }
        if (phase == DriverState.FAILED) {
            failures.increment();
            throw new HandlerStartException(name, "driver is in failed state: " + lastError);
        }
        DriverDescriptor descriptor = current.descriptor();
        if (request.remaining() > descriptor.maxMessageSize()) {
            failures.increment();
            throw new MessageTooLargeException(name, "request of " + request.remaining()
                    + " bytes exceeds the maximum message size of " + descriptor.maxMessageSize());
        }
        Duration effective = timeout != null ? timeout : descriptor.callTimeout();
        long deadline = Deadlines.after(effective);
        HandlerInstance instance = acquireInstance(current.instances(), deadline);
        try {
            ByteBuffer reply = instance.sendRecv(request, target, deadline);
            current.restarts().succeeded();
            calls.increment();
            request.position(request.limit());
            return reply;
        } catch (UmdException e) {
            failures.increment();
            lastError = stripPrefix(e.getMessage());
            throw e;
        } finally {
            instance.release();
        }
    }

    /**
     * The kernel's {@code request_module}: start the installed bundle that
     * declares this driver (its start loads the driver through the extender)
     * and check again.
     */
    private Loaded requestLoad() throws UmdException {
        Bundle bundle = declaringBundle;
        if (bundle != null && (bundle.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0) {
            try {
                bundle.start();
            } catch (BundleException | IllegalStateException e) {
                throw new DriverNotLoadedException(name, "starting bundle " + bundle.getSymbolicName()
                        + " failed: " + e.getMessage(), e);
            }
        }
        Loaded current = loaded;
        if (current == null) {
            if (phase == DriverState.FAILED) {
                throw new HandlerStartException(name, "driver is in failed state: " + lastError);
            }
            throw new DriverNotLoadedException(name, bundle == null
                    ? "no installed bundle declares this driver" : "not loaded");
        }
        return current;
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
     * Kills and restarts every instance; repeats a failed load.
     *
     * @throws UmdException not loaded, or the start failed
     */
    public void restart() throws UmdException {
        lifecycle.lock();
        try {
            Loaded current = loaded;
            if (current == null) {
                LoadRequest retry = lastLoad;
                if (phase == DriverState.FAILED && retry != null && retry.owner().getState() == Bundle.ACTIVE) {
                    load(retry.owner(), retry.descriptor(), retry.hook());
                    return;
                }
                throw new DriverNotLoadedException(name, "not loaded");
            }
            long deadline = Deadlines.after(current.descriptor().startTimeout());
            for (HandlerInstance instance : current.instances()) {
                instance.acquire(deadline);
                try {
                    instance.shutdown();
                    instance.start();
                } finally {
                    instance.release();
                }
            }
            loaded = new Loaded(current.owner(), current.descriptor(), current.blob(), current.instances(),
                    new RestartTracker(current.descriptor().restartPolicy()));
            lastError = null;
            phase = DriverState.IDLE;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Applies operator overrides; a loaded driver is reloaded with them, a
     * failed one gets another chance.
     *
     * @param newOverrides the overrides
     */
    public void configure(DriverOverrides newOverrides) {
        lifecycle.lock();
        try {
            overrides = newOverrides;
            LoadRequest last = lastLoad;
            boolean reload = loaded != null || (phase == DriverState.FAILED && last != null
                    && last.owner().getState() == Bundle.ACTIVE);
            if (reload) {
                unload();
                try {
                    load(last.owner(), last.descriptor(), last.hook());
                } catch (HandlerStartException e) {
                    // Recorded as FAILED with the reason; the configuration itself was accepted.
                } catch (RuntimeException e) {
                    // The configuration stays accepted; the driver shows why it did not come back.
                    lastError = "reload with the new configuration failed: " + e;
                    phase = DriverState.FAILED;
                    reportFailure(last.owner(), "driver '" + name + "': " + lastError);
                }
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * @return whether anything but defaults is configured for this driver
     */
    public boolean isConfigured() {
        return overrides != DriverOverrides.NONE;
    }

    /**
     * SIGKILLs every live handler of this driver.
     *
     * @return how many were signalled
     * @throws DriverNotLoadedException not loaded
     */
    public int kill() throws DriverNotLoadedException {
        Loaded current = loaded;
        if (current == null) {
            throw new DriverNotLoadedException(name, "not loaded");
        }
        int killed = 0;
        for (HandlerInstance instance : current.instances()) {
            if (instance.kill()) {
                killed++;
            }
        }
        return killed;
    }

    // ------------------------------------------------- callbacks, snapshots

    /**
     * The supervisor's decision before an instance restarts a dead handler:
     * wait the backoff, or give up for good when the restart intensity is
     * exceeded (state FAILED, every handler killed).
     */
    void beforeRestart(long deadline) throws HandlerStartException {
        Loaded current = loaded;
        if (current == null) {
            throw new HandlerStartException(name, "driver was unloaded");
        }
        long backoff = current.restarts().admit(System.nanoTime());
        if (backoff == RestartTracker.REFUSED) {
            var policy = current.restarts().policy();
            String reason = "handler needed more than " + policy.intensity() + " restarts within "
                    + Deadlines.nanos(policy.period()) / 1_000_000 + " ms; restarting stopped until an operator restart or a bundle restart";
            lastError = reason;
            phase = DriverState.FAILED;
            current.instances().forEach(HandlerInstance::abort);
            reportFailure(current.owner(), "driver '" + name + "': " + reason);
            throw new HandlerStartException(name, reason);
        }
        long wait = Math.min(backoff, deadline - System.nanoTime());
        if (wait > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HandlerStartException(name, "interrupted during restart backoff", e);
            }
        }
    }

    /**
     * A handler without post-start hook died within the settle time of its
     * first start, before any call: it cannot work, so the load is undone
     * and the driver is FAILED, as if the load itself had failed. Runs on a
     * worker, not on the JDK's process reaper that noticed the exit.
     */
    void exitedRightAfterLoad(HandlerInstance instance, String reason) {
        services.processes().workers().execute(() -> {
            lifecycle.lock();
            try {
                Loaded current = loaded;
                // Only the load that started this handler is undone, not one that replaced it meanwhile.
                if (current == null || !current.instances().contains(instance)) {
                    return;
                }
                loaded = null;
                current.instances().forEach(HandlerInstance::close);
                deleteQuietly(current.blob().directory());
                lastError = reason;
                phase = DriverState.FAILED;
                reportFailure(current.owner(), "driver '" + name + "' failed to load: " + reason);
            } finally {
                lifecycle.unlock();
            }
        });
    }

    /** Records a handler's breach of the framing contract that did not cost the caller its reply. */
    void protocolViolation(String message) {
        lastError = message;
        services.log().warn("driver '" + name + "': " + message);
    }

    void handlerStarted(HandlerInstance instance, HandlerProcess process) {
        starts.increment();
        publishHandler(DriverEvent.Type.HANDLER_STARTED, instance, process, "handler " + process.label() + " started");
    }

    /** Eager exit detection: runs on the JDK's process reaper as soon as a handler dies. */
    void handlerExited(HandlerInstance instance, HandlerProcess process) {
        if (process.killedByUs() || loaded == null) {
            return;
        }
        process.killOrphans();
        String message = "handler " + process.label() + " " + process.describeExit(Duration.ZERO)
                + "; the next call restarts it";
        lastError = message;
        services.log().warn("driver '" + name + "': " + message);
        publishHandler(DriverEvent.Type.HANDLER_EXITED, instance, process, "driver '" + name + "': " + message);
    }

    /**
     * Records which installed bundle declares the driver (the extender sees
     * the header while the bundle is merely installed), for lazy loading.
     *
     * @param bundle the declaring bundle, or null when it went away
     */
    public void declaredBy(Bundle bundle) {
        declaringBundle = bundle;
    }

    /** @return the declaring bundle, or null */
    public Bundle declaringBundle() {
        return declaringBundle;
    }

    /**
     * @param bundle a bundle
     * @return whether the loaded handler comes from that bundle
     */
    public boolean isOwnedBy(Bundle bundle) {
        Loaded current = loaded;
        return current != null && current.owner().getBundleId() == bundle.getBundleId();
    }

    /** @return whether a handler is loaded */
    public boolean isLoaded() {
        return loaded != null;
    }

    /**
     * Records a failure that happened before {@link #load} could run (a bad
     * header), so that operators see it.
     *
     * @param reason what was wrong
     */
    public void failed(String reason) {
        lifecycle.lock();
        try {
            if (loaded == null) {
                lastError = reason;
                phase = DriverState.FAILED;
                publish(DriverEvent.Type.FAILED, declaringBundle, reason);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private void publish(DriverEvent.Type type, Bundle bundle, String message) {
        services.events().publish(DriverEvent.of(type, name, bundle, message));
    }

    /** The driver is now FAILED: said in the log and on the event bus alike. */
    private void reportFailure(Bundle bundle, String message) {
        services.log().error(message);
        publish(DriverEvent.Type.FAILED, bundle, message);
    }

    private void publishHandler(DriverEvent.Type type, HandlerInstance instance, HandlerProcess process,
            String message) {
        Loaded current = loaded;
        services.events().publish(new DriverEvent(type, name, current != null ? current.owner() : declaringBundle,
                OptionalInt.of(instance.index()), OptionalLong.of(process.pid()), message));
    }

    /** @return the driver name */
    public String name() {
        return name;
    }

    /** @return a consistent-enough snapshot for operators */
    public DriverInfo snapshot() {
        Loaded current = loaded;
        Bundle bundle = current != null ? current.owner() : declaringBundle;
        var instances = current == null ? List.<io.github.umdosgi.api.InstanceInfo>of()
                : current.instances().stream().map(HandlerInstance::snapshot).toList();
        DriverState state = phase;
        if (state == DriverState.IDLE && instances.stream().anyMatch(io.github.umdosgi.api.InstanceInfo::busy)) {
            state = DriverState.RUNNING;
        }
        return new DriverInfo(name, bundle == null ? -1 : bundle.getBundleId(),
                bundle == null ? "" : Objects.toString(bundle.getSymbolicName(), ""), state, instances,
                calls.sum(), failures.sum(), starts.sum(), Optional.ofNullable(lastError),
                Optional.ofNullable(current).map(Loaded::descriptor));
    }

    private void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            DriverDirectories.deleteTree(directory);
        } catch (IOException e) {
            services.log().error("driver '" + name + "': cannot delete " + directory + ": " + e.getMessage());
        }
    }

    /** Exceptions carry "driver 'x': " already; the driver's own records do not need it twice. */
    private String stripPrefix(String message) {
        String prefix = "driver '" + name + "': ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
