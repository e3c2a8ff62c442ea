package io.github.umdosgi.api;

/**
 * The driver is unknown, or is still not loaded after the manager tried to start the bundle that
 * declares it: the kernel's {@code -ENOPROTOOPT}.
 */
public class DriverNotLoadedException extends UmdException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public DriverNotLoadedException(String driverName, String message, Throwable cause) {
        super(driverName, message, cause);
    }

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     */
    public DriverNotLoadedException(String driverName, String message) {
        super(driverName, message, null);
    }
}
