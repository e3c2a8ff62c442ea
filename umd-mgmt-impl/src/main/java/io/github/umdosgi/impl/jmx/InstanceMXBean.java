package io.github.umdosgi.impl.jmx;

/**
 * One handler instance slot of a loaded driver over JMX, as
 * {@code io.github.umdosgi:type=Instance,driver="<driver>",instance=<n>}.
 * The slot keeps its metrics across restarts of its handler.
 */
public interface InstanceMXBean extends CallMetricsMXBean {

    /** @return the driver name */
    String getDriver();

    /** @return the instance index, from 0 */
    int getIndex();

    /** @return the pid of its running handler, or -1 */
    long getPid();

    /** @return whether a call or a start holds it now */
    boolean isBusy();
}
