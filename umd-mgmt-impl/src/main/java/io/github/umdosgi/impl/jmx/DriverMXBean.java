package io.github.umdosgi.impl.jmx;

/**
 * One loaded driver over JMX, as
 * {@code io.github.umdosgi:type=Driver,name="<driver>"}: its state and its
 * call metrics summed over its instances (and over calls that reached none).
 */
public interface DriverMXBean extends CallMetricsMXBean {

    /** @return the driver name */
    String getName();

    /** @return the state, e.g. {@code IDLE}, {@code RUNNING}, {@code FAILED} */
    String getState();

    /** @return the bundle it is loaded from, as {@code symbolic.name [id]} */
    String getBundle();

    /** @return handler instances of the current load */
    int getInstances();

    /** @return restarts the restart policy counted within its period, up to now */
    int getRecentRestarts();

    /** @return the last error, escaped (it may be the handler's own text), or an empty string */
    String getLastError();
}
