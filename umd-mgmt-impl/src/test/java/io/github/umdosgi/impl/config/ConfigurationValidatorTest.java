package io.github.umdosgi.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.Sandbox;

/** Every key of a driver configuration is checked, and a wrong one is named with its configuration. */
class ConfigurationValidatorTest {

    private static final String PID = "io.github.umdosgi.driver~sample";
    private static final String FILE = "file:/opt/umd-osgi/deploy/io.github.umdosgi.driver-sample.cfg";
    private static final DriverDescriptor DECLARED = DriverDescriptor.builder("sample", "bin/sample").build();

    /** What Config Admin, FileInstall and SCR add to every configuration; none of it is the operator's. */
    private static Map<String, Object> configuration(Object... keyValues) {
        Map<String, Object> p = new HashMap<>(Map.of("service.pid", PID,
                "service.factoryPid", DriverConfig.FACTORY_PID, "felix.fileinstall.filename", FILE,
                "component.name", DriverConfigComponent.class.getName(), "component.id", 7L,
                "osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)"));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static InvalidConfigurationException rejected(Object... keyValues) {
        return assertThrows(InvalidConfigurationException.class,
                () -> ConfigurationValidator.validate(configuration(keyValues)));
    }

    @Test
    void everyKeyIsAppliedAsTheHeaderWouldApplyIt() throws Exception {
        ConfigurationValidator.Valid valid = ConfigurationValidator.validate(configuration("name", "sample",
                "instances", "2", "timeout", 1500L, "start.timeout", "2500", "max.message", 4096,
                "restart.intensity", "0", "restart.period", "60000", "env", new String[] {"TZ", "LANG"},
                "wrapper", "/usr/bin/env A=1", "sandbox", "strict", "network", "host", "ro.paths", List.of("/opt/a", "/opt/b"),
                "memory", "64m", "processes", "8", "cpus", "0.5", "cpu.time", "30", "open.files", "64",
                "file.size", "1m", "scratch", "8m"));
        assertEquals("sample", valid.driverName());
        DriverDescriptor d = valid.overrides().applyTo(DECLARED);
        assertEquals(2, d.instances());
        assertEquals(Duration.ofMillis(1500), d.callTimeout());
        assertEquals(Duration.ofMillis(2500), d.startTimeout());
        assertEquals(4096, d.maxMessageSize());
        assertEquals(0, d.restartPolicy().intensity());
        assertEquals(Duration.ofMinutes(1), d.restartPolicy().period());
        assertEquals(List.of("TZ", "LANG"), d.environment());
        assertEquals(List.of("/usr/bin/env", "A=1"), d.wrapper());
        Sandbox s = d.sandbox();
        assertEquals(Sandbox.Profile.STRICT, s.profile());
        assertEquals(Sandbox.Network.HOST, s.network());
        assertEquals(List.of("/opt/a", "/opt/b"), s.readOnlyPaths());
        assertEquals(64L << 20, s.memory());
        assertEquals(8, s.processes());
        assertEquals(500, s.cpuMillis());
        assertEquals(30, s.cpuTimeSeconds());
        assertEquals(64, s.openFiles());
        assertEquals(1L << 20, s.fileSize());
        assertEquals(8L << 20, s.scratch());
    }

    @Test
    void blankValuesAndTheFrameworksOwnKeysKeepTheDeclaredSettings() throws Exception {
        ConfigurationValidator.Valid valid = ConfigurationValidator.validate(configuration("name", " sample ",
                "instances", "", "timeout", " ", "env", new String[0], "memory", "", "service.ranking", 5));
        assertEquals("sample", valid.driverName());
        assertEquals(DECLARED, valid.overrides().applyTo(DECLARED));
    }

    @Test
    void aValueThatIsNotANumberNamesTheConfigurationItsFileAndTheKey() {
        InvalidConfigurationException e = rejected("name", "sample", "timeout", "abc");
        assertEquals("configuration " + PID + " (" + FILE + ") for driver 'sample' is invalid and not applied:"
                + " timeout='abc' is not a whole number from 1 to 2147483647 (milliseconds); leave it out to keep"
                + " the declared value", e.getMessage());
        assertEquals(Optional.of("sample"), e.driverName());
    }

    @Test
    void withoutFileInstallTheMessageNamesThePidAlone() {
        Map<String, Object> p = configuration("name", "sample", "timeout", "abc");
        p.remove("felix.fileinstall.filename");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConfigurationValidator.validate(p));
        assertTrue(e.getMessage().startsWith("configuration " + PID + " for driver 'sample' is invalid"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "instances|0|instances='0' is not a whole number from 1 to 64",
            "instances|65|instances='65' is not a whole number from 1 to 64",
            "instances|1.5|instances='1.5' is not a whole number",
            "timeout|0|timeout='0' is not a whole number from 1 to 2147483647 (milliseconds)",
            "timeout|-5|timeout='-5' is not a whole number",
            "start.timeout|soon|start.timeout='soon' is not a whole number",
            "max.message|2147483647|max.message='2147483647' is not a whole number from 1 to 1073741824",
            "restart.intensity|-1|restart.intensity='-1' is not a whole number from 0 to 2147483647",
            "restart.period|0|restart.period='0' is not a whole number",
            "env|NOT VALID=|env: invalid environment variable name 'VALID='",
            "wrapper|setpriv --|wrapper: wrapper of driver 'sample' must start with an absolute path",
            "sandbox|loose|sandbox='loose' is not one of default|strict|none",
            "network|wifi|network='wifi' is not one of none|host",
            "ro.paths|relative/path|ro.paths: read-only path 'relative/path' must be absolute",
            "memory|lots|memory='lots' is not an integer",
            "memory|1m|memory must be at least 8388608 bytes",
            "processes|0|processes='0' is not an integer between 1",
            "cpus|-1|cpus='-1' is not a number of cores",
            "cpu.time|x|cpu.time='x' is not an integer",
            "open.files|8|open.files='8' is not an integer between 16",
            "file.size|0|file.size='0' is not an integer",
            "scratch|1k|scratch must be at least 4096 bytes",
    })
    void aValueOutOfRangeIsRejectedNamingItsKey(String key, String value, String expected) {
        InvalidConfigurationException e = rejected("name", "sample", key, value);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith(expected), e.problems().get(0));
        assertTrue(e.getMessage().contains(PID) && e.getMessage().contains(FILE), e.getMessage());
    }

