package io.github.umdosgi.impl.config;

/**
 * Internal service through which configurations reach the manager; registered
 * by the manager component, used only inside this bundle.
 */
public interface DriverConfigurator {

    /**
     * Applies overrides to a driver, reloading it when loaded.
     *
     * @param driverName the driver
     * @param overrides the overrides
     */
    void configure(String driverName, DriverOverrides overrides);
}
