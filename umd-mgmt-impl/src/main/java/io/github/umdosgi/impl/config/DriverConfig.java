package io.github.umdosgi.impl.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Operator overrides for one driver, as a Configuration Admin factory
 * configuration (PID {@value #FACTORY_PID}; with FileInstall, a file
 * {@code deploy/io.github.umdosgi.driver-NAME.cfg}). Every attribute left
 * empty keeps what the driver's header declares.
 *
 * <p>Metatype only: the component reads the raw properties and checks them
 * itself ({@link ConfigurationValidator}), so every attribute is text, and a
 * wrong one is reported with its key instead of failing SCR's conversion.
 * The property names are the elements' with dots for underscores.
 */
@ObjectClassDefinition(id = DriverConfig.FACTORY_PID, name = "umd-osgi driver",
        description = "Overrides the settings a driver bundle declares; applied by reloading the driver.")
public @interface DriverConfig {

    /** The factory PID. */
    String FACTORY_PID = "io.github.umdosgi.driver";

    /** @return the driver these overrides apply to */
    @AttributeDefinition(description = "Name of the driver, as in its UMD-Driver header")
    String name();

    /** @return handler instances, 1 to 64; empty keeps the declared number */
    @AttributeDefinition(description = "Handler processes run side by side, 1 to 64 (empty = as declared)")
    String instances() default "";

    /** @return per-call timeout in milliseconds; empty keeps the declared one */
    @AttributeDefinition(description = "Default per-call timeout in ms, at least 1 (empty = as declared)")
    String timeout() default "";

    /** @return start timeout in milliseconds; empty keeps the declared one */
    @AttributeDefinition(description = "Start and post-start hook timeout in ms, at least 1 (empty = as declared)")
    String start_timeout() default "";

    /** @return maximum message size in bytes; empty keeps the declared one */
    @AttributeDefinition(description = "Maximum request and reply size in bytes, 1 to 1073741824 (empty = as declared)")
    String max_message() default "";

    /** @return restarts allowed within the period; empty keeps the declared number */
    @AttributeDefinition(description = "Restarts allowed within the restart period, 0 or more (empty = as declared)")
    String restart_intensity() default "";

    /** @return the restart period in milliseconds; empty keeps the declared one */
    @AttributeDefinition(description = "Restart period in ms, at least 1 (empty = as declared)")
    String restart_period() default "";

    /** @return JVM environment variables passed on; empty keeps the declared list */
    @AttributeDefinition(description = "Names of JVM environment variables passed to the handler (empty = as declared)")
    String[] env() default {};

    /** @return the launch wrapper's argv; empty keeps the declared wrapper */
    @AttributeDefinition(description = "Launch wrapper argv put before the handler, e.g. /usr/bin/setpriv --no-new-privs -- (empty = as declared)")
    String[] wrapper() default {};

    /** @return the sandbox profile; empty keeps the declared one */
    @AttributeDefinition(description = "Sandbox profile: default, strict or none (none runs the handler unconfined; empty = as declared)")
    String sandbox() default "";

    /** @return the network; empty keeps the declared one */
    @AttributeDefinition(description = "Network of a sandboxed handler: none (own loopback only) or host (empty = as declared)")
    String network() default "";

    /** @return host paths bound read-only; empty keeps the declared list */
    @AttributeDefinition(description = "Absolute host paths a sandboxed handler may read (empty = as declared)")
    String[] ro_paths() default {};

    /** @return the memory limit; empty keeps the declared one */
    @AttributeDefinition(description = "Memory limit of a handler tree, bytes with optional k/m/g suffix (empty = as declared)")
    String memory() default "";

    /** @return the process limit; empty keeps the declared one */
    @AttributeDefinition(description = "Processes and threads a handler tree may have (empty = as declared)")
    String processes() default "";

    /** @return the CPU share; empty keeps the declared one */
    @AttributeDefinition(description = "CPU cores a handler tree may use, decimals allowed, 0 = no limit (empty = as declared)")
    String cpus() default "";

    /** @return the CPU time limit; empty keeps the declared one */
    @AttributeDefinition(description = "CPU seconds a handler process may use before it is killed, 0 = no limit (empty = as declared)")
    String cpu_time() default "";

    /** @return the open file limit; empty keeps the declared one */
    @AttributeDefinition(description = "Open files per handler process (empty = as declared)")
    String open_files() default "";

    /** @return the file size limit; empty keeps the declared one */
    @AttributeDefinition(description = "Largest file a handler may write, bytes with optional k/m/g suffix (empty = as declared)")
    String file_size() default "";

    /** @return the scratch size; empty keeps the declared one */
    @AttributeDefinition(description = "Size of the handler's writable scratch directory /tmp, bytes with optional k/m/g suffix (empty = as declared)")
    String scratch() default "";
}
