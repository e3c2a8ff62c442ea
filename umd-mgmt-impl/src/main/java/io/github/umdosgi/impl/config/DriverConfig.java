package io.github.umdosgi.impl.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Operator overrides for one driver, as a Configuration Admin factory
 * configuration (PID {@value #FACTORY_PID}; with FileInstall, a file
 * {@code deploy/io.github.umdosgi.driver-NAME.cfg}). Every attribute left
 * at its default keeps what the driver's header declares.
 */
@ObjectClassDefinition(id = DriverConfig.FACTORY_PID, name = "umd-osgi driver",
        description = "Overrides the settings a driver bundle declares; applied by reloading the driver.")
public @interface DriverConfig {

    /** The factory PID. */
    String FACTORY_PID = "io.github.umdosgi.driver";

    /** @return the driver these overrides apply to */
    @AttributeDefinition(description = "Name of the driver, as in its UMD-Driver header")
    String name();

    /** @return handler instances; 0 keeps the declared number */
    @AttributeDefinition(description = "Handler processes run side by side (0 = as declared)", min = "0", max = "64")
    int instances() default 0;

    /** @return per-call timeout in milliseconds; 0 keeps the declared one */
    @AttributeDefinition(description = "Default per-call timeout in ms (0 = as declared)", min = "0")
    long timeout() default 0;

    /** @return start timeout in milliseconds; 0 keeps the declared one */
    @AttributeDefinition(description = "Start and post-start hook timeout in ms (0 = as declared)", min = "0")
    long start_timeout() default 0;

    /** @return maximum message size in bytes; 0 keeps the declared one */
    @AttributeDefinition(description = "Maximum request and reply size in bytes (0 = as declared)", min = "0")
    int max_message() default 0;

    /** @return restarts allowed within the period; -1 keeps the declared number */
    @AttributeDefinition(description = "Restarts allowed within the restart period (-1 = as declared)", min = "-1")
    int restart_intensity() default -1;

    /** @return the restart period in milliseconds; 0 keeps the declared one */
    @AttributeDefinition(description = "Restart period in ms (0 = as declared)", min = "0")
    long restart_period() default 0;

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
