package io.github.umdosgi.api;

/**
 * The call's timeout passed before the call reached a handler: every handler
 * instance stayed busy with other calls, or the driver was still starting or
 * being reloaded. Nothing was sent and nothing was killed; retrying later, or
 * configuring more instances, may succeed. A subclass of
 * {@link CallTimeoutException}, so code written before it was split off
 * still catches it.
 *
 * @since 2.0
 */
public class NoInstanceFreeException extends CallTimeoutException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public NoInstanceFreeException(String driverName, String message) {
        super(driverName, message, null);
    }
}
