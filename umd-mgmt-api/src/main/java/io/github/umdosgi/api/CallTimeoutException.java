package io.github.umdosgi.api;

/**
 * No reply came within the call's timeout: the handler and its process tree were killed and the
 * next call starts a new one. Also thrown, with nothing killed, when every handler instance
 * stayed busy until the timeout.
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
