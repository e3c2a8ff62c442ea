package io.github.umdosgi.impl.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.RestartPolicy;

/**
 * Operator overrides, applied on top of what a bundle declares. Immutable.
 * Zero, -1 and empty mean "as declared".
 *
 * @param instances handler instances, or 0
 * @param timeoutMillis per-call timeout, or 0
 * @param startTimeoutMillis start timeout, or 0
 * @param maxMessage maximum message size, or 0
 * @param restartIntensity restarts per period, or -1
 * @param restartPeriodMillis restart period, or 0
 * @param environment allowlisted JVM variables, or empty
 * @param wrapper launch wrapper argv, or empty
 */
public record DriverOverrides(int instances, long timeoutMillis, long startTimeoutMillis, int maxMessage,
        int restartIntensity, long restartPeriodMillis, List<String> environment, List<String> wrapper) {

    /** Overrides that change nothing. */
    public static final DriverOverrides NONE = new DriverOverrides(0, 0, 0, 0, -1, 0, List.of(), List.of());

    /** Copies the lists. */
    public DriverOverrides {
        environment = List.copyOf(environment);
        wrapper = List.copyOf(wrapper);
    }

    /**
     * @param config a configuration
     * @return its overrides
     */
    public static DriverOverrides of(DriverConfig config) {
        return new DriverOverrides(config.instances(), config.timeout(), config.start_timeout(),
                config.max_message(), config.restart_intensity(), config.restart_period(),
                words(config.env()), words(config.wrapper()));
    }

    /**
     * @param declared what the bundle declares
     * @return the descriptor to run
     * @throws IllegalArgumentException an override is invalid
     */
    public DriverDescriptor applyTo(DriverDescriptor declared) {
        DriverDescriptor d = declared;
        if (instances > 0) {
            d = d.withInstances(instances);
        }
        if (timeoutMillis > 0) {
            d = d.withCallTimeout(Duration.ofMillis(timeoutMillis));
        }
        if (startTimeoutMillis > 0) {
            d = d.withStartTimeout(Duration.ofMillis(startTimeoutMillis));
        }
        if (maxMessage > 0) {
            d = d.withMaxMessageSize(maxMessage);
        }
        RestartPolicy policy = d.restartPolicy();
        if (restartIntensity >= 0 || restartPeriodMillis > 0) {
            d = d.withRestartPolicy(policy.withIntensity(restartIntensity >= 0 ? restartIntensity : policy.intensity(),
                    restartPeriodMillis > 0 ? Duration.ofMillis(restartPeriodMillis) : policy.period()));
        }
        if (!environment.isEmpty()) {
            d = d.withEnvironment(environment);
        }
        if (!wrapper.isEmpty()) {
            d = d.withWrapper(wrapper);
        }
        return d;
    }

    /** FileInstall and the web console may hand a list as one string; accept both forms. */
    private static List<String> words(String[] values) {
        return Arrays.stream(values).flatMap(v -> Arrays.stream(v.trim().split("[\\s,]+")))
                .filter(w -> !w.isEmpty()).toList();
    }
}
