package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Constants;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverLoader;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.testkit.BundleJar;
import io.github.umdosgi.testkit.TestFiles;

/**
 * Common set-up of every integration test: one Felix framework per test class (native container,
 * so in this JVM) with SCR, log, Configuration Admin, Metatype, Gogo, the API, the manager and
 * the sample loader bundle, all installed from {@code file:} URLs of jars Maven copied; and a fresh
 * manager root directory per test class.
 *
 * <p>Test classes run with {@link UmdPaxExam}, which also checks, once the framework has
 * stopped, that no handler process and no driver directory is left behind.
 */
public abstract class UmdTestSupport {

    /** Framework property naming the directory the manager keeps its private driver directories in. */
    public static final String ROOT_PROPERTY = "io.github.umdosgi.root";

    /** The sample loader bundle and its driver. */
    public static final String SAMPLE_BSN = "io.github.umdosgi.sample";
    public static final String SAMPLE = "sample";

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected UmdManager umd;

    /** The operator service: restart, kill and unload of any driver. */
    @Inject
    protected UmdAdmin admin;

    /** Bundles a test installed, uninstalled after it with a check that their drivers left nothing. */
    private final List<Installed> installed = new ArrayList<>();

    private record Installed(Bundle bundle, String driver) {
    }

    @Configuration
    public Option[] config() {
        Path root = prepareFreshRoot(getClass());
        return options(
                // Same JVM: the tests read these Maven-provided paths with System.getProperty.
                frameworkProperty(ROOT_PROPERTY).value(root.toString()),
                frameworkProperty("felix.log.level").value("1"),
                frameworkStartLevel(Constants.START_LEVEL_TEST_BUNDLE),
                cleanCaches(true),
                // pax-exam's bundles log through slf4j; the test classpath has it, so export it from
                // there instead of installing pax-logging.
                systemPackages("org.slf4j;version=1.7.36", "org.slf4j.helpers;version=1.7.36",
                        "org.slf4j.spi;version=1.7.36"),
                // The bundle builder is plain Java on the test classpath too: the probe reaches it
                // through the system bundle.
                systemPackages("io.github.umdosgi.testkit"),
                // No remote repository for pax-url-aether: an mvn: URL may only hit the local repository.
                systemProperty("org.ops4j.pax.url.mvn.repositories").value(""),
                systemProperty("org.ops4j.pax.url.mvn.useFallbackRepositories").value("false"),
                paxExamBundles(),
                runtimeBundles(),
                umdBundles());
    }

    /** pax-exam's own bundles and JUnit, at the system start level as pax-exam's defaults do. */
    private static Option paxExamBundles() {
        String[] names = {"ops4j-base", "pax-swissbox-core", "pax-swissbox-extender", "pax-swissbox-framework",
            "pax-swissbox-lifecycle", "pax-swissbox-tracker", "jakarta.inject-api", "pax-exam",
            "pax-exam-inject", "pax-exam-extender-service", "org.apache.servicemix.bundles.hamcrest",
            "org.apache.servicemix.bundles.junit", "pax-exam-invoker-junit"};
        List<Option> list = new ArrayList<>();
        for (String name : names) {
            list.add(bundle(bundleUrl(name)).startLevel(Constants.START_LEVEL_SYSTEM_BUNDLES));
        }
        list.add(systemProperty("pax.exam.invoker").value("junit"));
        return composite(list.toArray(new Option[0]));
    }

    /** The OSGi services the product runs with (as in felix-launcher, without the shell). */
    private static Option runtimeBundles() {
        return composite(
                bundle(bundleUrl("org.osgi.util.function")),
                bundle(bundleUrl("org.osgi.util.promise")),
                bundle(bundleUrl("org.osgi.service.component")),
                bundle(bundleUrl("org.apache.felix.scr")),
                bundle(bundleUrl("org.apache.felix.log")),
                bundle(bundleUrl("org.apache.felix.configadmin")),
                bundle(bundleUrl("org.apache.felix.eventadmin")),
                bundle(bundleUrl("org.apache.felix.metatype")),
                bundle(bundleUrl("org.apache.felix.gogo.runtime")),
                bundle(bundleUrl("org.apache.felix.gogo.command")));
    }

    /**
     * Ours: API, manager, the sample manager, and the sample loader bundle last, so the extender
     * is there first.
     */
    private static Option umdBundles() {
        return composite(
                bundle(bundleUrl("umd-mgmt-api")),
                bundle(bundleUrl("umd-mgmt-impl")),
                bundle(bundleUrl("sample-manager-bundle")),
                bundle(bundleUrl("sample-loader-bundle")).startLevel(Constants.START_LEVEL_DEFAULT_PROVISION + 1));
    }

    /** {@code file:} URL of a jar Maven copied into target/bundles (versions stripped). */
    protected static String bundleUrl(String artifactId) {
        File jar = new File(requiredSystemProperty("itest.bundles"), artifactId + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException("missing " + jar + ": run through Maven (mvn -pl itest verify)");
        }
        return jar.toURI().toString();
    }

