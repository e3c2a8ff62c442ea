package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;

/**
 * Factory configurations {@code io.github.umdosgi.driver} through the real Config Admin. One that
 * arrives without a name (as FileInstall delivers a file it is still writing) must not stop the
 * same configuration from taking effect once it is complete; an invalid one (a value that is not
 * a number, out of range, an unknown key) is logged as an error naming its PID and the key, shows
 * in {@code umd:info}, and changes nothing, until it is corrected.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigAdminIT extends UmdTestSupport {

    private static final String FACTORY_PID = "io.github.umdosgi.driver";

    @Test
    public void aConfigurationWithoutANameWaitsForOneThenApplies() throws Exception {
        awaitSampleReady();
        ServiceReference<ConfigurationAdmin> ref = bundleContext.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin cm = bundleContext.getService(ref);
        Configuration config = cm.createFactoryConfiguration(FACTORY_PID, "?");
        try {
            config.update(properties("instances", 2));
            // The rejection is logged once the configuration was seen; only then is "nothing changed" a fact.
            awaitError(config.getPid(), "'name' is missing");
            assertEquals("no driver named, none changed", 1, info(SAMPLE).instances().size());
            umd.call(SAMPLE, Payloads.offset(0));

            config.update(properties("name", SAMPLE, "instances", 2));
            DriverInfo two = awaitInstances(2);
            assertEquals(2, two.instances().size());
            umd.call(SAMPLE, Payloads.offset(1024));
        } finally {
            config.delete();
            bundleContext.ungetService(ref);
        }
        Waits.waitFor("back to the declared single instance", Waits.SOON, () -> info(SAMPLE),
                d -> d.instances().size() == 1 && d.state() == DriverState.IDLE);
    }

    @Test
    public void anInvalidConfigurationIsReportedWithItsKeyAndChangesNothing() throws Exception {
        awaitSampleReady();
        ServiceReference<ConfigurationAdmin> ref = bundleContext.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin cm = bundleContext.getService(ref);
        Configuration config = cm.createFactoryConfiguration(FACTORY_PID, "?");
        try {
            config.update(properties("name", SAMPLE, "instances", 2));
            long starts = awaitInstances(2).starts();

            // Not a number: once too SCR's conversion failed with a stack trace naming neither file nor key.
            // instances=3 rides along: a half-applied configuration would show three instances.
            config.update(properties("name", SAMPLE, "instances", 3, "timeout", "abc"));
            String error = awaitError(config.getPid(), "timeout='abc'");
            assertTrue("the message says it was not applied: " + error, error.contains("not applied"));
            assertUnchanged(starts);
            String shown = umdInfo(SAMPLE);
            // A String, not the Configuration, in the lambda: its synthetic method's signature would name
            // org.osgi.service.cm, which the runner outside the framework cannot load.
            String pid = config.getPid();
            assertTrue("umd:info shows the configuration's error\n" + shown, shown.lines().anyMatch(
                    l -> l.startsWith("config:") && l.contains(pid) && l.contains("timeout='abc'")));

            // Zero instances once silently became one.
            config.update(properties("name", SAMPLE, "instances", "0"));
            awaitError(config.getPid(), "instances='0'");
            assertUnchanged(starts);

            // An unknown key (a typo) was once silently ignored.
            config.update(properties("name", SAMPLE, "instances", 3, "instance", 1));
            awaitError(config.getPid(), "unknown key 'instance'");
            assertUnchanged(starts);
            umd.call(SAMPLE, Payloads.offset(2048));

            // Corrected: applied, and the error is gone.
            config.update(properties("name", SAMPLE, "instances", 3));
            awaitInstances(3);
            String fixed = umdInfo(SAMPLE);
            assertFalse("no configuration error once corrected\n" + fixed,
                    fixed.lines().anyMatch(l -> l.startsWith("config:")));
        } finally {
            config.delete();
            bundleContext.ungetService(ref);
        }
        Waits.waitFor("back to the declared single instance", Waits.SOON, () -> info(SAMPLE),
                d -> d.instances().size() == 1 && d.state() == DriverState.IDLE);
    }

    /** Waits for the sample driver reloaded with that many instances; on a timeout, says what was logged. */
    private DriverInfo awaitInstances(int count) {
        try {
            return Waits.waitFor("the sample driver reloaded with " + count + " instances", Waits.SOON,
                    () -> info(SAMPLE), d -> d.instances().size() == count && d.state() == DriverState.IDLE);
        } catch (AssertionError e) {
            // No cause: pax-exam reports the innermost cause, which would drop what was logged.
            throw new AssertionError(e.getMessage() + "\nerrors logged: " + errorsLogged());
        }
    }

    /** The rejected configuration left the driver as it was: same instances, not reloaded. */
    private void assertUnchanged(long starts) {
        DriverInfo now = info(SAMPLE);
        assertEquals("instances as before the invalid configuration: " + now, 2, now.instances().size());
        assertEquals("not reloaded by the invalid configuration: " + now, starts, now.starts());
    }

    private static Dictionary<String, Object> properties(Object... keyValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    /** The messages of the ERROR entries in the OSGi log, newest first. */
    private List<String> errorsLogged() {
        ServiceReference<LogReaderService> ref = bundleContext.getServiceReference(LogReaderService.class);
        LogReaderService log = bundleContext.getService(ref);
        try {
            return Collections.list(log.getLog()).stream().filter(e -> e.getLogLevel() == LogLevel.ERROR)
                    .map(LogEntry::getMessage).collect(Collectors.toList());
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** Waits for an error in the OSGi log naming the configuration and the text; returns its message. */
    private String awaitError(String pid, String text) {
        return Waits.waitFor("an error logged naming " + pid + " and " + text, Waits.SOON,
                () -> errorsLogged().stream().filter(m -> m != null && m.contains(pid) && m.contains(text))
                        .collect(Collectors.toList()),
                found -> !found.isEmpty()).get(0);
    }

    /** What {@code umd:info NAME} prints, through the registered Gogo command object. */
    private String umdInfo(String driver) throws Exception {
        ServiceReference<?>[] refs = Waits.waitFor("the umd shell commands", Waits.SOON, () -> {
            try {
                return bundleContext.getServiceReferences((String) null,
                        "(&(osgi.command.scope=umd)(osgi.command.function=info))");
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        }, r -> r != null && r.length > 0);
        Object commands = bundleContext.getService(refs[0]);
        try {
            return (String) commands.getClass().getMethod("info", String[].class)
                    .invoke(commands, (Object) new String[] {driver});
        } finally {
            bundleContext.ungetService(refs[0]);
        }
    }
}
