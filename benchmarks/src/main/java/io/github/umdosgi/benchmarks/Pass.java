package io.github.umdosgi.benchmarks;

import static io.github.umdosgi.benchmarks.Bench.ECHO;
import static io.github.umdosgi.benchmarks.Bench.ECHO2;
import static io.github.umdosgi.benchmarks.Bench.ECHO_SANDBOX;
import static io.github.umdosgi.benchmarks.Bench.sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.jar.JarFile;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.testkit.TestFiles;

/**
 * One pass of the whole suite in this JVM, under whatever CPU affinity it was
 * started with: sets up the {@link Bench} (the echo handler, the C client, the
 * framework with the manager and the echo bundle), runs the selected sections
 * ({@link RoundTripSection}, {@link ThroughputSection}, {@link StartSection},
 * {@link ScaleSection}) in order, and writes the figures. Each section compares
 * the manager with plain Java and the C client in the same pass, so both sides
 * see the same placement and load.
 *
 * <p>Not thread safe; the throughput section starts its own caller threads.
 */
final class Pass {

    private static final int MAX_MESSAGE = 32 << 20;

    private final Options options;
    private final PrintStream log;
    private final Results results = new Results();

    private Path handler;
    private byte[] handlerBytes;
    private String handlerSha256;

    Pass(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** Runs the selected sections and writes the figures. */
    void run() throws Exception {
        long begin = System.nanoTime();
        TestFiles.deleteTree(options.work());
        Files.createDirectories(options.work());
        prepareHandler();
        CClient cClient = new CClient(options.home().resolve("bin").resolve("umd-bench-client"));
        meta();
        EmbeddedFelix felix = EmbeddedFelix.start(options.home().resolve("bundle"), options.managerJar(), options.work());
        try {
            UmdManager manager = felix.manager();
            Bundle echoBundle = felix.install("bench:echo", DriverBundles.bundle("bench.echo", String.join(", ",
                    DriverBundles.clause(ECHO, echoAttributes(1, false)), DriverBundles.clause(ECHO2, echoAttributes(2, false)),
                    DriverBundles.clause(ECHO_SANDBOX, echoAttributes(1, true))), handlerBytes));
            echoBundle.start();
            String sandboxUnavailable = Bench.whyNotLoaded(manager, ECHO_SANDBOX);
            Bench bench = new Bench(options, results, log, handler, handlerBytes, handlerSha256, cClient, felix,
                    manager, echoBundle, sandboxUnavailable);
            bench.requireLoaded(ECHO);
            bench.requireLoaded(ECHO2);
            results.put("meta.sandbox", sandboxUnavailable != null ? "unavailable: " + sandboxUnavailable
                    : manager.driver(ECHO_SANDBOX).flatMap(DriverInfo::settings).map(d -> d.sandbox().describe()).orElse("?"));
            if (sandboxUnavailable != null) {
                bench.progress("the default sandbox is unavailable, its rows are left out: %s", sandboxUnavailable);
            }
            for (String section : options.sections()) {
                long t0 = System.nanoTime();
                section(section, bench).run();
                results.put("time." + section + "_s", (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            try {
                felix.close();
            } finally {
                // the handlers are gone with the framework; their private directories go now
                TestFiles.deleteTree(options.work());
            }
        }
        results.put("time.total_s", (System.nanoTime() - begin) / 1e9);
        results.put("meta.loadavg_end", loadAverage());
        results.write(options.out());
        Bench.progress(log, options.label(), "done in %.1f s", (System.nanoTime() - begin) / 1e9);
    }

    /** The section named so in {@link Options#ALL_SECTIONS}. */
    private static Section section(String name, Bench bench) {
        return switch (name) {
            case "rtt" -> new RoundTripSection(bench);
            case "tput" -> new ThroughputSection(bench);
            case "start" -> new StartSection(bench);
            case "scale" -> new ScaleSection(bench);
            case "java" -> new JavaStartSection(bench);
            case "pgp" -> new PgpSection(bench);
            case "rss" -> new RssSection(bench);
            default -> throw new IllegalStateException(name);
        };
    }

    /** @param sandboxed false for {@code sandbox=none}, true for the default sandbox */
    private Map<String, String> echoAttributes(int instances, boolean sandboxed) {
        Map<String, String> attributes = DriverBundles.attributes("sha256", handlerSha256,
                "max-message", Integer.toString(MAX_MESSAGE), "instances", Integer.toString(instances),
                // kill + call many times in a row is the point of the restart benchmark
                "restart-intensity", "1000000", "restart-period", "1000");
        if (!sandboxed) {
            attributes.put("sandbox", "none");
        }
        return attributes;
    }

    // ------------------------------------------------------------- setup

    /** Extracts the echo handler from the sample-handler jar; plain Java and C exec this copy. */
    private void prepareHandler() throws IOException {
        Path jar = options.home().resolve("umd").resolve("sample-handler.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            var entry = file.getJarEntry(DriverBundles.HANDLER_ENTRY);
            if (entry == null) {
                throw new IOException(jar + " has no " + DriverBundles.HANDLER_ENTRY);
            }
            try (InputStream in = file.getInputStream(entry)) {
                handlerBytes = in.readAllBytes();
            }
        }
        handler = options.work().resolve("echo-handler");
        Files.write(handler, handlerBytes);
        Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("r-x------"));
        handlerSha256 = HexFormat.of().formatHex(sha256(handler));
    }

    private void meta() throws IOException {
        results.put("meta.label", options.label());
        results.put("meta.quick", Boolean.toString(options.quick()));
        results.put("meta.date", Instant.now().toString());
        results.put("meta.affinity", affinity());
        results.put("meta.loadavg_start", loadAverage());
        results.put("meta.cpus_available", Runtime.getRuntime().availableProcessors());
        results.put("meta.jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.put("meta.jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        results.put("meta.impl", options.managerJar().toAbsolutePath().normalize().toString());
        results.put("meta.impl_sha256", HexFormat.of().formatHex(sha256(options.managerJar())).substring(0, 16));
        results.put("meta.impl_mtime", Files.getLastModifiedTime(options.managerJar()).toInstant().toString());
        results.put("meta.handler_bytes", handlerBytes.length);
        results.put("meta.handler_sha256", handlerSha256.substring(0, 16));
    }

    /** @return the 1, 5 and 15 minute load averages of the machine: other work competing for the CPUs */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** @return the Cpus_allowed_list of this process, e.g. "0" when pinned */
    private static String affinity() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux; fall through
        }
        return "unknown";
    }

}
