package io.github.umdosgi.impl.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.config.ConfigurationErrors;
import io.github.umdosgi.impl.driver.DriverDetails;
import io.github.umdosgi.impl.manager.ManagedDrivers;
import io.github.umdosgi.impl.process.ProcessUsage;
import io.github.umdosgi.impl.process.StderrTail;
import io.github.umdosgi.impl.text.SafeText;

/**
 * Gogo commands in scope {@code umd}. Each returns its output as text, and
 * reports a failure by throwing an exception whose message is a one-line
 * reason, which makes the command fail. Every field that a handler or a
 * bundle could have written (names, last errors, stderr lines, messages of
 * exceptions) is escaped with {@link SafeText} before it is printed.
 *
 * <p>Every command takes its operands as {@code String...} and checks their
 * count itself, so that a wrong count gets a one-line usage instead of
 * Gogo's coercion message; {@code String} keeps a token as typed ({@code 00}
 * stays {@code 00}). The Gogo annotations give {@code help umd:x} its text;
 * their package is imported optionally, and without it they are simply
 * absent. Stateless beyond its references.
 */
@Component(service = UmdCommands.class, property = {
        "osgi.command.scope=umd",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=send",
        "osgi.command.function=restart",
        "osgi.command.function=kill",
        "osgi.command.function=log",
        "osgi.command.function=health",
        "osgi.command.function=names"})
public final class UmdCommands {

    /** Names are short (a driver name is at most 64 characters); a longer one is cut in tables. */
    static final int MAX_NAME = 128;

    /** Lines {@code umd:log} shows when not told otherwise. */
    static final int DEFAULT_LOG_LINES = 20;

    /** How often {@code umd:log -f} looks for new lines. */
    static final long FOLLOW_POLL_MILLIS = 100;

    /** A request given as text or hex is shown at most this long in an error. */
    private static final int MAX_QUOTED = 40;

    @Reference
    private UmdManager manager;

    // Restart and kill act on any bundle's driver: the operator service, not the client one.
    @Reference
    private UmdAdmin admin;

    // Optional and dynamic: SCR may set or clear it at any time, so it is read once per command.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationErrors configurationErrors;

    // The manager's internals, for what the API does not show (settings' origins, process details, follow).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ManagedDrivers drivers;

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
     * @param args nothing
     * @return one line per driver
     * @throws CommandFailedException the manager failed
     */
    @Descriptor("list the drivers: state, handler pids, counters of the current load, sandbox, bundle")
    public String list(@Descriptor("(none)") String... args) throws CommandFailedException {
        return safely(() -> {
            operands(args, 0, "umd:list");
            List<DriverInfo> all = manager.drivers();
            if (all.isEmpty()) {
                return "no drivers";
            }
            StringBuilder out = new StringBuilder(String.format("%-20s %-11s %-15s %8s %8s %7s  %-8s %s%n",
                    "NAME", "STATE", "PIDS", "CALLS", "FAILURES", "STARTS", "SANDBOX", "BUNDLE"));
            for (DriverInfo d : all) {
                out.append(String.format("%-20s %-11s %-15s %8d %8d %7d  %-8s %s%n", name(d.name()), d.state(), pids(d),
                        d.calls(), d.failures(), d.starts(), profile(d), bundle(d)));
            }
            return out.toString().stripTrailing();
        });
    }

    /**
     * @param args the driver name
     * @return the driver's details
     * @throws CommandFailedException there is no such driver
     */
    @Descriptor("show a driver: counters, last error, effective settings and their origin, handler file,"
            + " and per instance pid, uptime, memory, CPU time and last exit")
    public String info(@Descriptor("NAME: the driver") String... args) throws CommandFailedException {
        return safely(() -> {
            String name = operands(args, 1, "umd:info NAME")[0];
            DriverInfo d = manager.driver(name)
                    .orElseThrow(() -> new IllegalArgumentException("no driver named '" + name(name) + "'"));
            ConfigurationErrors rejected = configurationErrors;
            Optional<String> configError = rejected == null ? Optional.empty() : rejected.forDriver(d.name());
            ManagedDrivers known = drivers;
            DriverDetails details = known == null ? null : known.find(name).map(x -> x.details()).orElse(null);
            return InfoFormat.format(d, details, configError, Instant.now(), ProcessUsage::ofTree);
        });
    }

