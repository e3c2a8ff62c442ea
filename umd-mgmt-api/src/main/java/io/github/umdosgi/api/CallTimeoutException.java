package io.github.umdosgi.api;

/**
 * The call's timeout passed. Thrown as this class when a request was in
 * flight: no reply came in time, the handler and its process tree were
 * killed, and the next call starts a new one. Thrown as the subclass
 * {@link NoInstanceFreeException} when the call never reached a handler:
 * nothing was sent and nothing was killed.
 */
public class CallTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public CallTimeoutException(String driverName, String message, Throwable cause) {
        super(driverName, message, cause);
    }

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public CallTimeoutException(String driverName, String message) {
        super(driverName, message, null);
    }
}
