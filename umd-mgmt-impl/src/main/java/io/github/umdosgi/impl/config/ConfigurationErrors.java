package io.github.umdosgi.impl.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Component;

/**
 * The driver configurations that were rejected and are not in force, by
 * PID, so that operators see why in {@code umd:info} and not only in the log.
 * Internal to this bundle: written by {@link DriverConfigComponent}, read by
 * the shell commands.
 *
 * <p>Thread safe: the map is concurrent, and each PID is written only by its
 * own configuration component, whose callbacks SCR serializes.
 */
@Component(service = ConfigurationErrors.class)
public final class ConfigurationErrors {

    /** A rejection: the driver it names (empty when its name is missing or invalid) and the message. */
    private record Rejection(Optional<String> driverName, String message) {
    }

    private final Map<String, Rejection> byPid = new ConcurrentHashMap<>();

    /**
     * @param pid the rejected configuration
     * @param problem why
     */
    public void reject(String pid, InvalidConfigurationException problem) {
        byPid.put(pid, new Rejection(problem.driverName(), problem.getMessage()));
    }

    /** @param pid a configuration that is now applied or deleted */
    public void clear(String pid) {
        byPid.remove(pid);
    }

    /**
     * @param driverName a driver
     * @return the messages of the rejected configurations naming it, in PID order, joined; empty when none
     */
    public Optional<String> forDriver(String driverName) {
        String joined = new TreeMap<>(byPid).values().stream()
                .filter(r -> r.driverName().filter(driverName::equals).isPresent())
                .map(Rejection::message).collect(Collectors.joining(" | "));
        return joined.isEmpty() ? Optional.empty() : Optional.of(joined);
    }

    /** @return every rejected configuration's message, by PID */
    public Map<String, String> all() {
        return new TreeMap<>(byPid.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().message())));
    }
}