    /** The manager root of a test class: {@code target/itest-work/<class>/root}. */
    static Path rootFor(Class<?> testClass) {
        return Paths.get(requiredSystemProperty("itest.work"), testClass.getSimpleName(), "root")
                .toAbsolutePath().normalize();
    }

    /** Deletes what an earlier run left and creates an empty root. */
    static Path prepareFreshRoot(Class<?> testClass) {
        Path root = rootFor(testClass);
        deleteTree(root);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    static String requiredSystemProperty(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("system property " + key + " is not set: run through Maven failsafe");
        }
        return value;
    }

    private static void deleteTree(Path dir) {
        try {
            TestFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    // ---- in-container helpers ----

    /** The manager root of the running framework. */
    protected Path root() {
        return Paths.get(bundleContext.getProperty(ROOT_PROPERTY));
    }

    /**
     * The {@link DriverLoader} that {@code owner} gets from the framework: it loads that bundle's
     * handlers only. The test bundles carry no code, so the test gets the service through their
     * context, as their own code would.
     */
    protected static DriverLoader loaderOf(Bundle owner) {
        BundleContext context = owner.getBundleContext();
        if (context == null) {
            throw new AssertionError("bundle " + owner + " is not started: it has no context to get a loader with");
        }
        ServiceReference<DriverLoader> reference = context.getServiceReference(DriverLoader.class);
        if (reference == null) {
            throw new AssertionError("no DriverLoader service registered");
        }
        return context.getService(reference);
    }

    /** The current snapshot of a driver; fails when it is not listed. */
    protected DriverInfo info(String driver) {
        return umd.driver(driver).orElseThrow(
                () -> new AssertionError("driver '" + driver + "' not listed; drivers() = " + umd.drivers()));
    }

    /** Waits until the driver is listed with that state. */
    protected DriverInfo awaitState(String driver, DriverState state) {
        return Waits.waitFor("driver '" + driver + "' in state " + state, Waits.SOON,
                () -> umd.driver(driver).orElse(null), d -> d != null && d.state() == state);
    }

    /**
     * The sample driver loaded and idle with a live handler. Its loader bundle may start before the
     * manager's extender is up, so this waits instead of assuming an order.
     */
    protected DriverInfo awaitSampleReady() {
        DriverInfo d = Waits.waitFor("sample driver IDLE with a handler pid", Duration.ofSeconds(10),
                () -> umd.driver(SAMPLE).orElse(null),
                x -> x != null && x.state() == DriverState.IDLE && x.pid().isPresent());
        assertEquals(Bundle.ACTIVE, sampleBundle().getState());
        return d;
    }

    /** The sample loader bundle. */
    protected Bundle sampleBundle() {
        return bundleBySymbolicName(SAMPLE_BSN);
    }

    protected Bundle bundleBySymbolicName(String bsn) {
        for (Bundle b : bundleContext.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn + " installed");
    }

    /** Installs (not starts) a driver bundle built in the test; it is uninstalled after the test. */
    protected Bundle install(String location, BundleJar spec, String driver) throws BundleException {
        Bundle b = bundleContext.installBundle(location, new ByteArrayInputStream(spec.build()));
        installed.add(new Installed(b, driver));
        return b;
    }

    /**
     * Checks that a driver left nothing: no handler process under {@code <root>/<driver>.*} and no
     * such directory. Processes are reaped asynchronously, hence the wait.
     */
    protected void assertNothingLeft(String driver) {
        Path root = root();
        Waits.waitFor("no handler process of '" + driver + "' under " + root, Waits.SOON,
                () -> HandlerProcesses.describeAll(HandlerProcesses.ofDriver(root, driver)), List::isEmpty);
        Waits.waitFor("no private directory of '" + driver + "' in " + root, Waits.SOON,
                () -> HandlerProcesses.privateDirs(root, driver), List::isEmpty);
    }

    /** Fails unless the pid's process is gone within {@link Waits#SOON}. */
    protected void assertProcessGone(long pid) {
        Waits.waitFor("process " + pid + " gone", Waits.SOON, () -> !HandlerProcesses.alive(pid));
    }

    @After
    public void uninstallTestBundles() throws Exception {
        List<String> problems = new ArrayList<>();
        for (int i = installed.size() - 1; i >= 0; i--) {
            Installed it = installed.get(i);
            try {
                if (it.bundle().getState() != Bundle.UNINSTALLED) {
                    it.bundle().uninstall();
                }
            } catch (BundleException | IllegalStateException e) {
                problems.add("uninstall " + it.bundle() + ": " + e);
            }
        }
        for (Installed it : installed) {
            try {
                assertNothingLeft(it.driver());
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        installed.clear();
        if (!problems.isEmpty()) {
            fail("after uninstalling the test's bundles: " + problems);
        }
    }
}
