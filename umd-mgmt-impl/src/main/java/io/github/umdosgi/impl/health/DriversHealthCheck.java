package io.github.umdosgi.impl.health;

import java.util.List;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.manager.ManagedDrivers;

/**
 * A Felix health check over every driver, tagged {@value #TAG}: CRITICAL
 * for a FAILED driver (a load that failed, or a restart policy that gave
 * up), WARN for a loaded driver whose handlers were restarted within the
 * restart period, OK otherwise. One entry per driver; the worst decides.
 *
 * <p>Optional by construction: the manager bundle imports
 * {@code org.apache.felix.hc.api} optionally, and this component needs the
 * {@link HealthCheckExecutor} that Felix Health Checks' core registers, so
 * it is satisfied (and its class loaded) only where health checks run.
 * Stateless apart from the references SCR sets before activation.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=umd-osgi drivers",
    HealthCheck.TAGS + "=" + DriversHealthCheck.TAG,
    HealthCheck.MBEAN_NAME + "=umd-osgi-drivers",
    // Cheap to run, so never served from the executor's cache: every hc:exec sees the drivers as they are.
    HealthCheck.RESULT_CACHE_TTL_IN_MS + ":Long=0"
})
public final class DriversHealthCheck implements HealthCheck {

    /** The tag to run it by: {@code hc:exec umd}. */
    public static final String TAG = "umd";

    @Reference
    private ManagedDrivers drivers;

    // Not used: a reference only so that the check exists exactly where health checks are executed.
    @Reference
    private HealthCheckExecutor executor;

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        List<Driver> all = drivers.all();
        if (all.isEmpty()) {
            log.info("no driver is declared or loaded");
        }
        for (Driver driver : all) {
            DriverHealth health = DriverHealth.of(driver.snapshot(), driver.recentRestarts());
            // Handler text goes in as an argument, never as the format: a "{}" in it stays text.
            switch (health.status()) {
                case CRITICAL -> log.critical("{}", health.message());
                case WARN -> log.warn("{}", health.message());
                default -> log.info("{}", health.message());
            }
        }
        return new Result(log);
    }
}
