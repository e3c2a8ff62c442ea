package io.github.umdosgi.api;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * The user mode driver manager: the OSGi counterpart of the kernel's
 * {@code umd_mgmt_send_recv}, {@code umd_mgmt_load} and
 * {@code umd_mgmt_unload}.
 *
 * <p>A driver is declared by a bundle, either with the {@value #DRIVER_HEADER}
 * manifest header (read by the manager's extender when the bundle starts) or
 * programmatically with {@link #load(Bundle, DriverDescriptor, PostStartHook)}.
 * Calls to one driver instance are serialised: one request frame out, one
 * reply frame back. A call that finds the driver not loaded starts the
 * installed bundle that declares it, as the kernel's {@code request_module}
 * does, and fails with {@link DriverNotLoadedException} if it is still not
 * loaded afterwards.
 *
 * <p>All methods are thread safe.
 */
@ProviderType
public interface UmdManager {

    /**
     * The manifest header that declares a driver:
     * {@code UMD-Driver: <name>;handler=<path in bundle>[;sha256=<hex>][;timeout=<ms>][;max-message=<bytes>][;post-start=<class>]}
     * (more attributes in the README; several clauses for one name select a handler by {@code osname} and
     * {@code processor}).
     */
    String DRIVER_HEADER = "UMD-Driver";

    /**
     * Prefix of the topics under which the manager posts driver events when an
     * OSGi Event Admin runs: {@code LOADED}, {@code UNLOADED}, {@code FAILED},
     * {@code HANDLER_STARTED} and {@code HANDLER_EXITED} (a handler died without
     * being asked to). Subscribe to {@code io/github/umdosgi/driver/*} for all of
     * them. Every event carries {@link #EVENT_DRIVER} and {@code message}; the
     * bundle properties of {@code org.osgi.service.event.EventConstants} when a
     * bundle is concerned; {@link #EVENT_INSTANCE} and {@link #EVENT_PID} for
     * handler events.
     *
     * @since 1.1
     */
    String EVENT_TOPIC_PREFIX = "io/github/umdosgi/driver/";

    /** Event property: the driver name ({@code String}). @since 1.1 */
    String EVENT_DRIVER = "driver.name";

    /** Event property: the handler instance's index ({@code Integer}). @since 1.1 */
    String EVENT_INSTANCE = "driver.instance";

    /** Event property: the handler's process id ({@code Long}). @since 1.1 */
    String EVENT_PID = "driver.pid";

    /** Default per-call timeout, used when neither the call nor the driver sets one: 30 seconds. */
    Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** Default maximum size of one request or reply payload: 64 MiB. */
    int DEFAULT_MAX_MESSAGE_SIZE = 64 << 20;

    /**
     * Looks up a driver by name.
     *
     * @param name the driver name
     * @return a snapshot of the driver, or empty when no bundle declares it
     */
    Optional<DriverInfo> driver(String name);

    /**
     * Lists every known driver, loaded or not, sorted by name.
     *
     * @return snapshots of all drivers
     */
    List<DriverInfo> drivers();

    /**
     * Sends one request to the driver and returns its reply, with the driver's
     * default timeout.
     *
     * @param name the driver name
     * @param request the request payload, at most the driver's maximum message size
     * @return the reply payload
     * @throws DriverNotLoadedException the driver is unknown or could not be loaded
     * @throws HandlerStartException the handler could not be (re)started
     * @throws MessageTooLargeException the request exceeds the maximum message size
     * @throws CallTimeoutException no reply came within the timeout; the handler was killed
     * @throws NoInstanceFreeException (a {@link CallTimeoutException}) the timeout passed while every
     *         instance was busy or the driver was starting; nothing was sent or killed
     * @throws ProtocolException the handler broke the framing; the handler was killed
     * @throws TransportException the pipes failed or the handler died; the handler was killed
     */
    byte[] call(String name, byte[] request) throws UmdException;

    /**
     * Sends one request to the driver and returns its reply.
     *
     * @param name the driver name
     * @param request the request payload
     * @param timeout how long to wait for the driver lock and the reply together; positive
     * @return the reply payload
     * @throws UmdException as for {@link #call(String, byte[])}
     */
    byte[] call(String name, byte[] request, Duration timeout) throws UmdException;

    /**
     * Sends one request to the driver and reads its reply into the caller's
     * buffer, with the driver's default timeout. Nothing is allocated per
     * call; with direct buffers the payload moves between the pipes and the
     * buffers without any copy in the JVM, which makes this the fast form for
     * large messages.
     *
     * <p>The request is the bytes from {@code request}'s position to its
     * limit. The reply is written at {@code reply}'s position. On success the
     * request's position is at its limit and the reply's position has advanced
     * by the reply's length; limits never change. On failure both positions
     * are unchanged, and the bytes of {@code reply} between its position and
     * its limit may have been overwritten. The two buffers must not overlap.
     *
     * @param name the driver name
     * @param request the request payload, at most the driver's maximum message size
     * @param reply where the reply goes; not read-only
     * @return the reply's length in bytes
     * @throws MessageTooLargeException the request exceeds the maximum message size (nothing was
     *         sent), or the reply is longer than {@code reply.remaining()} (it was read and dropped;
     *         the handler keeps running)
     * @throws UmdException otherwise as for {@link #call(String, byte[])}
     * @since 1.1
     */
    int call(String name, ByteBuffer request, ByteBuffer reply) throws UmdException;

    /**
     * As {@link #call(String, ByteBuffer, ByteBuffer)}, with a timeout.
     *
     * @param name the driver name
     * @param request the request payload
     * @param reply where the reply goes; not read-only
     * @param timeout how long to wait for the driver lock and the reply together; positive, or null
     *        for the driver's own
     * @return the reply's length in bytes
     * @throws UmdException as for {@link #call(String, ByteBuffer, ByteBuffer)}
     * @since 1.1
     */
    int call(String name, ByteBuffer request, ByteBuffer reply, Duration timeout) throws UmdException;

    /**
     * Loads a driver programmatically: extracts the handler from the owner
     * bundle, starts it and runs the post-start hook, as the kernel's
     * {@code umd_mgmt_load}. The driver is unloaded automatically when the
     * owner bundle stops.
     *
     * @param owner the bundle that embeds the handler; must be starting or active
     * @param descriptor what to run
     * @param hook run after each start of the handler, while the starting thread holds that handler
     *        instance's lock (see {@link PostStartHook}); may be null
     * @return a snapshot of the loaded driver
     * @throws HandlerStartException the handler could not be started or the hook failed
     * @throws IllegalStateException a driver with that name is already loaded by another bundle
     */
    DriverInfo load(Bundle owner, DriverDescriptor descriptor, PostStartHook hook) throws UmdException;

    /**
     * Unloads a driver: kills its handler, closes its pipes and deletes its
     * private directory, as the kernel's {@code umd_mgmt_unload}. Calls in
     * flight fail with {@link TransportException}. Does nothing when the driver
     * is not loaded.
     *
     * @param name the driver name
     */
    void unload(String name);

    /**
     * Operator restart: kills the handler if it runs, clears a failed state and
     * the restart history, and starts the handler again.
     *
     * @param name the driver name
     * @return a snapshot after the restart
     * @throws UmdException the driver is not loaded or the handler could not be started
     */
    DriverInfo restart(String name) throws UmdException;

    /**
     * Sends SIGKILL to the driver's handler processes (for operators and tests);
     * the next call restarts them.
     *
     * @param name the driver name
     * @return how many handler processes were signalled
     * @throws DriverNotLoadedException the driver is not loaded
     */
    int kill(String name) throws DriverNotLoadedException;
}
