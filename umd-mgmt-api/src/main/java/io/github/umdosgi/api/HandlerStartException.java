package io.github.umdosgi.api;

/**
 * The handler could not be started: extraction, integrity check, exec, post-start hook, start
 * timeout, or the restart policy gave up. The driver's state says whether it is now failed.
 */
public class HandlerStartException extends UmdException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public HandlerStartException(String driverName, String message, Throwable cause) {
        super(driverName, message, cause);
    }

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public HandlerStartException(String driverName, String message) {
        super(driverName, message, null);
    }
}