    /**
     * @param hex the operands after the name are hex digits
     * @param file the request is this file's content
     * @param maxBytes at most this many reply bytes are printed
     * @param args the driver name, then the request's words
     * @return the reply, as text when printable, else as hex, cut at {@code maxBytes}
     * @throws CommandFailedException the call failed
     */
    @Descriptor("send one request to a driver and print its reply (text when it is printable UTF-8, else hex)")
    public String send(
            @Descriptor("the request is hex digits (spaces allowed), e.g. -x '00 ff 10'")
            @Parameter(names = {"-x", "--hex"}, presentValue = "true", absentValue = "false") boolean hex,
            @Descriptor("the request is the bytes of this file")
            @Parameter(names = {"-f", "--file"}, absentValue = "") String file,
            @Descriptor("print at most this many bytes of the reply (default 4096)")
            @Parameter(names = {"-m", "--max-bytes"}, absentValue = "4096") String maxBytes,
            @Descriptor("NAME [TEXT...]: the driver, then the request (words joined by spaces, sent as UTF-8)")
            String... args) throws CommandFailedException {
        return safely(() -> {
            String usage = "umd:send [-x] [-f FILE] [-m BYTES] NAME [TEXT...]";
            if (args == null || args.length == 0 || args[0].startsWith("-")) {
                throw usage(usage, args);
            }
            int shown = positive(maxBytes, "-m");
            String name = args[0];
            String words = String.join(" ", List.of(args).subList(1, args.length));
            byte[] request = RequestInput.bytes(hex, file, words, usage);
            return ReplyFormat.format(manager.call(name, request), shown);
        });
    }

    /**
     * @param args the driver name
     * @return the driver's state after the restart
     * @throws CommandFailedException the restart failed
     */
    @Descriptor("kill and start again the handlers of a driver; also clears a FAILED state")
    public String restart(@Descriptor("NAME: the driver") String... args) throws CommandFailedException {
        return safely(() -> {
            DriverInfo d = admin.restart(operands(args, 1, "umd:restart NAME")[0]);
            return "driver '" + name(d.name()) + "' restarted, pids " + pids(d);
        });
    }

    /**
     * @param args the driver name
     * @return how many handlers were killed
     * @throws CommandFailedException the driver is not loaded
     */
    @Descriptor("send SIGKILL to the handler processes of a driver, as a crash would; the next call starts new ones")
    public String kill(@Descriptor("NAME: the driver") String... args) throws CommandFailedException {
        return safely(() -> {
            String name = operands(args, 1, "umd:kill NAME")[0];
            int killed = admin.kill(name);
            return "sent SIGKILL to " + killed + " handler process(es) of driver '" + name(name) + "'";
        });
    }

    /**
     * @param lines how many lines
     * @param follow keep printing new lines until interrupted
     * @param args the driver name
     * @return the lines, escaped
     * @throws CommandFailedException no such driver, or it has no load
     */
    @Descriptor("print a driver's recent handler stderr (kept per load, whatever the log level)")
    public String log(
            @Descriptor("how many of the newest lines (default 20)")
            @Parameter(names = {"-n", "--lines"}, absentValue = "20") String lines,
            @Descriptor("then keep printing new lines until Ctrl-C")
            @Parameter(names = {"-f", "--follow"}, presentValue = "true", absentValue = "false") boolean follow,
            @Descriptor("NAME: the driver") String... args) throws CommandFailedException {
        return safely(() -> {
            String name = operands(args, 1, "umd:log [-n LINES] [-f] NAME")[0];
            int count = positive(lines, "-n");
            if (!follow) {
                return escaped(admin.stderr(name, count));
            }
            ManagedDrivers known = drivers;
            if (known == null) {
                throw new IllegalStateException("the manager is not available");
            }
            follow(known.require(name).stderr(), count, System.out);
            return null;
        });
    }

    /**
     * @param args nothing
     * @return one line: every driver is healthy
     * @throws CommandFailedException a driver is FAILED: the command fails, naming each and why
     */
    @Descriptor("succeed when no driver is FAILED, else fail naming each failed driver and why (for health scripts)")
    public String health(@Descriptor("(none)") String... args) throws CommandFailedException {
        return safely(() -> {
            operands(args, 0, "umd:health");
            List<DriverInfo> all = manager.drivers();
            List<DriverInfo> failed = all.stream().filter(d -> d.state() == DriverState.FAILED).toList();
            if (!failed.isEmpty()) {
                throw new IllegalStateException(failed.size() + " of " + all.size() + " drivers FAILED: "
                        + failed.stream().map(d -> name(d.name()) + " ("
                                + d.lastError().map(e -> SafeText.field(e, 300)).orElse("no reason recorded") + ")")
                                .collect(Collectors.joining(", ")));
            }
            return "healthy: " + all.size() + " driver(s), none FAILED";
        });
    }

