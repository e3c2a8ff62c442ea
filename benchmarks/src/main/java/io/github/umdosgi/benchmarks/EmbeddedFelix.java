package io.github.umdosgi.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdManager;

/**
 * Felix 7 embedded the way the launcher does it: the framework, SCR with the
 * three DS API bundles, the log service, Config Admin, Metatype and the
 * manager bundle. The system bundle exports the API package, whose classes
 * come from the harness class path, so the harness calls the real
 * {@link UmdManager} service directly, and kills handlers through the real
 * {@link UmdAdmin} service.
 *
 * <p>Not thread safe for start and stop; {@link #manager()} and {@link #admin()} may be used from any thread.
 */
final class EmbeddedFelix implements AutoCloseable {

    /** The API package, exported by the system bundle at the version its jar on the class path declares. */
    static final String API_PACKAGE = UmdManager.class.getPackageName();

    private final Framework framework;
    private final ServiceTracker<UmdManager, UmdManager> tracker;
    private final ServiceTracker<UmdAdmin, UmdAdmin> adminTracker;
    private final UmdManager manager;
    private final UmdAdmin admin;

    private EmbeddedFelix(Framework framework, ServiceTracker<UmdManager, UmdManager> tracker,
            ServiceTracker<UmdAdmin, UmdAdmin> adminTracker, UmdManager manager, UmdAdmin admin) {
        this.framework = framework;
        this.tracker = tracker;
        this.adminTracker = adminTracker;
        this.manager = manager;
        this.admin = admin;
    }

    /**
     * @param bundleDir every jar in it is installed and started (the runtime bundles)
     * @param managerJar the umd-mgmt-impl bundle
     * @param work the framework cache and the drivers' private directories go below it
     * @return the running framework with the manager service available
     * @throws Exception the framework or a bundle does not start, or the manager does not appear
     */
    static EmbeddedFelix start(Path bundleDir, Path managerJar, Path work) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        String apiExport = apiExport();
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiExport);
        props.put("io.github.umdosgi.root", work.resolve("drivers").toString());
        props.put("felix.log.level", "1");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(props);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Path> jars;
        try (Stream<Path> files = Files.list(bundleDir)) {
            jars = new ArrayList<>(files.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
        }
        jars.add(managerJar);
        List<Bundle> bundles = new ArrayList<>();
        for (Path jar : jars) {
            bundles.add(context.installBundle(jar.toUri().toString()));
        }
        framework.start();
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
        ServiceTracker<UmdManager, UmdManager> tracker = new ServiceTracker<>(context, UmdManager.class, null);
        tracker.open();
        ServiceTracker<UmdAdmin, UmdAdmin> adminTracker = new ServiceTracker<>(context, UmdAdmin.class, null);
        adminTracker.open();
        UmdManager manager = tracker.waitForService(30_000);
        UmdAdmin admin = manager == null ? null : adminTracker.waitForService(30_000);
        if (manager == null || admin == null) {
            framework.stop();
            throw new IllegalStateException("the UmdManager and UmdAdmin services did not appear within 30 s; is "
                    + managerJar + " a manager bundle that imports " + apiExport + "?");
        }
        return new EmbeddedFelix(framework, tracker, adminTracker, manager, admin);
    }

    /**
     * @return {@code io.github.umdosgi.api;version=V}, V from the Export-Package of the API bundle the
     *         harness runs with (its jar, or its classes folder in a reactor build), so that a manager
     *         built against the same API resolves
     * @throws IOException the API classes come with no manifest that exports their package
     */
    static String apiExport() throws IOException {
        Path location;
        try {
            location = Path.of(UmdManager.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where the API classes come from", e);
        }
        Manifest manifest;
        if (Files.isDirectory(location)) {
            try (var in = Files.newInputStream(location.resolve(JarFile.MANIFEST_NAME))) {
                manifest = new Manifest(in);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                manifest = jar.getManifest();
            }
        }
        String exports = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
        Matcher version = Pattern.compile("(?:^|,)" + Pattern.quote(API_PACKAGE) + ";(?:[^,]*;)?version=\"?([0-9.]+)")
                .matcher(exports == null ? "" : exports);
        if (!version.find()) {
            throw new IOException(location + " does not export " + API_PACKAGE + " with a version");
        }
        return API_PACKAGE + ";version=" + version.group(1);
    }

    /** @return the manager service */
    UmdManager manager() {
        return manager;
    }

    /** @return the framework's context, for sections that track services of bundles they install */
    BundleContext context() {
        return framework.getBundleContext();
    }

    /** @return the operator service, for the kills of the restart section */
    UmdAdmin admin() {
        return admin;
    }

    /**
     * Loads a class of the manager bundle, which exports nothing, so that a
     * section can time one of its parts in isolation.
     *
     * @param name the class name
     * @return the class, as the manager itself sees it
     * @throws ClassNotFoundException the manager has no such class
     */
    Class<?> managerClass(String name) throws ClassNotFoundException {
        Bundle bundle = managerBundle();
        if (bundle == null) {
            throw new ClassNotFoundException(name + ": no manager bundle installed");
        }
        return bundle.loadClass(name);
    }

    /** @return the manager bundle, or null when none is installed */
    Bundle managerBundle() {
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            if ("io.github.umdosgi.impl".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    /**
     * Installs a bundle built in memory.
     *
     * @param location a unique location
     * @param jar the bundle's bytes
     * @return the installed, not started bundle
     * @throws BundleException the framework refuses it
     */
    Bundle install(String location, byte[] jar) throws BundleException {
        return framework.getBundleContext().installBundle(location, new ByteArrayInputStream(jar));
    }

    @Override
    public void close() throws IOException {
        adminTracker.close();
        tracker.close();
        try {
            framework.stop();
            if (framework.waitForStop(30_000).getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                throw new IOException("the framework did not stop within 30 s");
            }
        } catch (BundleException e) {
            throw new IOException("stopping the framework failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the framework", e);
        }
    }
}
