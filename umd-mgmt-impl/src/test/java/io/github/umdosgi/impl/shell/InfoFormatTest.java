package io.github.umdosgi.impl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.impl.config.DriverOverrides;
import io.github.umdosgi.impl.driver.DriverDetails;
import io.github.umdosgi.impl.process.ProcessUsage;

/** umd:info's settings with their origin, and its instance lines. */
class InfoFormatTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static final DriverDescriptor DECLARED = DriverDescriptor.builder("d", "bin/h")
            .callTimeout(Duration.ofMillis(5000)).build();
    private static final DriverOverrides CONFIGURED = new DriverOverrides(2, 0, 0, 0, -1, 0, List.of(), List.of(),
            Map.of("memory", "64m"));
    private static final DriverDescriptor EFFECTIVE = CONFIGURED.applyTo(DECLARED);

    private static DriverInfo info(List<InstanceInfo> instances) {
        return new DriverInfo("d", 7, "b", DriverState.IDLE, instances, 3, 0, 2, Optional.empty(),
                Optional.of(EFFECTIVE));
    }

    @Test
    void eachSettingSaysWhereItCameFrom() {
        DriverDetails details = new DriverDetails(DECLARED, true, CONFIGURED, EFFECTIVE, Path.of("/r/d.1/h"),
                "ab".repeat(32), List.of());
        String shown = InfoFormat.format(info(List.of()), details, Optional.empty(), NOW, pid -> Optional.empty());
        assertTrue(shown.lines().anyMatch(l -> l.matches(" +timeout +5000 ms +header")), shown);
        assertTrue(shown.lines().anyMatch(l -> l.matches(" +instances +2 +configuration")), shown);
        assertTrue(shown.lines().anyMatch(l -> l.matches(" +start-timeout +10000 ms +default")), shown);
        assertTrue(shown.lines().anyMatch(l -> l.matches(" +sandbox +default +configuration")), shown);
        assertTrue(shown.contains("(sandbox keys set by configuration: memory)"), shown);
        assertTrue(shown.contains("handler:    /r/d.1/h\nsha256:     " + "ab".repeat(32)), shown);
    }

    @Test
    void aRunningInstanceShowsUptimeMemoryAndCpu() {
        DriverDetails.Instance running = new DriverDetails.Instance(0, OptionalLong.of(99), false,
                NOW.minusSeconds(75), null, 4, 1);
        String line = InfoFormat.instance(running, NOW, pid -> Optional.of(new ProcessUsage(3, 4 << 20, 120)));
        assertEquals("instance 0: pid 99, idle, up 1 min 15 s, rss 4 MiB, cpu 120 ms (3 processes), 4 calls,"
                + " 1 starts, last exit: -", line);
    }

    @Test
    void afterAKillTheStateSaysWhatHappened() {
        DriverDetails.Instance killed = new DriverDetails.Instance(0, OptionalLong.empty(), false, null,
                "was killed by signal 9 by an operator (umd:kill)", 4, 1);
        DriverDetails details = new DriverDetails(DECLARED, true, DriverOverrides.NONE, EFFECTIVE, Path.of("/h"),
                "00", List.of(killed));
        DriverInfo d = info(List.of(new InstanceInfo(0, OptionalLong.empty(), false, 4, 1)));
        assertEquals("IDLE (handler was killed by signal 9 by an operator (umd:kill); the next call starts one)",
                InfoFormat.state(d, details));
        assertEquals("instance 0: no process, 4 calls, 1 starts, last exit: was killed by signal 9 by an operator"
                + " (umd:kill)", InfoFormat.instance(killed, NOW, pid -> Optional.empty()));
    }
}
