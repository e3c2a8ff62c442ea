package io.github.umdosgi.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parsed command line of the launcher. */
public final class LauncherOptions {

    static final String USAGE = """
            Usage: umd-osgi [options]
              Starts the umd-osgi Felix framework with every bundle in bundle/.

              (no options)           interactive Gogo shell; 'stop 0' or Ctrl-D exits
              -c, --command CMDS     run Gogo commands, print their results, stop and exit;
                                     commands are separated by ';' or newlines and -c may
                                     be repeated; stops at the first failing command
              -Dname=value           set a system property; names starting with felix.,
                                     org.osgi., gosh., io.github.umdosgi. or
                                     org.apache.felix.http(s). also become framework
                                     properties (the Web Console's address, for example:
                                     -Dorg.apache.felix.http.host=127.0.0.1
                                     -Dorg.osgi.service.http.port=8080, the defaults)
              -h, --help             show this help

            Exit status: 0 on a normal stop or when every command succeeded,
            1 when a command or the framework failed, 2 on a bad command line,
            3 when another running umd-osgi uses the framework storage (run a
            second one with -Dorg.osgi.framework.storage=<folder>).
            """;

    private final boolean help;
    private final List<String> commands;
    private final Map<String, String> properties;

    private LauncherOptions(boolean help, List<String> commands, Map<String, String> properties) {
        this.help = help;
        this.commands = Collections.unmodifiableList(commands);
        this.properties = Collections.unmodifiableMap(properties);
    }

    /** Parses {@code args}; throws with a one-line, user-facing message on bad input. */
    public static LauncherOptions parse(String... args) throws UsageException {
        boolean help = false;
        List<String> commands = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String script = null;
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
            } else if (arg.equals("-c") || arg.equals("--command")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option " + arg + " needs an argument (the commands to run)");
                }
                script = args[++i];
            } else if (arg.startsWith("--command=")) {
                script = arg.substring("--command=".length());
            } else if (arg.startsWith("-D")) {
                addProperty(properties, arg);
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option: " + arg);
            } else {
                throw new UsageException("unexpected argument: " + arg + " (to run a command use -c \"" + arg + "\")");
            }
            if (script != null) {
                List<String> parts = CommandSplitter.split(script);
                if (parts.isEmpty()) {
                    throw new UsageException("option -c was given no command");
                }
                commands.addAll(parts);
            }
        }
        return new LauncherOptions(help, commands, properties);
    }

    private static void addProperty(Map<String, String> properties, String arg) throws UsageException {
        String definition = arg.substring(2);
        int eq = definition.indexOf('=');
        String name = eq < 0 ? definition : definition.substring(0, eq);
        if (name.isBlank()) {
            throw new UsageException("bad property definition: " + arg + " (expected -Dname=value)");
        }
        // -Dname alone means "true", as it does for the java command
        properties.put(name, eq < 0 ? "true" : definition.substring(eq + 1));
    }

    public boolean help() {
        return help;
    }

    /** True when commands were given: run them instead of an interactive shell. */
    public boolean nonInteractive() {
        return !commands.isEmpty();
    }

    /** The commands to run, split and trimmed, in order. */
    public List<String> commands() {
        return commands;
    }

    /** The -D properties of the command line, in order. */
    public Map<String, String> properties() {
        return properties;
    }
}
