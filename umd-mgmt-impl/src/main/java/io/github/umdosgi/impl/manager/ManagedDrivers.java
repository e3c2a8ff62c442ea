package io.github.umdosgi.impl.manager;

import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverOwnershipException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.driver.Driver;

/**
 * Internal service through which the three API services reach the drivers
 * that {@link UmdManagerComponent} holds; used only inside this bundle. The
 * API services are objects of their own, not this one, so that a bundle
 * allowed only the client service cannot reach operator methods through the
 * object it got (by a cast or by reflection on its public methods).
 */
public interface ManagedDrivers {

    /**
     * @param name a driver name, or null
     * @return the driver, if known
     */
    Optional<Driver> find(String name);

    /**
     * @param name a driver name
     * @return the driver
     * @throws NullPointerException name is null
     * @throws DriverNotLoadedException no bundle declares or loaded it
     */
    Driver require(String name) throws DriverNotLoadedException;

    /** @return every known driver, sorted by name */
    List<Driver> all();

    /**
     * Loads a driver whose handler comes from {@code owner}, refusing a name that is another's.
     *
     * @param owner the bundle that embeds the handler and owns the driver
     * @param descriptor what to run
     * @param hook the post-start hook, or null
     * @return the loaded driver
     * @throws DriverOwnershipException another bundle loaded the name, or a header declares it
     * @throws UmdException the handler could not be started
     * @throws IllegalStateException the owner is not starting or active
     */
    Driver load(Bundle owner, DriverDescriptor descriptor, PostStartHook hook) throws UmdException;

    /**
     * Unloads a driver, whoever loaded it, and forgets it when nothing declares it any more.
     *
     * @param driver the driver
     */
    void unload(Driver driver);
}
