package io.github.umdosgi.impl.manager;

import java.util.List;
import java.util.Objects;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.driver.Driver;

/**
 * The operator service: restart, kill or unload any driver. A service object
 * of its own, so that permission to get it is permission to use it.
 * Stateless beyond its reference.
 */
@Component(service = UmdAdmin.class)
public final class UmdAdminService implements UmdAdmin {

    private final ManagedDrivers drivers;

    /** @param drivers the manager's drivers */
    @Activate
    public UmdAdminService(@Reference ManagedDrivers drivers) {
        this.drivers = drivers;
    }

    @Override
    public DriverInfo restart(String name) throws UmdException {
        Driver driver = drivers.require(name);
        driver.restart();
        return driver.snapshot();
    }

    @Override
    public int kill(String name) throws DriverNotLoadedException {
        return drivers.require(name).kill();
    }

    @Override
    public List<String> stderr(String driverName, int maxLines) throws UmdException {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be at least 1, was " + maxLines);
        }
        return drivers.require(driverName).stderr().last(maxLines);
    }

    @Override
    public void unload(String name) {
        Objects.requireNonNull(name, "name");
        drivers.find(name).ifPresent(drivers::unload);
    }
}
