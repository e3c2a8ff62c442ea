package io.github.umdosgi.impl.jmx;

import java.util.Optional;

import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.metrics.MetricsSnapshot;

/** The {@link InstanceMXBean} of one instance slot. Immutable; reads the driver on every get. */
final class InstanceView extends MetricsView implements InstanceMXBean {

    private final Driver driver;
    private final int index;

    InstanceView(Driver driver, int index) {
        this.driver = driver;
        this.index = index;
    }

    @Override
    MetricsSnapshot metrics() {
        return driver.metrics().instanceSnapshot(index);
    }

    @Override
    public String getDriver() {
        return driver.name();
    }

    @Override
    public int getIndex() {
        return index;
    }

    @Override
    public long getPid() {
        return info().flatMap(i -> i.pid().isPresent() ? Optional.of(i.pid().getAsLong()) : Optional.empty())
                .orElse(-1L);
    }

    @Override
    public boolean isBusy() {
        return info().map(InstanceInfo::busy).orElse(false);
    }

    private Optional<InstanceInfo> info() {
        return driver.snapshot().instances().stream().filter(i -> i.index() == index).findFirst();
    }
}
