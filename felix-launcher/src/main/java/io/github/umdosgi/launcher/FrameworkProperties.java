package io.github.umdosgi.launcher;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.osgi.framework.Constants;

/** Builds the configuration map handed to the framework factory. */
final class FrameworkProperties {

    /** System properties with these prefixes are copied into the framework configuration. */
    static final List<String> PASS_THROUGH_PREFIXES =
            List.of("felix.", "org.osgi.", "gosh.", "io.github.umdosgi.", "org.apache.felix.http.",
                    "org.apache.felix.https.");

    /** Jetty's listen address: the Web Console is for the operator on this machine unless told otherwise. */
    static final String HTTP_HOST = "org.apache.felix.http.host";
    static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    /** Jetty's HTTP port. */
    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String DEFAULT_HTTP_PORT = "8080";

    /** Makes gogo.jline's activator source the profile only, without a shell of its own. */
    static final String NON_INTERACTIVE_GOSH_ARGS = "--nointeractive";

    private FrameworkProperties() {
    }

    static Map<String, Object> build(DistributionLayout layout, boolean interactive, Properties system,
            PrintStream err) {
        return build(layout, interactive, system, err, new AsyncConsole(err));
    }

    /** As above; Felix's messages go to {@code console} (above the prompt once the shell runs). */
    static Map<String, Object> build(DistributionLayout layout, boolean interactive, Properties system,
            PrintStream err, AsyncConsole console) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, layout.cacheDir().toString());
        // a fresh cache each start: bundle/ is the single source of what runs
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put("felix.fileinstall.dir", layout.deployDir().toString());
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        // deploy/ is the operator's input: FileInstall must not write configurations back into it.
        // Its write-back also raced its own reading, delivering a configuration without properties.
        props.put("felix.fileinstall.enableConfigSave", "false");
        props.put("gosh.home", layout.confDir().toString());
        // Jetty's own default is every address; a -D of the same name below overrides these.
        props.put(HTTP_HOST, DEFAULT_HTTP_HOST);
        props.put(HTTP_PORT, DEFAULT_HTTP_PORT);
        for (String name : system.stringPropertyNames()) {
            if (PASS_THROUGH_PREFIXES.stream().anyMatch(name::startsWith)) {
                props.put(name, system.getProperty(name));
            }
        }
        if (!interactive) {
            // set last: in this mode only the launcher's runner may execute commands
            props.put("gosh.args", NON_INTERACTIVE_GOSH_ARGS);
        }
        // framework messages to stderr, so stdout carries only command output
        props.put("felix.log.logger", new StderrLogger(err, console));
        return props;
    }
}
