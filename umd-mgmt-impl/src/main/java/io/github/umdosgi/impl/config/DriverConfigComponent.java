package io.github.umdosgi.impl.config;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One instance per factory configuration {@value DriverConfig#FACTORY_PID}:
 * hands the overrides to the manager, and takes them back when the
 * configuration is deleted.
 *
 * <p>A configuration without a name is logged as an error and otherwise
 * ignored until it is given one: throwing would fail the component, and SCR
 * would not try again when the configuration is corrected (FileInstall, for
 * one, delivers a file it is still writing as an empty configuration).
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

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private String driverName;

    @Activate
    @Modified
    void apply(DriverConfig config, java.util.Map<String, Object> properties) {
        String name = config.name();
        if (driverName != null && !driverName.equals(name)) {
            configurator.configure(driverName, DriverOverrides.NONE);
            driverName = null;
        }
        if (name == null || name.isBlank()) {
            logger.error("configuration {} ({}) has no 'name'; it applies to no driver until it has one",
                    properties.get("service.pid"), properties.getOrDefault("felix.fileinstall.filename", "-"));
            return;
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
