package io.github.umdosgi.impl.config;

import java.util.Map;

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
 * validates it ({@link ConfigurationValidator}), hands valid overrides to the
 * manager, and takes them back when the configuration is deleted.
 *
 * <p>An invalid configuration (no name, an unknown key, a value SCR could
 * not convert or that is out of range) is logged as an error naming its PID,
 * file and keys, recorded in {@link ConfigurationErrors} for {@code umd:info},
 * and not applied: whatever this configuration applied before stays in
 * force, as the message says. It is never thrown: SCR would fail the
 * component with a stack trace and not try again when the file is corrected
 * (FileInstall, for one, delivers a file it is still writing as an empty
 * configuration). The properties arrive as a map, not through the
 * {@link DriverConfig} annotation, so that SCR converts nothing and cannot
 * fail before the check.
 *
 * <p>{@link #driverName} is written by SCR's activate, modified and
 * deactivate callbacks, which SCR never runs concurrently for one instance.
 */
@Component(configurationPid = DriverConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = DriverConfig.class, factory = true)
public final class DriverConfigComponent {

    @Reference
    private DriverConfigurator configurator;

    @Reference
    private ConfigurationErrors errors;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    // The driver this configuration's overrides are applied to, or null when none are.
    private String driverName;
    private String pid;

    @Activate
    @Modified
    void apply(Map<String, Object> properties) {
        pid = String.valueOf(properties.get("service.pid"));
        ConfigurationValidator.Valid valid;
        try {
            valid = ConfigurationValidator.validate(properties);
        } catch (InvalidConfigurationException e) {
            errors.reject(pid, e);
            logger.error("{}; {}", e.getMessage(), driverName == null ? "no override of it is in force"
                    : "its previous settings for driver '" + driverName + "' stay in force");
            return;
        }
        errors.clear(pid);
        if (driverName != null && !driverName.equals(valid.driverName())) {
            configurator.configure(driverName, DriverOverrides.NONE);
        }
        driverName = valid.driverName();
        configurator.configure(driverName, valid.overrides());
    }

    @Deactivate
    void remove() {
        if (pid != null) {
            errors.clear(pid);
        }
        if (driverName != null) {
            configurator.configure(driverName, DriverOverrides.NONE);
        }
    }
}