    @Test
    void unknownKeysAreRejectedWithAHintForTheHeaderSpelling() {
        InvalidConfigurationException e = rejected("name", "sample", "cpu-time", "5", "instance", "2");
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().contains("unknown key 'cpu-time'; did you mean 'cpu.time'?"), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("unknown key 'instance'; known keys: cpu.time, cpus,")),
                e.getMessage());
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        InvalidConfigurationException e = rejected("name", "sample", "timeout", "abc", "instances", "0", "colour", "red");
        assertEquals(3, e.problems().size(), e.getMessage());
    }

    @Test
    void aMissingOrInvalidNameIsRejectedAndNamesNoDriver() {
        InvalidConfigurationException missing = rejected("instances", "2");
        assertTrue(missing.getMessage().contains("'name' is missing"), missing.getMessage());
        assertEquals(Optional.empty(), missing.driverName());
        InvalidConfigurationException invalid = rejected("name", "../etc");
        assertTrue(invalid.getMessage().contains("name='../etc' is not a driver name"), invalid.getMessage());
        assertEquals(Optional.empty(), invalid.driverName());
    }

    @Test
    void aListWhereOneValueBelongsIsRejected() {
        InvalidConfigurationException e = rejected("name", "sample", "instances", new String[] {"1", "2"});
        assertTrue(e.problems().get(0).startsWith("instances must be a single value, not a list [1, 2]"),
                e.getMessage());
    }

    @Test
    void numbersMayArriveTyped() throws Exception {
        ConfigurationValidator.Valid valid = ConfigurationValidator.validate(
                configuration("name", "sample", "instances", 3, "timeout", 2000L, "processes", 16));
        DriverDescriptor d = valid.overrides().applyTo(DECLARED);
        assertEquals(3, d.instances());
        assertEquals(16, d.sandbox().processes());
    }

    @Test
    void everyMetatypeAttributeIsAKnownKeyAndEveryKeyHasOne() {
        java.util.Set<String> attributes = new java.util.TreeSet<>();
        for (var m : DriverConfig.class.getDeclaredMethods()) {
            attributes.add(m.getName().replace('_', '.'));
        }
        assertEquals(new java.util.TreeSet<>(ConfigurationValidator.KEYS), attributes);
    }

    @Test
    void rejectedConfigurationsShowOnTheirDriverUntilCleared() {
        ConfigurationErrors errors = new ConfigurationErrors();
        errors.reject(PID, rejected("name", "sample", "timeout", "abc"));
        errors.reject("io.github.umdosgi.driver~nameless", rejected("instances", "2"));
        assertTrue(errors.forDriver("sample").orElseThrow().contains("timeout='abc'"));
        assertEquals(Optional.empty(), errors.forDriver("other"));
        assertEquals(2, errors.all().size());
        errors.clear(PID);
        assertEquals(Optional.empty(), errors.forDriver("sample"));
    }
}
