package io.github.umdosgi.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The operator service: acts on any driver, whichever bundle declared or
 * loaded it. For the Gogo commands, a Web Console page, a health check or a
 * test; not for ordinary clients, which use {@link UmdManager} to call
 * drivers and {@link DriverLoader} to load their own.
 *
 * <p>It is a service of its own, with an object of its own, so that a
 * framework running with a security manager can keep it from clients: grant
 * {@code ServicePermission[io.github.umdosgi.api.UmdAdmin, GET]} only to
 * operator bundles (the shell, the console, the health checks), and
 * {@code ServicePermission[io.github.umdosgi.api.UmdManager, GET]} to
 * clients. Without a security manager every bundle can get it.
 *
 * <p>All methods are thread safe.
 *
 * @since 2.0
 */
@ProviderType
public interface UmdAdmin {

    /**
     * Operator restart: kills the handlers if they run, clears a failed
     * state and the restart history, and starts the handlers again.
     *
     * @param name the driver name
     * @return a snapshot after the restart
     * @throws DriverNotLoadedException the driver is unknown or not loaded
     * @throws HandlerStartException the handler could not be started
     * @throws UmdException another typed failure of the start
     */
    DriverInfo restart(String name) throws UmdException;

    /**
     * Sends SIGKILL to the driver's handler processes, as a crash would; the
     * next call restarts them.
     *
     * @param name the driver name
     * @return how many handler processes were signalled
     * @throws DriverNotLoadedException the driver is unknown or not loaded
     */
    int kill(String name) throws DriverNotLoadedException;

    /**
     * Unloads a driver, whoever loaded it: kills its handlers, closes their
     * pipes and deletes its private directory, as the kernel's
     * {@code umd_mgmt_unload}. Calls in flight fail with
     * {@link TransportException}. Does nothing when the driver is not loaded.
     *
     * @param name the driver name
     */
    void unload(String name);

    /**
     * The handler's recent stderr lines, from a bounded buffer the manager
     * keeps for the driver's current load, whatever the log service keeps.
     * The buffer is made new by each load (a bundle start or update, a
     * configuration change) and goes with the load: an unloaded driver has
     * none. A driver whose load failed keeps the failed load's lines until
     * it is loaded again, so that the reason can be read.
     *
     * <p>The lines are raw, as the handler wrote them (decoded as UTF-8,
     * without the newline; a line longer than the manager's bound is cut and
     * ends with a note of how many bytes were dropped): a handler is
     * untrusted, so <b>callers must escape them</b> before they reach a
     * terminal, a log or a page. Lines of all instances are interleaved in
     * the order they were read.
     *
     * @param driverName the driver name
     * @param maxLines at most this many lines, the newest; at least 1
     * @return the lines, oldest first and newest last; empty when the handler wrote nothing
     * @throws DriverNotLoadedException the driver is unknown, or neither loaded nor failed at a load
     * @throws IllegalArgumentException {@code maxLines} is less than 1
     * @throws UmdException another typed failure
     * @since 2.1
     */
    List<String> stderr(String driverName, int maxLines) throws UmdException;
}
