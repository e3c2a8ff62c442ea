package io.github.umdosgi.impl.driver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.impl.config.DriverOverrides;

/**
 * What an operator sees of a driver beyond {@link io.github.umdosgi.api.DriverInfo}: where each
 * setting came from, the extracted handler and each instance's history. For {@code umd:info};
 * immutable, taken from one read of the driver's state.
 *
 * @param declared what the header or the loading bundle declared, before overrides; null before any load
 * @param declaredByHeader whether a {@code UMD-Driver} header declares it (else a bundle's DriverLoader loaded it)
 * @param overrides the operator's configuration, {@link DriverOverrides#NONE} without one
 * @param effective the settings in force; null when not loaded
 * @param executable the extracted handler; null when not loaded
 * @param sha256 the handler's digest; null when not loaded
 * @param instances one entry per handler slot of the current load
 */
public record DriverDetails(DriverDescriptor declared, boolean declaredByHeader, DriverOverrides overrides,
        DriverDescriptor effective, Path executable, String sha256, List<Instance> instances) {

    /** Copies the list. */
    public DriverDetails {
        instances = List.copyOf(instances);
    }

    /**
     * One handler slot.
     *
     * @param index the instance number
     * @param pid the running handler's pid, empty when none runs
     * @param busy whether a call holds it
     * @param startedAt when the running handler started; null when none runs
     * @param lastExit how the previous handler ended (e.g. "was killed by signal 9 (SIGKILL) by umd:kill"),
     *        null when none ended yet
     * @param calls calls it answered
     * @param starts handler starts
     */
    public record Instance(int index, OptionalLong pid, boolean busy, Instant startedAt, String lastExit, long calls,
            long starts) {
    }
}
