package io.github.umdosgi.launcher;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Starts an embedded Felix with every bundle of {@code bundle/}, then either
 * leaves the console to gogo.jline's shell (interactive) or runs the
 * {@code -c} commands itself and stops the framework.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** The framework storage is held by another running launcher; nothing was touched. */
    static final int EXIT_IN_USE = 3;

    /** How long a "command not found" is retried after startup, in milliseconds. */
    static final String COMMAND_WAIT_PROPERTY = "io.github.umdosgi.launcher.commandWaitMillis";
    private static final long COMMAND_WAIT_DEFAULT_MILLIS = 5_000;
    private static final long PROCESSOR_TIMEOUT_MILLIS = 30_000;
    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    // Gogo replaces System.in/out/err with per-thread multiplexers once it runs;
    // the launcher keeps the process's real streams.
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean shuttingDown;

    Main(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = new Main(System.in, System.out, System.err).run(args);
        System.exit(code);
    }

    int run(String[] args) {
        LauncherOptions options;
        DistributionLayout layout;
        try {
            options = LauncherOptions.parse(args);
            if (options.help()) {
                out.print(LauncherOptions.USAGE);
                out.flush();
                return EXIT_OK;
            }
            options.properties().forEach(System::setProperty);
            layout = DistributionLayout.locate();
        } catch (UsageException e) {
            err.println("umd-osgi: " + e.getMessage());
            err.println("Try 'umd-osgi --help'.");
            return EXIT_USAGE;
        }
        try {
            return launch(options, layout);
        } catch (StorageLock.InUseException e) {
            err.println("umd-osgi: " + e.getMessage());
            return EXIT_IN_USE;
        } catch (Exception e) {
            err.println("umd-osgi: " + ScriptRunner.oneLine(e));
            return EXIT_FAILED;
        }
    }

    private int launch(LauncherOptions options, DistributionLayout layout) throws Exception {
        boolean interactive = !options.nonInteractive();
        if (!interactive && System.getProperty("org.jline.terminal.provider") == null) {
            // gogo.jline still builds a terminal on the console; a dumb one
            // installs no signal handlers, so Ctrl-C keeps stopping the JVM
            System.setProperty("org.jline.terminal.provider", "dumb");
        }
        Files.createDirectories(layout.deployDir());
        if (!interactive && System.out == out) {
            // Only the commands' output belongs on stdout: whatever else prints on System.out (Event
            // Admin's and other bundles' own warnings) goes to stderr. Gogo's sessions keep the real
            // stdout: they were given this.out, and gogo's ThreadIO routes only their threads to it.
            System.setOut(err);
        }
        AsyncConsole console = new AsyncConsole(err);
        Map<String, Object> props = FrameworkProperties.build(layout, interactive, System.getProperties(), err,
                console);
        // Held until the JVM ends (interactive runs end in System.exit): a second launch on this
        // storage must refuse before anything of the first is cleaned.
        Path storage = Path.of((String) props.get(Constants.FRAMEWORK_STORAGE)).toAbsolutePath().normalize();
        StorageLock storageLock = StorageLock.acquire(storage);
        if (Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT.equalsIgnoreCase(
                String.valueOf(props.get(Constants.FRAMEWORK_STORAGE_CLEAN)))) {
            // Felix's own clean would delete the lock file with the storage: clean around it instead.
            storageLock.clean(storage);
            props.put(Constants.FRAMEWORK_STORAGE_CLEAN, "none");
        }
        try {
            return launchLocked(options, props, layout, interactive, console);
        } finally {
            storageLock.close();
        }
    }

    private int launchLocked(LauncherOptions options, Map<String, Object> props, DistributionLayout layout,
            boolean interactive, AsyncConsole console) throws Exception {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        @SuppressWarnings({"unchecked", "rawtypes"}) // Felix accepts the logger object among the strings
        Framework framework = factory.newFramework((Map) props);
        framework.init();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            stopAndWait(framework);
        }, "umd-osgi shutdown"));

        // Bundles (and the threads their activators start) must not inherit the
        // launcher's class loader as context loader: jline looks its terminal
        // providers up through it and falls back to its own loader only when
        // it is null; with the launcher's loader it finds none and the shell
        // gets a dumb terminal even on a real console.
        Thread.currentThread().setContextClassLoader(null);
        ConsoleLogEcho.attach(framework.getBundleContext(), console);
        if (interactive) {
            // The profile hands the shell's line reader over (launcher:attachprompt $.reader), so that
            // asynchronous messages are printed above the prompt instead of into it.
            Hashtable<String, Object> command = new Hashtable<>();
            command.put("osgi.command.scope", "launcher");
            command.put("osgi.command.function", new String[] {"attachprompt"});
            framework.getBundleContext().registerService(Object.class, console, command);
        }
        BundleInstaller installer = new BundleInstaller(framework.getBundleContext(), err);
        List<Bundle> bundles = installer.installAll(layout.bundleDir());
        framework.start();
        installer.startAll(bundles);

        if (interactive) {
            FrameworkEvent event = framework.waitForStop(0);
            return event.getType() == FrameworkEvent.ERROR ? EXIT_FAILED : EXIT_OK;
        }
        boolean ok;
        try (GogoShell shell = GogoShell.open(framework.getBundleContext(), PROCESSOR_TIMEOUT_MILLIS, in, out, err)) {
            ScriptRunner runner = new ScriptRunner(shell, out, err, Duration.ofMillis(commandWaitMillis()),
                    () -> shuttingDown);
            ok = runner.run(options.commands());
        }
        return stopAndWait(framework) && ok ? EXIT_OK : EXIT_FAILED;
    }

    /** Stops the framework (bundles stop, handlers get killed) and waits; false on timeout. */
    private boolean stopAndWait(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                framework.stop();
            }
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("umd-osgi: framework did not stop within " + STOP_TIMEOUT_MILLIS / 1000 + " s");
                return false;
            }
            return true;
        } catch (Exception e) {
            err.println("umd-osgi: stopping the framework failed: " + ScriptRunner.oneLine(e));
            return false;
        } finally {
            err.flush();
        }
    }

    private static long commandWaitMillis() {
        try {
            return Long.parseLong(System.getProperty(COMMAND_WAIT_PROPERTY, ""));
        } catch (NumberFormatException e) {
            return COMMAND_WAIT_DEFAULT_MILLIS;
        }
    }
}
