package io.github.umdosgi.api;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The client service of the user mode driver manager: find drivers, list
 * them and call them; the OSGi counterpart of the kernel's
 * {@code umd_mgmt_send_recv}. Nothing here changes a driver's life: loading
 * and unloading one's own drivers is {@link DriverLoader}'s, and restarting,
 * killing or unloading any driver is the operator service {@link UmdAdmin}'s.
 *
 * <p>A driver is declared by a bundle, either with the {@value #DRIVER_HEADER}
 * manifest header (read by the manager's extender when the bundle starts) or
 * programmatically through that bundle's {@link DriverLoader}. Calls to one
 * driver instance are serialised: one request frame out, one reply frame
 * back. A call that finds the driver not loaded starts the installed bundle
 * that declares it, as the kernel's {@code request_module} does, and fails
 * with {@link DriverNotLoadedException} if it is still not loaded afterwards.
 * What happens to drivers is also posted as events; see {@link UmdEvents}.
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
}
