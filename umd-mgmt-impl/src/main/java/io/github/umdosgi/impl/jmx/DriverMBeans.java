package io.github.umdosgi.impl.jmx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.driver.DriverEvent;
import io.github.umdosgi.impl.driver.DriverEvents;
import io.github.umdosgi.impl.text.SafeText;

/**
 * Registers a driver's MBeans on the platform MBean server when it is loaded
 * and unregisters them when the load ends (unload, reload, FAILED), driven
 * by the driver's own events: one {@link DriverMXBean} and one
 * {@link InstanceMXBean} per instance of the load. The driver name is
 * untrusted (a bundle declares it), so it is always quoted
 * ({@link ObjectName#quote}) and cannot add or change a key.
 *
 * <p>Concurrency: a driver publishes its load events under its own lock, so
 * one driver's registrations never race each other; {@link #registered}, by
 * driver name, is a concurrent map for the different drivers. Registering an
 * MBean is quick and never blocks on I/O, as {@link DriverEvents} asks.
 * {@link #close} unregisters whatever is left.
 */
public final class DriverMBeans implements DriverEvents {

    /** The JMX domain of every umd-osgi MBean. */
    public static final String DOMAIN = "io.github.umdosgi";

    private final MBeanServer server;
    private final Function<String, Optional<Driver>> drivers;
    private final Consumer<String> warn;
    private final ConcurrentHashMap<String, List<ObjectName>> registered = new ConcurrentHashMap<>();

    /**
     * @param server where the MBeans go, normally {@code ManagementFactory.getPlatformMBeanServer()}
     * @param drivers finds a driver by name
     * @param warn says what could not be registered
     */
    public DriverMBeans(MBeanServer server, Function<String, Optional<Driver>> drivers, Consumer<String> warn) {
        this.server = server;
        this.drivers = drivers;
        this.warn = warn;
    }

    /**
     * @param driver a driver name
     * @return its driver MBean's name
     */
    public static ObjectName driverName(String driver) {
        return name("type=Driver,name=" + ObjectName.quote(driver));
    }

    /**
     * @param driver a driver name
     * @param index an instance index
     * @return that instance's MBean name
     */
    public static ObjectName instanceName(String driver, int index) {
        return name("type=Instance,driver=" + ObjectName.quote(driver) + ",instance=" + index);
    }

    private static ObjectName name(String properties) {
        try {
            return new ObjectName(DOMAIN + ":" + properties);
        } catch (MalformedObjectNameException e) {
            // Quoting makes every name valid; this would be a bug here.
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void publish(DriverEvent event) {
        switch (event.type()) {
            case LOADED -> drivers.apply(event.driver()).ifPresent(this::register);
            case UNLOADED, FAILED -> unregister(event.driver());
            default -> {
                // Handler starts and exits change values, not MBeans.
            }
        }
    }

    private void register(Driver driver) {
        unregister(driver.name());
        List<ObjectName> names = new ArrayList<>();
        add(names, driverName(driver.name()), new StandardMBean(new DriverView(driver), DriverMXBean.class, true));
        int instances = driver.snapshot().instances().size();
        for (int i = 0; i < instances; i++) {
            add(names, instanceName(driver.name(), i),
                    new StandardMBean(new InstanceView(driver, i), InstanceMXBean.class, true));
        }
        registered.put(driver.name(), List.copyOf(names));
    }

    private void add(List<ObjectName> names, ObjectName name, StandardMBean mbean) {
        try {
            server.registerMBean(mbean, name);
            names.add(name);
        } catch (InstanceAlreadyExistsException e) {
            // Another framework in this JVM runs a driver of the same name: its MBean stays.
            warn.accept("MBean " + SafeText.field(name.toString()) + " is registered already (another manager in"
                    + " this JVM?); this driver's metrics are not on JMX");
        } catch (JMException e) {
            warn.accept("cannot register MBean " + SafeText.field(name.toString()) + ": " + e);
        }
    }

    private void unregister(String driver) {
        List<ObjectName> names = registered.remove(driver);
        if (names == null) {
            return;
        }
        for (ObjectName name : names) {
            try {
                server.unregisterMBean(name);
            } catch (InstanceNotFoundException e) {
                // Unregistered by someone else; nothing is left either way.
            } catch (JMException e) {
                warn.accept("cannot unregister MBean " + SafeText.field(name.toString()) + ": " + e);
            }
        }
    }

    /** Unregisters every MBean still registered: the manager is going away. */
    public void close() {
        List.copyOf(registered.keySet()).forEach(this::unregister);
    }
}
