package io.github.umdosgi.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Programmatic loading, bound to the bundle that got the service: the
 * kernel's {@code umd_mgmt_load} and {@code umd_mgmt_unload} for a bundle
 * with Java code. The service is a service factory, so each bundle gets its
 * own loader, and that bundle is the owner of everything it loads: the
 * handler is read from that bundle's entries, so a bundle can run only the
 * executables it carries, and it can unload only the drivers it loaded
 * through this loader.
 *
 * <p>The drivers a bundle loaded are unloaded when it ungets the service
 * (which the framework does when the bundle stops) and, in any case, when the
 * bundle stops. Drivers declared with the {@value UmdManager#DRIVER_HEADER}
 * header are the manager's extender's; they are not loaded or unloaded here.
 *
 * <p>All methods are thread safe.
 *
 * @since 2.0
 */
@ProviderType
public interface DriverLoader {

    /**
     * Loads a driver from this loader's bundle: extracts
     * {@link DriverDescriptor#handler()} from the bundle, starts it and runs
     * the post-start hook. Loading a driver this bundle has already loaded
     * changes nothing and returns its snapshot.
     *
     * @param descriptor what to run; its handler is an entry of this loader's bundle
     * @param hook run after each start of the handler, before any caller may use it; may be null
     * @return a snapshot of the loaded driver
     * @throws DriverOwnershipException another bundle loaded a driver of that name, or a
     *         {@value UmdManager#DRIVER_HEADER} header declares it
     * @throws HandlerStartException the handler could not be extracted (for example, this bundle
     *         has no such entry) or started, or the hook failed
     * @throws UmdException another typed failure of the start
     * @throws IllegalStateException this loader's bundle is not starting or active
     */
    DriverInfo load(DriverDescriptor descriptor, PostStartHook hook) throws UmdException;

    /**
     * Unloads a driver this bundle loaded through this loader: kills its
     * handlers, closes their pipes and deletes its private directory. Calls
     * in flight fail with {@link TransportException}. Does nothing when no
     * driver of that name is loaded.
     *
     * @param name the driver name
     * @throws DriverOwnershipException a driver of that name is loaded, but not by this loader
     */
    void unload(String name) throws DriverOwnershipException;
}
