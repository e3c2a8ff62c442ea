package io.github.umdosgi.impl.driver;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.impl.config.DriverOverrides;

/**
 * Every driver the manager knows, by name: declared by an installed bundle's
 * header, loaded programmatically, or configured. A driver leaves the
 * registry when it is none of these any more. Beside the driver, so that the
 * manager and the extender both depend on it and not on each other.
 *
 * <p>Thread safe: the map is concurrent. Forgetting a driver retires it under
 * its own lock ({@link Driver#retireIfUnused}), inside the map's atomic
 * remove; whatever attaches to a driver ({@link #load}, {@link #configure},
 * {@link #declare}) does so under that lock and, when it finds the driver
 * retired, attaches to the one the map holds now. So a load racing an unload
 * of the same name never runs a handler the registry does not know.
 */
public final class DriverRegistry {

    private final ConcurrentHashMap<String, Driver> drivers = new ConcurrentHashMap<>();
    private final DriverServices services;

    /** @param services handed to every driver */
    public DriverRegistry(DriverServices services) {
        this.services = services;
    }

    /**
     * @param name a driver name
     * @return the driver, created when unknown
     */
    public Driver obtain(String name) {
        return drivers.computeIfAbsent(name, n -> new Driver(n, services));
    }

    /**
     * @param name a driver name
     * @return the driver, if known
     */
    public Optional<Driver> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(drivers.get(name));
    }

    /** @return all drivers sorted by name */
    public List<Driver> all() {
        return drivers.values().stream().sorted(Comparator.comparing(Driver::name)).toList();
    }

    /**
     * Loads a driver programmatically; see {@link Driver#load}.
     *
     * @param owner the bundle embedding the handler
     * @param descriptor what to run
     * @param hook the post-start hook, or null
     * @return the loaded driver, known to the registry
     * @throws HandlerStartException the load failed
     */
    public Driver load(Bundle owner, DriverDescriptor descriptor, PostStartHook hook) throws HandlerStartException {
        for (;;) {
            Driver driver = obtain(descriptor.name());
            try {
                driver.load(owner, descriptor, hook);
                return driver;
            } catch (Driver.Retired forgotten) {
                // Forgotten between obtain and load: the next obtain creates its successor.
            }
        }
    }

    /**
     * Applies operator overrides to a driver, known or not, and forgets it
     * again when they were the defaults and nothing else holds it.
     *
     * @param name the driver name
     * @param overrides the overrides
     */
    public void configure(String name, DriverOverrides overrides) {
        for (;;) {
            Driver driver = obtain(name);
            try {
                driver.configure(overrides);
                forgetIfUnused(driver);
                return;
            } catch (Driver.Retired forgotten) {
                // As in load.
            }
        }
    }

    /**
     * Records the declaring bundle of a driver, known or not.
     *
     * @param name the driver name
     * @param bundle the declaring bundle
     * @return the driver
     */
    public Driver declare(String name, Bundle bundle) {
        for (;;) {
            Driver driver = obtain(name);
            try {
                driver.declaredBy(bundle);
                return driver;
            } catch (Driver.Retired forgotten) {
                // As in load.
            }
        }
    }

    /**
     * Unloads a driver and forgets it if nothing else holds it.
     *
     * @param name the driver name
     */
    public void unload(String name) {
        find(name).ifPresent(driver -> {
            driver.unload();
            forgetIfUnused(driver);
        });
    }

    /**
     * Drops the driver if nothing declares, loads or configures it any more.
     *
     * @param driver the driver
     */
    public void forgetIfUnused(Driver driver) {
        drivers.computeIfPresent(driver.name(), (n, d) -> d == driver && d.retireIfUnused() ? null : d);
    }

    /**
     * Unloads every driver whose handler comes from {@code owner}: the owner is stopping.
     *
     * @param owner the stopping bundle
     */
    public void unloadOwnedBy(Bundle owner) {
        for (Driver driver : all()) {
            if (driver.isOwnedBy(owner)) {
                driver.unload();
                forgetIfUnused(driver);
            }
        }
    }

    /** Unloads every driver: the manager is going away. */
    public void unloadAll() {
        all().forEach(Driver::unload);
        drivers.clear();
    }
}
