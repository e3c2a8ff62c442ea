package io.github.umdosgi.api;

/**
 * Base of every failure a driver call or load reports. The subclass says what
 * went wrong; {@link #driverName()} says which driver.
 */
public class UmdException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String driverName;

    /**
     * @param driverName the driver concerned
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public UmdException(String driverName, String message, Throwable cause) {
        super("driver '" + shorten(driverName) + "': " + message, cause);
        this.driverName = driverName;
    }

    /** Names longer than any valid one are cut in messages, so a hostile name cannot bloat logs. */
    private static String shorten(String name) {
        return name != null && name.length() > 80 ? name.substring(0, 64) + "...(" + name.length() + " chars)" : name;
    }

    /**
     * @return the driver concerned
     */
    public String driverName() {
        return driverName;
    }
}
