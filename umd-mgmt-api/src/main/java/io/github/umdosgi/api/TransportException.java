package io.github.umdosgi.api;

/**
 * The exchange with the handler failed (broken pipe, end of stream, handler died, driver unloaded
 * during the call). The handler was shut down; the next call starts a new one.
 */
public class TransportException extends UmdException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public TransportException(String driverName, String message, Throwable cause) {
        super(driverName, message, cause);
    }

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public TransportException(String driverName, String message) {
        super(driverName, message, null);
    }
}
