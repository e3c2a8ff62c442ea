package io.github.umdosgi.impl.manager;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverOwnershipException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.blob.DriverDirectories;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.blob.RootClaim;
import io.github.umdosgi.impl.config.DriverConfigurator;
import io.github.umdosgi.impl.config.DriverOverrides;
import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.driver.DriverEvents;
import io.github.umdosgi.impl.driver.DriverRegistry;
import io.github.umdosgi.impl.driver.DriverServices;
import io.github.umdosgi.impl.driver.Watchdog;
import io.github.umdosgi.impl.extender.DriverExtender;
import io.github.umdosgi.impl.jmx.DriverMBeans;
import io.github.umdosgi.impl.process.LaunchShim;
import io.github.umdosgi.impl.sandbox.Cgroups;
import io.github.umdosgi.impl.sandbox.SandboxHost;
import io.github.umdosgi.impl.sandbox.SandboxLaunches;
import io.github.umdosgi.impl.process.ProcessServices;

/**
 * The manager's core: owns the driver registry, the extender that turns
 * {@code UMD-Driver} headers into drivers, the stop listener that unloads a
 * driver when the bundle it came from stops, and the shared watchdog.
 * Deactivation unloads every driver, so no handler outlives the manager.
 *
 * <p>It offers only internal services. The API's services are objects of
 * their own on top of {@link ManagedDrivers}: {@link UmdManagerService} for
 * clients, {@link UmdAdminService} for operators and {@link DriverLoaderService}
 * per bundle, so that what a bundle may do follows from which service it may
 * get. (A framework with a security manager should grant no bundle but this
 * one {@code ServicePermission} for the internal interfaces.)
 *
 * <p>Fields are written in {@link #activate} and {@link #deactivate}, which
 * SCR never runs concurrently with each other; everything else is thread safe.
 */
@Component(service = {ManagedDrivers.class, DriverConfigurator.class}, immediate = true)
public final class UmdManagerComponent implements ManagedDrivers, DriverConfigurator {

    /** Framework property naming the root of private driver directories. */
    public static final String ROOT_PROPERTY = "io.github.umdosgi.root";

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    // Set and cleared by SCR at any time (dynamic); read on every publish.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DriverEvents events;

    private BundleContext context;
    private Watchdog watchdog;
    private ProcessServices processes;
    private Cgroups cgroups;
    private DriverRegistry registry;
    private DriverExtender extender;
    private DriverMBeans mbeans;
    // Held from activate to deactivate: another manager's sweep must spare this one's directories.
    private RootClaim rootClaim;
    private final SynchronousBundleListener stopListener = this::bundleChanged;

    @Activate
    void activate(BundleContext bundleContext) throws IOException {
        context = bundleContext;
        String configured = context.getProperty(ROOT_PROPERTY);
        Path root = configured != null ? Path.of(configured) : context.getDataFile("drivers").toPath();
        DriverDirectories directories = DriverDirectories.openOrRefuse(root).withMaxHandlerSize(maxHandlerSize());
        if (directories.refusal() != null) {
            // Running without a root: every driver fails with this reason, visible where operators look.
            logger.error("{}; no driver can be loaded until the manager restarts with a usable root",
                    directories.refusal());
        }
        rootClaim = directories.claim();
        if (rootClaim.removed() > 0) {
            logger.warn("removed {} private driver directories left by an earlier run under {}", rootClaim.removed(),
                    root);
        }
        watchdog = new Watchdog(message -> logger.error(message));
        Path tools = context.getDataFile("launcher").toPath();
        HandlerBlob shim = LaunchShim.install(context.getBundle(), tools).orElse(null);
        processes = ProcessServices.create(shim);
        cgroups = Cgroups.discover();
        SandboxHost host = SandboxHost.probe(context.getBundle(), tools.resolve("seccomp"),
                processes.spawner().shim(), Path.of(property(SandboxHost.BWRAP_PROPERTY, SandboxHost.DEFAULT_BWRAP.toString())),
                Integer.parseInt(property(SandboxHost.UID_PROPERTY, Integer.toString(SandboxHost.DEFAULT_UID))));
        SandboxLaunches launches = new SandboxLaunches(host, cgroups, processes.spawner().throughShim());
        if (host.unavailable() != null) {
            logger.error("handlers cannot be sandboxed on this host, so every driver that does not opt out fails: {}",
                    host.unavailable());
        } else if (!cgroups.controllers().containsAll(java.util.List.of("memory", "pids", "cpu", "unified"))) {
            logger.warn("handler limits: the manager can create cgroups beneath the JVM's own only for {}"
                    + " (of memory, pids, cpu, unified); without memory, memory is bounded per process (RLIMIT_DATA),"
                    + " without pids, processes are bounded inside each sandbox's user namespace, without cpu,"
                    + " CPU is not capped, without unified, a tree is killed through its pid namespace only",
                    cgroups.controllers().isEmpty() ? "none" : cgroups.controllers());
        }
        if (shim == null) {
            logger.warn("no launch shim for this machine: handler trees are found through descendants only{}",
                    processes.spawner().guarded() ? "" : ", and handlers that ignore end of stdin may outlive a killed JVM");
        }
        // Each driver's MBeans follow its loads; they are told first, the Event Admin after.
        mbeans = new DriverMBeans(ManagementFactory.getPlatformMBeanServer(), name -> registry.find(name),
                message -> logger.warn(message));
        DriverEvents publisher = event -> {
            mbeans.publish(event);
            DriverEvents sink = events;
            if (sink != null) {
                sink.publish(event);
            }
        };
        registry = new DriverRegistry(new DriverServices(directories, watchdog, processes, new OsgiDriverLog(logger),
                // Settle time: a sandbox takes milliseconds to build, more on a loaded machine; a handler
                // that is meant to serve does not exit this soon before its first request.
                Duration.ofMillis(500), Duration.ofSeconds(5), publisher, launches));
        context.addBundleListener(stopListener);
        extender = new DriverExtender(context, registry, new OsgiDriverLog(logger));
        extender.open();
    }

