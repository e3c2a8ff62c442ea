package io.github.umdosgi.impl.extender;

import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.driver.DriverLog;
import io.github.umdosgi.impl.driver.DriverRegistry;

/**
 * The bundle extender: reads the {@code UMD-Driver} header of every installed
 * bundle, records which bundle declares which driver (for lazy loading), and
 * loads the drivers when the bundle becomes active. Unloading on stop is done
 * for every owner alike by the manager's stop listener.
 *
 * <p>BundleTracker delivers events synchronously, in the thread that changes
 * the bundle's state: a driver is loaded before {@code bundle.start()}
 * returns. The tracked objects are immutable.
 */
public final class DriverExtender extends BundleTracker<DriverExtender.Declared> {

    private static final int DECLARING_STATES = Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING
            | Bundle.ACTIVE | Bundle.STOPPING;

    /**
     * What one bundle's header declares.
     *
     * @param declarations the valid clauses
     * @param brokenNames names of drivers whose header could not be used
     */
    record Declared(List<DriverDeclaration> declarations, List<String> brokenNames) {
        List<String> names() {
            return java.util.stream.Stream.concat(declarations.stream().map(d -> d.descriptor().name()),
                    brokenNames.stream()).toList();
        }
    }

    private final DriverRegistry registry;
    private final DriverLog log;
    private final Platform platform;

    /**
     * @param context the manager's bundle context
     * @param registry where drivers live
     * @param log the log
     */
    public DriverExtender(BundleContext context, DriverRegistry registry, DriverLog log) {
        super(context, DECLARING_STATES, null);
        this.registry = registry;
        this.log = log;
        this.platform = Platform.of(context);
    }

    @Override
    public Declared addingBundle(Bundle bundle, BundleEvent event) {
        String header = bundle.getHeaders("").get(UmdManager.DRIVER_HEADER);
        if (header == null) {
            return null;
        }
        Declared declared;
        Map<String, String> unavailable = Map.of();
        try {
            DriverHeaderParser.Selection selection = DriverHeaderParser.parse(header, platform);
            unavailable = selection.unavailable();
            declared = new Declared(selection.declarations(), List.copyOf(unavailable.keySet()));
        } catch (IllegalArgumentException e) {
            declared = new Declared(List.of(), reportBadHeader(bundle, header, e.getMessage()));
        }
        for (String name : declared.names()) {
            Driver driver = registry.obtain(name);
            Bundle previous = driver.declaringBundle();
            if (previous != null && previous.getBundleId() != bundle.getBundleId()) {
                log.error("bundle " + label(bundle) + " declares driver '" + name
                        + "', already declared by " + label(previous) + "; ignoring the second declaration");
                continue;
            }
            driver = registry.declare(name, bundle);
            String reason = unavailable.get(name);
            if (reason != null) {
                String message = "bundle " + label(bundle) + ": driver '" + name + "': " + reason;
                log.error(message);
                driver.failed(message);
            }
        }
        if (bundle.getState() == Bundle.ACTIVE) {
            loadAll(bundle, declared.declarations());
        }
        return declared;
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, Declared declared) {
        if (event != null && event.getType() == BundleEvent.STARTED) {
            loadAll(bundle, declared.declarations());
        }
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, Declared declared) {
        for (String name : declared.names()) {
            registry.find(name).ifPresent(driver -> {
                Bundle declaring = driver.declaringBundle();
                if (declaring != null && declaring.getBundleId() == bundle.getBundleId()) {
                    if (driver.isOwnedBy(bundle)) {
                        driver.unload();
                    }
                    driver.declaredBy(null);
                    registry.forgetIfUnused(driver);
                }
            });
        }
    }

    private void loadAll(Bundle bundle, List<DriverDeclaration> declarations) {
        for (DriverDeclaration declaration : declarations) {
            Driver driver = registry.obtain(declaration.descriptor().name());
            Bundle declaring = driver.declaringBundle();
            if (declaring == null || declaring.getBundleId() != bundle.getBundleId()) {
                continue;
            }
            try {
                driver.load(bundle, declaration.descriptor(), hookOf(bundle, declaration));
            } catch (UmdException | RuntimeException e) {
                // The driver records the failure (state FAILED, last error); the bundle itself stays active.
                if (!(e instanceof UmdException)) {
                    driver.failed(e.getMessage());
                    log.error("driver '" + driver.name() + "' of bundle " + label(bundle) + ": " + e.getMessage());
                }
            }
        }
    }

    /** Instantiates the post-start class from the declaring bundle, like a Bundle-Activator. */
    private static PostStartHook hookOf(Bundle bundle, DriverDeclaration declaration) {
        if (declaration.postStartClass().isEmpty()) {
            return null;
        }
        String className = declaration.postStartClass().get();
        Object hook;
        try {
            hook = bundle.loadClass(className).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("post-start class " + className + " cannot be instantiated: " + e);
        }
        if (!(hook instanceof PostStartHook postStartHook)) {
            throw new IllegalArgumentException("post-start class " + className + " does not implement "
                    + PostStartHook.class.getName() + " (or sees another copy of the API package)");
        }
        return postStartHook;
    }

    /** Logs the problem and marks every nameable driver of the header FAILED, so operators see why. */
    private List<String> reportBadHeader(Bundle bundle, String header, String reason) {
        String message = "bundle " + label(bundle) + " has an invalid " + UmdManager.DRIVER_HEADER
                + " header: " + reason;
        log.error(message);
        List<String> usable = new java.util.ArrayList<>();
        try {
            for (String name : DriverHeaderParser.names(header)) {
                if (DriverDescriptor.isValidName(name)) {
                    usable.add(name);
                    registry.obtain(name).failed(message);
                }
            }
        } catch (IllegalArgumentException unparseable) {
            // Not even the names can be read; the log line above is all there is.
        }
        return usable;
    }

    private static String label(Bundle bundle) {
        return bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }
}
