package io.github.umdosgi.impl.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.RestartPolicy;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.sandbox.SandboxAttributes;

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
 * @param sandbox sandbox settings by their header key ({@link SandboxAttributes#KEYS}); absent keys as declared
 */
public record DriverOverrides(int instances, long timeoutMillis, long startTimeoutMillis, int maxMessage,
        int restartIntensity, long restartPeriodMillis, List<String> environment, List<String> wrapper,
        Map<String, String> sandbox) {

    /** Overrides that change nothing. */
    public static final DriverOverrides NONE = new DriverOverrides(0, 0, 0, 0, -1, 0, List.of(), List.of(), Map.of());

    /** Copies the lists. */
    public DriverOverrides {
        environment = List.copyOf(environment);
        wrapper = List.copyOf(wrapper);
        sandbox = Map.copyOf(sandbox);
    }

    /**
     * @param declared what the bundle declares
     * @return the descriptor to run
     * @throws IllegalArgumentException an override is invalid
     */
    public DriverDescriptor applyTo(DriverDescriptor declared) {
        DriverDescriptor.Builder d = declared.toBuilder();
        if (instances > 0) {
            d.instances(instances);
        }
        if (timeoutMillis > 0) {
            d.callTimeout(Duration.ofMillis(timeoutMillis));
        }
        if (startTimeoutMillis > 0) {
            d.startTimeout(Duration.ofMillis(startTimeoutMillis));
        }
        if (maxMessage > 0) {
            d.maxMessageSize(maxMessage);
        }
        RestartPolicy policy = declared.restartPolicy();
        if (restartIntensity >= 0 || restartPeriodMillis > 0) {
            d.restartPolicy(policy.withIntensity(restartIntensity >= 0 ? restartIntensity : policy.intensity(),
                    restartPeriodMillis > 0 ? Duration.ofMillis(restartPeriodMillis) : policy.period()));
        }
        if (!environment.isEmpty()) {
            d.environment(environment);
        }
        if (!wrapper.isEmpty()) {
            d.wrapper(wrapper);
        }
        if (!sandbox.isEmpty()) {
            Sandbox.Builder box = declared.sandbox().toBuilder();
            sandbox.forEach((key, value) -> SandboxAttributes.apply(box, key, value));
            d.sandbox(box.build());
        }
        return d.build();
    }
}
