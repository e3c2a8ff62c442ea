package io.github.umdosgi.impl.config;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One instance per factory configuration {@value DriverConfig#FACTORY_PID}:
 * hands the overrides to the manager, and takes them back when the
 * configuration is deleted.
 *
 * <p>{@link #driverName} is written by SCR's activate/modified callbacks,
 * which SCR never runs concurrently for one component instance.
 */
@Component(configurationPid = DriverConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = DriverConfig.class, factory = true)
public final class DriverConfigComponent {

    @Reference
    private DriverConfigurator configurator;

    private String driverName;

    @Activate
    @Modified
    void apply(DriverConfig config) {
        String name = config.name();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("configuration " + DriverConfig.FACTORY_PID + " needs a 'name'");
        }
        if (driverName != null && !driverName.equals(name)) {
            configurator.configure(driverName, DriverOverrides.NONE);
        }
        driverName = name;
        configurator.configure(name, DriverOverrides.of(config));
    }

    @Deactivate
    void remove() {
        if (driverName != null) {
            configurator.configure(driverName, DriverOverrides.NONE);
        }
    }
}
