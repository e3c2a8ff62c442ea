package io.github.umdosgi.api;

/**
 * The life cycle state of a driver, as shown by {@link DriverInfo#state()}.
 */
public enum DriverState {
    /** No bundle has loaded the driver, or it was unloaded. Calls try to load it first. */
    NOT_LOADED,
    /** Loaded; the handler is being started or its post-start hook runs. */
    STARTING,
    /** Loaded; no call is in progress. The handler may be alive or waiting to be restarted by the next call. */
    IDLE,
    /** Loaded; a call is in progress. */
    RUNNING,
    /** The driver is being unloaded. */
    STOPPING,
    /**
     * Loading or restarting failed, or the restart policy gave up; see
     * {@link DriverInfo#lastError()}. An operator restart or restarting the
     * bundle clears it.
     */
    FAILED
}
