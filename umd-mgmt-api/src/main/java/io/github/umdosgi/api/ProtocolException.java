package io.github.umdosgi.api;

/**
 * The handler broke the framing contract: a reply length that is negative or above the maximum,
 * output nobody asked for, or a truncated frame. The handler was killed.
 */
public class ProtocolException extends TransportException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public ProtocolException(String driverName, String message, Throwable cause) {
        super(driverName, message, cause);
    }

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public ProtocolException(String driverName, String message) {
        super(driverName, message, null);
    }
}
