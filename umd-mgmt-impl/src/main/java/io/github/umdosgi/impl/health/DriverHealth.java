package io.github.umdosgi.impl.health;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.impl.text.SafeText;

/**
 * The health of one driver, decided from its snapshot alone, so that the
 * rule reads in one place and is tested without a framework. Immutable.
 *
 * @param status OK, WARN or CRITICAL
 * @param message one line for the operator, every untrusted part escaped
 */
record DriverHealth(Status status, String message) {

    /** The three outcomes a driver can have (the health check API's own enum is optional here). */
    enum Status {
        OK, WARN, CRITICAL
    }

    /**
     * @param info the driver's snapshot
     * @param recentRestarts restarts the restart policy counted within its period
     * @return CRITICAL when FAILED, WARN when restarted within the period, else OK
     */
    static DriverHealth of(DriverInfo info, int recentRestarts) {
        String name = "driver '" + SafeText.field(info.name()) + "'";
        String lastError = info.lastError().map(SafeText::field).orElse("");
        if (info.state() == DriverState.FAILED) {
            return new DriverHealth(Status.CRITICAL, name + " is FAILED: " + (lastError.isEmpty() ? "no reason recorded"
                    : lastError) + " (umd:restart " + SafeText.field(info.name()) + " after fixing the cause)");
        }
        if (recentRestarts > 0) {
            String period = info.settings().map(s -> s.restartPolicy().period().toMillis() + " ms").orElse("its period");
            int allowed = info.settings().map(s -> s.restartPolicy().intensity()).orElse(0);
            return new DriverHealth(Status.WARN, name + " handler restarted " + recentRestarts + " time(s) within "
                    + period + " (FAILED beyond " + allowed + ")" + (lastError.isEmpty() ? "" : "; last error: "
                    + lastError));
        }
        return new DriverHealth(Status.OK, name + " is " + info.state() + ", " + info.calls() + " call(s), "
                + info.failures() + " failure(s), " + info.starts() + " handler start(s)");
    }
}
