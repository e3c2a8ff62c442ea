package io.github.umdosgi.impl.driver;

/** Where drivers report what happens to them; the manager backs it with the OSGi log. */
public interface DriverLog {

    /** @param message an event worth an operator's attention only when debugging */
    void info(String message);

    /** @param message something went wrong but the driver recovers */
    void warn(String message);

    /** @param message something failed for good */
    void error(String message);
}