    /**
     * @param args nothing
     * @return the driver names, for scripts and for completion in the shell
     * @throws CommandFailedException the manager failed
     */
    @Descriptor("the driver names, one per line (completion in the shell uses it)")
    public List<String> names(@Descriptor("(none)") String... args) throws CommandFailedException {
        try {
            operands(args, 0, "umd:names");
            return manager.drivers().stream().map(d -> name(d.name())).toList();
        } catch (Exception e) {
            throw new CommandFailedException(e);
        }
    }

    /** Prints the newest lines, then new ones as they come, until the thread is interrupted (Ctrl-C). */
    static void follow(StderrTail tail, int count, PrintStream out) {
        List<String> first = tail.last(count);
        long next = tail.next();
        if (!first.isEmpty()) {
            out.println(escaped(first));
        }
        out.flush();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(FOLLOW_POLL_MILLIS);
            } catch (InterruptedException e) {
                // Ctrl-C: the end of a follow, not a failure.
                Thread.currentThread().interrupt();
                break;
            }
            StderrTail.Since since = tail.since(next);
            next = since.next();
            if (since.missed() > 0) {
                out.println("…(" + since.missed() + " lines dropped before they could be shown)");
            }
            if (!since.lines().isEmpty()) {
                out.println(escaped(since.lines()));
            }
            out.flush();
        }
        Thread.interrupted();
    }

    static String escaped(List<String> lines) {
        return lines.stream().map(SafeText::field).collect(Collectors.joining("\n"));
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

    /** @return exactly {@code count} operands, or a usage error naming what was wrong */
    private static String[] operands(String[] args, int count, String usage) {
        String[] given = args == null ? new String[0] : args;
        if (given.length != count) {
            throw usage(usage, given);
        }
        for (String arg : given) {
            if (arg == null || arg.isBlank() || arg.startsWith("-")) {
                throw usage(usage, given);
            }
        }
        return given;
    }

    static UsageException usage(String usage, String[] given) {
        int n = given == null ? 0 : given.length;
        String what = n == 0 ? "no operand" : n + " operand(s)";
        if (n > 0 && given[0] != null && given[0].startsWith("-")) {
            what = "unknown option " + SafeText.field(given[0], MAX_QUOTED);
        }
        return new UsageException("usage: " + usage + " (got " + what + "; see 'help " + usage.split(" ")[0]
                + "')");
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new IllegalArgumentException(option + " needs a whole number of at least 1, not '"
                + SafeText.field(value, MAX_QUOTED) + "'");
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

    static String bundle(DriverInfo d) {
        return d.bundleId() < 0 ? "-" : name(d.bundleSymbolicName()) + " [" + d.bundleId() + "]";
    }

    /** Turns {@code umd:send}'s operands into the request's bytes. Stateless. */
    static final class RequestInput {

        private RequestInput() {
        }

        static byte[] bytes(boolean hex, String file, String words, String usage) throws IOException {
            if (!file.isEmpty()) {
                if (hex || !words.isEmpty()) {
                    throw new UsageException("usage: " + usage + " (-f takes the request from the file:"
                            + " give no TEXT and no -x with it)");
                }
                Path path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    throw new IllegalArgumentException("-f: no such regular file: " + SafeText.field(file, 200));
                }
                if (Files.size(path) > io.github.umdosgi.api.DriverDescriptor.MAX_MESSAGE_LIMIT) {
                    throw new IllegalArgumentException("-f: " + SafeText.field(file, 200)
                            + " is larger than any driver accepts (1 GiB)");
                }
                return Files.readAllBytes(path);
            }
            if (hex) {
                return hex(words);
            }
            return utf8(words);
        }

        static byte[] hex(String words) {
            String digits = words.replaceAll("\\s+", "");
            try {
                return HexFormat.of().parseHex(digits);
            } catch (IllegalArgumentException e) {
                int bad = firstNonHex(digits);
                String where = bad >= 0 ? "'" + SafeText.field(String.valueOf(digits.charAt(bad))) + "' at digit " + bad
                        : "an odd number of digits (" + digits.length() + ")";
                throw new IllegalArgumentException("-x: the request is not hex: " + where);
            }
        }

        private static int firstNonHex(String digits) {
            for (int i = 0; i < digits.length(); i++) {
                if (Character.digit(digits.charAt(i), 16) < 0) {
                    return i;
                }
            }
            return -1;
        }

        /** UTF-8, refusing what has no UTF-8 form (a lone surrogate) instead of sending '?' for it. */
        static byte[] utf8(String text) {
            try {
                ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(text));
                byte[] bytes = new byte[encoded.remaining()];
                encoded.get(bytes);
                return bytes;
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("the request text is not valid Unicode (a lone surrogate?);"
                        + " give raw bytes with -x or -f");
            }
        }
    }
}
