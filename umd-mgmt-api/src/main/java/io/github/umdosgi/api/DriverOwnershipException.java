package io.github.umdosgi.api;

/**
 * The driver is not the caller's: a {@link DriverLoader} was asked to load a
 * driver under a name that another bundle loaded or that a header declares,
 * or to unload a driver that it did not load. Nothing was changed.
 *
 * @since 2.0
 */
public class DriverOwnershipException extends UmdException {
    private static final long serialVersionUID = 1L;

    /**
     * @param driverName the driver concerned
     * @param message whose the driver is
     */
    public DriverOwnershipException(String driverName, String message) {
        super(driverName, message, null);
    }
}
