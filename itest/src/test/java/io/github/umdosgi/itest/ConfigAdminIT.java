package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;

import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;

/**
 * Factory configurations {@code io.github.umdosgi.driver} through the real Config Admin: one that
 * arrives without a name (as FileInstall delivers a file it is still writing) must not stop the
 * same configuration from taking effect once it is complete.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigAdminIT extends UmdTestSupport {

    @Test
    public void aConfigurationWithoutANameWaitsForOneThenApplies() throws Exception {
        awaitSampleReady();
        ServiceReference<ConfigurationAdmin> ref = bundleContext.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin cm = bundleContext.getService(ref);
        Configuration config = cm.createFactoryConfiguration("io.github.umdosgi.driver", "?");
        try {
            Dictionary<String, Object> incomplete = new Hashtable<>();
            incomplete.put("instances", 2);
            config.update(incomplete);
            // Nothing to wait for that would show: the driver must simply stay as declared and usable.
            Thread.sleep(300);
            assertEquals("no driver named, none changed", 1, info(SAMPLE).instances().size());
            umd.call(SAMPLE, Payloads.offset(0));

            Dictionary<String, Object> complete = new Hashtable<>();
            complete.put("name", SAMPLE);
            complete.put("instances", 2);
            config.update(complete);
            DriverInfo two = Waits.waitFor("the sample driver reloaded with 2 instances", Waits.SOON,
                    () -> info(SAMPLE), d -> d.instances().size() == 2 && d.state() == DriverState.IDLE);
            assertEquals(2, two.instances().size());
            umd.call(SAMPLE, Payloads.offset(1024));
        } finally {
            config.delete();
            bundleContext.ungetService(ref);
        }
        Waits.waitFor("back to the declared single instance", Waits.SOON, () -> info(SAMPLE),
                d -> d.instances().size() == 1 && d.state() == DriverState.IDLE);
    }
}