    /** A bad value is not worth refusing every driver for: it is reported and the default holds. */
    private long maxHandlerSize() {
        try {
            return HandlerBlob.maxSize(context.getProperty(HandlerBlob.MAX_SIZE_PROPERTY));
        } catch (IllegalArgumentException e) {
            logger.error("{}; using the default of {} bytes", e.getMessage(), HandlerBlob.DEFAULT_MAX_SIZE);
            return HandlerBlob.DEFAULT_MAX_SIZE;
        }
    }

    @Deactivate
    void deactivate() {
        extender.close();
        context.removeBundleListener(stopListener);
        registry.unloadAll();
        mbeans.close();
        watchdog.close();
        processes.close();
        cgroups.close();
        rootClaim.close();
    }

    private String property(String name, String fallback) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** Unloads the drivers of a stopping bundle, in its own stopping thread, before it is gone. */
    private void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPING) {
            registry.unloadOwnedBy(event.getBundle());
        }
    }

    @Override
    public Optional<Driver> find(String name) {
        return registry.find(name);
    }

    @Override
    public Driver require(String name) throws DriverNotLoadedException {
        Objects.requireNonNull(name, "name");
        return registry.find(name).orElseThrow(() -> new DriverNotLoadedException(name,
                "no installed bundle declares this driver"));
    }

    @Override
    public List<Driver> all() {
        return registry.all();
    }

    @Override
    public Driver load(Bundle owner, DriverDescriptor descriptor, PostStartHook hook) throws UmdException {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(descriptor, "descriptor");
        if ((owner.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            throw new IllegalStateException("bundle " + owner.getSymbolicName() + " must be starting or active to load a driver");
        }
        Driver driver = registry.obtain(descriptor.name());
        Bundle declaring = driver.declaringBundle();
        if (declaring != null) {
            // A header's driver is the extender's: loading it here would shadow it or fight the extender.
            throw new DriverOwnershipException(driver.name(), "declared by the " + UmdManager.DRIVER_HEADER
                    + " header of bundle " + label(declaring) + "; only its extender loads it");
        }
        refuseIfAnotherLoaded(driver, owner);
        try {
            // The registry loads into the driver it holds, even if an unload retired this one meanwhile.
            return registry.load(owner, descriptor, hook);
        } catch (IllegalStateException e) {
            // Another bundle won a race between the check above and the load.
            refuseIfAnotherLoaded(registry.obtain(descriptor.name()), owner);
            throw e;
        }
    }

    @Override
    public void unload(Driver driver) {
        registry.unload(driver.name());
    }

    @Override
    public void configure(String driverName, DriverOverrides overrides) {
        if (!DriverDescriptor.isValidName(driverName)) {
            throw new IllegalArgumentException("configuration names an invalid driver '" + driverName + "'");
        }
        registry.configure(driverName, overrides);
    }

    private static void refuseIfAnotherLoaded(Driver driver, Bundle owner) throws DriverOwnershipException {
        DriverInfo now = driver.snapshot();
        if (driver.isLoaded() && !driver.isOwnedBy(owner)) {
            throw new DriverOwnershipException(driver.name(), "already loaded by bundle "
                    + now.bundleSymbolicName() + " [" + now.bundleId() + "]");
        }
    }

    private static String label(Bundle bundle) {
        return bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }
}
