package io.github.umdosgi.impl.config;

import java.util.List;
import java.util.Optional;

/**
 * A driver configuration that must not be applied: its message names the
 * configuration (PID, and file when FileInstall delivered it), the driver
 * when the configuration names a valid one, and every key that is wrong.
 */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String driverName;
    private final List<String> problems;

    InvalidConfigurationException(String configuration, String driverName, List<String> problems) {
        super(configuration + (driverName == null ? "" : " for driver '" + driverName + "'")
                + " is invalid and not applied: " + String.join("; ", problems));
        this.driverName = driverName;
        this.problems = List.copyOf(problems);
    }

    /** @return the driver the configuration names, when its name is valid */
    public Optional<String> driverName() {
        return Optional.ofNullable(driverName);
    }

    /** @return one message per wrong key, each starting with the key */
    public List<String> problems() {
        return problems;
    }
}
