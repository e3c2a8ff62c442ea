package io.github.umdosgi.impl.manager;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverLoader;
import io.github.umdosgi.api.DriverOwnershipException;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.driver.Driver;

/**
 * One bundle's {@link DriverLoader}. Bundle scope makes SCR create one
 * instance per bundle that gets the service, and {@link ComponentContext#getUsingBundle()}
 * names that bundle: it is the owner of every load, so no caller can name
 * another bundle to run its executables. The instance remembers what it
 * loaded, which is all it may unload, and unloads it when the bundle ungets
 * the service (the framework does so when the bundle stops).
 *
 * <p>Thread safe: the set of names is concurrent; each driver serialises its
 * own load and unload.
 */
@Component(service = DriverLoader.class, scope = ServiceScope.BUNDLE)
public final class DriverLoaderService implements DriverLoader {

    private final ManagedDrivers drivers;
    private final Bundle owner;
    private final Set<String> loadedHere = ConcurrentHashMap.newKeySet();
    // Set at deactivation: a loader kept after its bundle ungot it must not load behind the bundle's back.
    private volatile boolean released;

    /**
     * @param drivers the manager's drivers
     * @param context names the bundle this instance serves
     */
    @Activate
    public DriverLoaderService(@Reference ManagedDrivers drivers, ComponentContext context) {
        this.drivers = drivers;
        this.owner = Objects.requireNonNull(context.getUsingBundle(), "a bundle-scoped loader has a using bundle");
    }

    @Override
    public DriverInfo load(DriverDescriptor descriptor, PostStartHook hook) throws UmdException {
        Objects.requireNonNull(descriptor, "descriptor");
        if (released) {
            throw new IllegalStateException("this driver loader of bundle " + owner.getSymbolicName()
                    + " was released; get the service again");
        }
        // Recorded before the load, so that a driver that failed to start is still ours to unload.
        boolean added = loadedHere.add(descriptor.name());
        try {
            return drivers.load(owner, descriptor, hook).snapshot();
        } catch (DriverOwnershipException | IllegalStateException e) {
            if (added) {
                loadedHere.remove(descriptor.name());
            }
            throw e;
        }
    }

    @Override
    public void unload(String name) throws DriverOwnershipException {
        Objects.requireNonNull(name, "name");
        Driver driver = drivers.find(name).orElse(null);
        boolean ours = loadedHere.contains(name);
        if (driver != null && driver.isLoaded() && !(ours && driver.isOwnedBy(owner))) {
            DriverInfo info = driver.snapshot();
            throw new DriverOwnershipException(name, "not loaded through the driver loader of bundle "
                    + owner.getSymbolicName() + " [" + owner.getBundleId() + "]; it is loaded from bundle "
                    + info.bundleSymbolicName() + " [" + info.bundleId() + "]");
        }
        if (driver != null && ours) {
            drivers.unload(driver);
        }
        loadedHere.remove(name);
    }

    @Deactivate
    void deactivate() {
        released = true;
        for (String name : Set.copyOf(loadedHere)) {
            drivers.find(name).ifPresent(this::unloadOwn);
        }
        loadedHere.clear();
    }

    /** Only while the handler is still this bundle's: an operator may have unloaded it and another bundle loaded the name. */
    private void unloadOwn(Driver driver) {
        if (driver.isOwnedBy(owner) || !driver.isLoaded()) {
            drivers.unload(driver);
        }
        loadedHere.remove(driver.name());
    }
}
