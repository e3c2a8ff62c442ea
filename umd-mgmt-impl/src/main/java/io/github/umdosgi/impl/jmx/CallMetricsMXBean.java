package io.github.umdosgi.impl.jmx;

import java.util.Map;

/**
 * The call metrics a driver and each of its instances show over JMX. Open
 * types only, so that any JMX client ({@code jconsole}, {@code jmxterm}, a
 * {@code JMXConnector}) reads them without this bundle's classes. Counted
 * since the manager first knew the driver; see {@code docs/OPERATIONS.md}.
 */
public interface CallMetricsMXBean {

    /** @return calls that ended, with a reply or with a typed error */
    long getCalls();

    /** @return calls that ended with a typed error */
    long getFailures();

    /** @return failures by the simple name of the exception class, e.g. {@code CallTimeoutException} */
    Map<String, Long> getFailuresByType();

    /** @return handler processes started, first starts and restarts */
    long getHandlerStarts();

    /** @return request payload bytes of the calls that got a reply */
    long getBytesSent();

    /** @return reply payload bytes of those calls */
    long getBytesReceived();

    /** @return mean round trip of the calls that ended, microseconds */
    double getLatencyMeanMicros();

    /** @return median round trip, microseconds (at most 6.25 % above the true value) */
    double getLatencyP50Micros();

    /** @return 90th percentile of the round trip, microseconds */
    double getLatencyP90Micros();

    /** @return 99th percentile of the round trip, microseconds */
    double getLatencyP99Micros();

    /** @return the longest round trip, microseconds (exact) */
    double getLatencyMaxMicros();
}
