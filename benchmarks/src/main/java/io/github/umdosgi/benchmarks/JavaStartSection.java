package io.github.umdosgi.benchmarks;

import static io.github.umdosgi.benchmarks.Bench.ECHO_SANDBOX;
import static io.github.umdosgi.benchmarks.Calls.check;
import static io.github.umdosgi.benchmarks.Calls.payload;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.kit.JavaHandler;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Section {@code java}: a Java handler built from the handler kit, in the default sandbox, from
 * the kill of its process to the first reply of the next one, with the driver's AppCDS archive
 * (the default once it is made), with the JDK's default CDS archive only, and with
 * {@code -Xshare:off}; the sandboxed C echo handler's restart taken in the same turns. Figures
 * {@code start.javah.*}.
 */
final class JavaStartSection implements Section {

    private static final String MAIN = KitEcho.class.getName();

    private final Bench bench;
    private final Results results;
    private final UmdManager manager;
    private final EmbeddedFelix felix;
    private final Options options;

    JavaStartSection(Bench bench) {
        this.bench = bench;
        this.results = bench.results();
        this.manager = bench.manager();
        this.felix = bench.felix();
        this.options = bench.options();
    }

    @Override
    public void run() throws Exception {
        if (bench.sandboxUnavailable() != null) {
            bench.progress("java section skipped: no sandbox here (%s)", bench.sandboxUnavailable());
            return;
        }
        Path jdkArchive = Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa");
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("javaappcds", "");
        variants.put("javacds", ";jvm-options=-XX:SharedArchiveFile=" + jdkArchive);
        variants.put("javanoshare", ";jvm-options=-Xshare:off");
        List<String> clauses = new ArrayList<>();
        variants.forEach((name, extra) -> clauses.add(name + ";java=" + MAIN + ";tree=lib;restart-intensity=1000000"
                + ";restart-period=1000" + extra));
        byte[] jar = BundleJar.named("bench.javahandlers").driverHeader(String.join(", ", clauses))
                .entry("lib/echo.jar", echoJar())
                .entry("lib/umd-handler-kit.jar", Files.readAllBytes(kitJar())).build();
        Bundle bundle = felix.install("bench:javahandlers", jar);
        try {
            bundle.start();
            long loaded = System.nanoTime();
            byte[] request = payload(16);
            for (String name : variants.keySet()) {
                check(request, manager.call(name, request), true);
            }
            Path archive = awaitArchive("javaappcds");
            results.put("start.javah.archive_ready_ms", (System.nanoTime() - loaded) / 1e6);
            results.put("start.javah.archive_mib", Files.size(archive) / (double) (1 << 20));

            int iterations = options.iterations(30);
            Map<String, long[]> samples = new LinkedHashMap<>();
            samples.put("start.javah.appcds", new long[iterations]);
            samples.put("start.javah.cds_default", new long[iterations]);
            samples.put("start.javah.xshare_off", new long[iterations]);
            samples.put("start.javah.c_sandbox", new long[iterations]);
            List<String> drivers = List.of("javaappcds", "javacds", "javanoshare", ECHO_SANDBOX);
            List<long[]> rows = List.copyOf(samples.values());
            for (int i = -2; i < iterations; i++) {
                // taking turns, the order rotated, so that every row sees the same load
                for (int k = 0; k < drivers.size(); k++) {
                    int row = Math.floorMod(i + k, drivers.size());
                    long took = restart(drivers.get(row), request);
                    if (i >= 0) {
                        rows.get(row)[i] = took;
                    }
                }
            }
            samples.forEach((key, nanos) -> results.putMicros(key, Stats.of(nanos)));
            bench.progress("java handler restart -> first reply: AppCDS %8.0f us, default CDS %8.0f us,"
                            + " -Xshare:off %8.0f us; C handler %6.0f us",
                    results.number("start.javah.appcds.median_us").orElse(0),
                    results.number("start.javah.cds_default.median_us").orElse(0),
                    results.number("start.javah.xshare_off.median_us").orElse(0),
                    results.number("start.javah.c_sandbox.median_us").orElse(0));
        } finally {
            bundle.uninstall();
        }
    }

    /** Kills the driver's handler, waits until it is reaped (unmeasured), then times the next call. */
    private long restart(String driver, byte[] request) throws Exception {
        if (felix.admin().kill(driver) != 1) {
            throw new IllegalStateException("no live handler of " + driver + " to kill");
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (manager.driver(driver).map(d -> d.pid().isPresent()).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the killed handler of " + driver + " was not reaped within 5 s");
            }
            Thread.sleep(0, 100_000);
        }
        System.gc();
        long t0 = System.nanoTime();
        check(request, manager.call(driver, request), true);
        return System.nanoTime() - t0;
    }

    /** Waits for the driver's archive in its private directory under the manager root. */
    private Path awaitArchive(String driver) throws Exception {
        Path root = options.work().resolve("drivers");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    Path archive = dir.resolve("cds/handler.jsa");
                    if (dir.getFileName().toString().startsWith(driver + ".") && Files.isRegularFile(archive)) {
                        return archive;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no class-data-sharing archive for " + driver + " within 120 s");
    }

    /** @return the handler kit's jar, from the harness's class path */
    static Path kitJar() throws Exception {
        return Path.of(JavaHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** @return a jar holding the echo handler's class */
    static byte[] echoJar() throws Exception {
        String entry = KitEcho.class.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes);
                InputStream in = KitEcho.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(in.readAllBytes());
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
