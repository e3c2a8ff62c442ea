package io.github.umdosgi.impl.shell;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.config.ConfigurationErrors;
import io.github.umdosgi.impl.text.SafeText;

/**
 * Gogo commands in scope {@code umd}. Each returns its output as text, and
 * reports a failure by throwing an exception whose message is a one-line
 * reason, which makes the command fail. Every field that a handler or a
 * bundle could have written (names, last errors, messages of exceptions) is
 * escaped with {@link SafeText} before it is printed. Stateless beyond its
 * references.
 */
@Component(service = UmdCommands.class, property = {
        "osgi.command.scope=umd",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=send",
        "osgi.command.function=restart",
        "osgi.command.function=kill"})
public final class UmdCommands {

    /** Names are short (a driver name is at most 64 characters); a longer one is cut in tables. */
    static final int MAX_NAME = 128;

    @Reference
    private UmdManager manager;

    // Restart and kill act on any bundle's driver: the operator service, not the client one.
    @Reference
    private UmdAdmin admin;

    // Optional and dynamic: SCR may set or clear it at any time, so it is read once per command.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationErrors configurationErrors;

    /** For tests; SCR uses the default constructor and the references. */
    UmdCommands(UmdManager manager, UmdAdmin admin) {
        this(manager, admin, null);
    }

    /** For tests; SCR uses the default constructor and the references. */
    UmdCommands(UmdManager manager, UmdAdmin admin, ConfigurationErrors configurationErrors) {
        this.manager = manager;
        this.admin = admin;
        this.configurationErrors = configurationErrors;
    }

    /** For SCR. */
    public UmdCommands() {
    }

    /**
     * @return one line per driver
     * @throws CommandFailedException the manager failed
     */
    public String list() throws CommandFailedException {
        return safely(() -> {
            List<DriverInfo> drivers = manager.drivers();
            if (drivers.isEmpty()) {
                return "no drivers";
            }
            StringBuilder out = new StringBuilder(String.format("%-20s %-11s %-15s %8s %8s %7s  %-8s %s%n",
                    "NAME", "STATE", "PIDS", "CALLS", "FAILURES", "STARTS", "SANDBOX", "BUNDLE"));
            for (DriverInfo d : drivers) {
                out.append(String.format("%-20s %-11s %-15s %8d %8d %7d  %-8s %s%n", name(d.name()), d.state(), pids(d),
                        d.calls(), d.failures(), d.starts(), profile(d), bundle(d)));
            }
            return out.toString().stripTrailing();
        });
    }

    /**
     * @param name a driver name
     * @return the driver's details
     * @throws CommandFailedException there is no such driver
     */
    public String info(String name) throws CommandFailedException {
        return safely(() -> {
            DriverInfo d = manager.driver(requireName(name))
                    .orElseThrow(() -> new IllegalArgumentException("no driver named '" + name + "'"));
            StringBuilder out = new StringBuilder();
            out.append("name:       ").append(name(d.name())).append('\n');
            out.append("bundle:     ").append(bundle(d)).append('\n');
            out.append("state:      ").append(d.state()).append('\n');
            out.append("calls:      ").append(d.calls()).append('\n');
            out.append("failures:   ").append(d.failures()).append('\n');
            out.append("starts:     ").append(d.starts()).append('\n');
            out.append("last error: ").append(d.lastError().map(SafeText::field).orElse("-")).append('\n');
            ConfigurationErrors rejected = configurationErrors;
            Optional<String> configError = rejected == null ? Optional.empty() : rejected.forDriver(d.name());
            if (configError.isPresent()) {
                // Only when there is one, so the usual block stays as the README shows it.
                out.append("config:     ").append(SafeText.field(configError.get())).append('\n');
            }
            out.append("sandbox:    ").append(d.settings().map(x -> x.sandbox().describe()).orElse("- (not loaded)"))
                    .append('\n');
            for (InstanceInfo i : d.instances()) {
                out.append(String.format("instance %d: pid %s, %s, %d calls, %d starts%n", i.index(),
                        i.pid().isPresent() ? Long.toString(i.pid().getAsLong()) : "-",
                        i.busy() ? "busy" : "idle", i.calls(), i.starts()));
            }
            return out.toString().stripTrailing();
        });
    }

    /**
     * @param name a driver name
     * @param text the request, sent as UTF-8
     * @return the reply, as text when printable, else as hex
     * @throws CommandFailedException the call failed
     */
    public String send(String name, String text) throws CommandFailedException {
        return safely(() -> {
            if (text == null) {
                throw new IllegalArgumentException("usage: umd:send NAME TEXT");
            }
            byte[] reply = manager.call(requireName(name), text.getBytes(StandardCharsets.UTF_8));
            return ReplyFormat.format(reply);
        });
    }

    /**
     * @param name a driver name
     * @return the driver's state after the restart
     * @throws CommandFailedException the restart failed
     */
    public String restart(String name) throws CommandFailedException {
        return safely(() -> {
            DriverInfo d = admin.restart(requireName(name));
            return "driver '" + name(d.name()) + "' restarted, pids " + pids(d);
        });
    }

    /**
     * @param name a driver name
     * @return how many handlers were killed
     * @throws CommandFailedException the driver is not loaded
     */
    public String kill(String name) throws CommandFailedException {
        return safely(() -> {
            int killed = admin.kill(requireName(name));
            return "sent SIGKILL to " + killed + " handler process(es) of driver '" + name(name) + "'";
        });
    }

    /** A command's body; whatever it throws becomes a {@link CommandFailedException}. */
    @FunctionalInterface
    private interface Body {
        String run() throws Exception;
    }

    private static String safely(Body body) throws CommandFailedException {
        try {
            return body.run();
        } catch (Exception e) {
            // The message may quote a handler's stderr, a hook's exception or a bundle's name.
            throw new CommandFailedException(e);
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a driver name is required");
        }
        return name;
    }

    private static String name(String name) {
        return SafeText.field(name, MAX_NAME);
    }

    private static String pids(DriverInfo d) {
        String pids = d.instances().stream().filter(i -> i.pid().isPresent())
                .map(i -> Long.toString(i.pid().getAsLong())).collect(Collectors.joining(","));
        return pids.isEmpty() ? "-" : pids;
    }

    /** The profile while loaded; an unconfined driver is marked so that it stands out. */
    private static String profile(DriverInfo d) {
        return d.settings().map(s -> s.sandbox().confined() ? s.sandbox().profile().key() : "NONE!").orElse("-");
    }

    private static String bundle(DriverInfo d) {
        return d.bundleId() < 0 ? "-" : name(d.bundleSymbolicName()) + " [" + d.bundleId() + "]";
    }
}
