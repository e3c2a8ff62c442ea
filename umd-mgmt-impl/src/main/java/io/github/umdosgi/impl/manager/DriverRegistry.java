package io.github.umdosgi.impl.manager;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;

import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.driver.DriverServices;

/**
 * Every driver the manager knows, by name: declared by an installed bundle's
 * header, or loaded programmatically. A driver leaves the registry when it is
 * neither declared nor loaded any more.
 *
 * <p>Thread safe: the map is concurrent; a driver's own state is its own business.
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
     * Drops the driver if nothing declares or loads it any more.
     *
     * @param driver the driver
     */
    public void forgetIfUnused(Driver driver) {
        drivers.computeIfPresent(driver.name(), (n, d) ->
                d == driver && !d.isLoaded() && d.declaringBundle() == null && !d.isConfigured() ? null : d);
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
