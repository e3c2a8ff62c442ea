package io.github.umdosgi.impl.jmx;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.metrics.MetricsSnapshot;
import io.github.umdosgi.impl.text.SafeText;

/** The {@link DriverMXBean} of one driver. Immutable; reads the driver on every get. */
final class DriverView extends MetricsView implements DriverMXBean {

    private final Driver driver;

    DriverView(Driver driver) {
        this.driver = driver;
    }

    @Override
    MetricsSnapshot metrics() {
        return driver.metrics().snapshot();
    }

    @Override
    public String getName() {
        return driver.name();
    }

    @Override
    public String getState() {
        return driver.snapshot().state().name();
    }

    @Override
    public String getBundle() {
        DriverInfo info = driver.snapshot();
        return info.bundleId() < 0 ? "" : SafeText.field(info.bundleSymbolicName()) + " [" + info.bundleId() + "]";
    }

    @Override
    public int getInstances() {
        return driver.snapshot().instances().size();
    }

    @Override
    public int getRecentRestarts() {
        return driver.recentRestarts();
    }

    @Override
    public String getLastError() {
        return driver.snapshot().lastError().map(SafeText::field).orElse("");
    }
}
