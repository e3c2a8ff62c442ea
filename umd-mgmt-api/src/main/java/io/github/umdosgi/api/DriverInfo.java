package io.github.umdosgi.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An immutable snapshot of one driver, taken at the moment it was asked for.
 *
 * @param name the driver name
 * @param bundleId id of the bundle that declares the driver, or -1 when none does
 * @param bundleSymbolicName symbolic name of that bundle, or empty
 * @param state the life cycle state
 * @param instances one entry per handler instance; empty when not loaded
 * @param calls calls completed with a reply
 * @param failures calls that ended in an exception
 * @param starts handler processes started, restarts included
 * @param lastError the message of the last failure, if any
 * @param settings the effective settings (the header with operator overrides applied) while loaded,
 *        so that a caller can size its buffers and an operator can see the sandbox; empty when not loaded
 */
public record DriverInfo(
        String name,
        long bundleId,
        String bundleSymbolicName,
        DriverState state,
        List<InstanceInfo> instances,
        long calls,
        long failures,
        long starts,
        Optional<String> lastError,
        Optional<DriverDescriptor> settings) {

    /** Checks the components and copies the instance list. */
    public DriverInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bundleSymbolicName, "bundleSymbolicName");
        Objects.requireNonNull(state, "state");
        instances = List.copyOf(instances);
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * The pid of the first instance's live handler process.
     *
     * @return the pid, or empty when no handler runs
     */
    public OptionalLong pid() {
        return instances.stream()
                .filter(i -> i.pid().isPresent())
                .mapToLong(i -> i.pid().getAsLong())
                .findFirst();
    }
}
