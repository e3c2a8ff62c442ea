package io.github.umdosgi.impl.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;

class DriverHealthTest {

    private static DriverInfo info(DriverState state, String lastError) {
        Optional<DriverDescriptor> settings = state == DriverState.IDLE
                ? Optional.of(DriverDescriptor.of("d", "bin/h")) : Optional.empty();
        return new DriverInfo("d", 7, "b", state, List.of(), 3, 1, 2, Optional.ofNullable(lastError), settings);
    }

    @Test
    void aFailedDriverIsCriticalWithItsReasonEscaped() {
        DriverHealth health = DriverHealth.of(info(DriverState.FAILED, "boom\u001b[2J{}"), 0);
        assertEquals(DriverHealth.Status.CRITICAL, health.status());
        assertTrue(health.message().contains("boom\\e[2J{}"), health.message());
        assertFalse(health.message().contains("\u001b"), health.message());
    }

    @Test
    void restartsWithinThePeriodWarnAndSayHowMany() {
        DriverHealth health = DriverHealth.of(info(DriverState.IDLE, "handler exited with status 3"), 2);
        assertEquals(DriverHealth.Status.WARN, health.status());
        assertTrue(health.message().contains("restarted 2 time(s) within 10000 ms"), health.message());
        assertTrue(health.message().contains("exited with status 3"), health.message());
    }

    @Test
    void aQuietDriverIsOk() {
        assertEquals(DriverHealth.Status.OK, DriverHealth.of(info(DriverState.IDLE, null), 0).status());
        assertEquals(DriverHealth.Status.OK, DriverHealth.of(info(DriverState.NOT_LOADED, null), 0).status());
    }
}
