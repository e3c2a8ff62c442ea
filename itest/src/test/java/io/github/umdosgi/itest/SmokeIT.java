package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdManager;

/**
 * The set-up itself: every provisioned bundle is active, SCR runs, the API resolves and the
 * manager root is the fresh per-class directory.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SmokeIT extends UmdTestSupport {

    @Test
    public void everyBundleIsActive() {
        StringBuilder notActive = new StringBuilder();
        for (Bundle b : bundleContext.getBundles()) {
            // Fragments never become ACTIVE; the rest must.
            boolean fragment = b.getHeaders().get("Fragment-Host") != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.append(b.getSymbolicName()).append(" state ").append(b.getState()).append("; ");
            }
        }
        assertEquals("bundles not active", "", notActive.toString());
        assertEquals(Bundle.ACTIVE, bundleBySymbolicName("org.apache.felix.scr").getState());
        assertEquals(Bundle.ACTIVE, bundleBySymbolicName("io.github.umdosgi.api").getState());
    }

    @Test
    public void managerServiceAndFreshRoot() {
        // Injection succeeding proves a service exists; these prove it is the manager, and that it runs.
        ServiceReference<UmdManager> ref = bundleContext.getServiceReference(UmdManager.class);
        assertNotNull("a UmdManager service is registered", ref);
        assertEquals("the service is the manager bundle's", "io.github.umdosgi.impl",
                ref.getBundle().getSymbolicName());
        awaitSampleReady();
        assertEquals("the manager lists the sample driver, declared by the sample bundle", List.of(SAMPLE),
                umd.drivers().stream().map(DriverInfo::name).collect(Collectors.toList()));
        assertEquals(UmdTestSupport.rootFor(SmokeIT.class), root());
        assertTrue("root exists: " + root(), java.nio.file.Files.isDirectory(root()));
    }
}
