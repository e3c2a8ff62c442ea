package io.github.umdosgi.benchmarks;

import static io.github.umdosgi.benchmarks.Bench.ECHO;
import static io.github.umdosgi.benchmarks.Bench.ECHO_SANDBOX;
import static io.github.umdosgi.benchmarks.Calls.check;
import static io.github.umdosgi.benchmarks.Calls.payload;

import java.nio.file.Files;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Section {@code rss}: the resident memory of idle handlers, summed over each driver's process
 * tree (the launcher, bubblewrap, the handler) by {@link ProcessRss}: the handler-kit Java echo in
 * the default sandbox (its first handler, started before the driver's AppCDS archive exists), the
 * OpenPGP parser after a few
 * verifications, and the C echo handler, sandboxed and with {@code sandbox=none}. Each driver gets
 * a few calls, then {@value #SETTLE_MS} ms of rest before its memory is read. Figures {@code rss.*}.
 */
final class RssSection implements Section {

    private static final String JAVA_ECHO = "javarss";
    private static final int CALLS = 20;
    private static final long SETTLE_MS = 1000;

    private final Bench bench;
    private final Results results;
    private final UmdManager manager;

    RssSection(Bench bench) {
        this.bench = bench;
        this.results = bench.results();
        this.manager = bench.manager();
    }

    @Override
    public void run() throws Exception {
        byte[] request = payload(16);
        for (int i = 0; i < CALLS; i++) {
            check(request, manager.call(ECHO, request), true);
        }
        measure("c_none", ECHO);
        if (bench.sandboxUnavailable() != null) {
            bench.progress("rss section: sandboxed rows skipped: no sandbox here (%s)", bench.sandboxUnavailable());
            return;
        }
        for (int i = 0; i < CALLS; i++) {
            check(request, manager.call(ECHO_SANDBOX, request), true);
        }
        measure("c_sandbox", ECHO_SANDBOX);

        byte[] jar = BundleJar.named("bench.rssjava")
                .driverHeader(JAVA_ECHO + ";java=" + KitEcho.class.getName() + ";tree=lib")
                .entry("lib/echo.jar", JavaStartSection.echoJar())
                .entry("lib/umd-handler-kit.jar", Files.readAllBytes(JavaStartSection.kitJar())).build();
        Bundle bundle = bench.felix().install("bench:rssjava", jar);
        try {
            bundle.start();
            for (int i = 0; i < CALLS; i++) {
                check(request, manager.call(JAVA_ECHO, request), true);
            }
            measure("java_echo", JAVA_ECHO);
        } finally {
            bundle.uninstall();
        }

        PgpInputs.Signer ed25519 = PgpInputs.Signer.make(PgpInputs.KeyType.ED25519);
        PgpInputs.Signer rsa = PgpInputs.Signer.make(PgpInputs.KeyType.RSA2048);
        PgpInputs[] inputs = {ed25519.sign("1k", 1 << 10, 1), rsa.sign("1k", 1 << 10, 1)};
        try (PgpDriver driver = PgpDriver.start(bench.felix(), PgpSection.driverJar(bench.options()))) {
            for (int i = 0; i < CALLS; i++) {
                driver.verify(inputs[i % inputs.length]);
            }
            measure("java_pgp", PgpDriver.DRIVER);
        }
        bench.progress("idle handler RSS (tree): C none %d KiB, C sandbox %d KiB, Java echo %d KiB, pgp parser %d KiB",
                (long) results.number("rss.c_none.kib").orElse(0), (long) results.number("rss.c_sandbox.kib").orElse(0),
                (long) results.number("rss.java_echo.kib").orElse(0), (long) results.number("rss.java_pgp.kib").orElse(0));
    }

    private void measure(String row, String driver) throws Exception {
        Thread.sleep(SETTLE_MS);
        long pid = manager.driver(driver).map(DriverInfo::pid).orElseThrow(
                () -> new IllegalStateException("no driver " + driver)).orElseThrow(
                () -> new IllegalStateException("driver " + driver + " has no live handler to measure"));
        ProcessRss.Tree tree = ProcessRss.of(pid);
        results.put("rss." + row + ".kib", tree.kib());
        results.put("rss." + row + ".procs", tree.processes());
    }
}
