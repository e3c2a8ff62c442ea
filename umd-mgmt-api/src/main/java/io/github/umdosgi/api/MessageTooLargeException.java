package io.github.umdosgi.api;

/**
 * A request is larger than the driver's maximum message size (nothing was sent), or a reply is
 * larger than the buffer the caller gave for it (the reply was read and dropped). Either way the
 * handler keeps running.
 */
public class MessageTooLargeException extends UmdException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public MessageTooLargeException(String driverName, String message, Throwable cause) {
        super(driverName, message, cause);
    }

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public MessageTooLargeException(String driverName, String message) {
        super(driverName, message, null);
    }
}
