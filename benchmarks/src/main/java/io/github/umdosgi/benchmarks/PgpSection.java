package io.github.umdosgi.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Section {@code pgp}: OpenPGP detached-signature verifications per second through the real
 * OpenPGP driver (its {@code PgpVerifier} service; the key and signature parsed by the sandboxed
 * Java handler, the data hashed in this JVM) against Bouncy Castle verifying the same inputs in
 * this JVM (with its own provider, {@code jvm}, and with the JDK's providers, {@code jvm_jdk}),
 * for an Ed25519 and an RSA-2048 key over a 1 KiB and a 1 MiB file. One caller; the three take
 * turns call by call, the order rotated, so that all see the same load. Figures {@code pgp.*}.
 */
final class PgpSection implements Section {

    private final Bench bench;
    private final Results results;
    private final Options options;

    PgpSection(Bench bench) {
        this.bench = bench;
        this.results = bench.results();
        this.options = bench.options();
    }

    /** @return the pgp-driver-bundle jar the run script copies next to the manager */
    static Path driverJar(Options options) {
        return options.home().resolve("umd").resolve("pgp-driver-bundle.jar");
    }

    @Override
    public void run() throws Exception {
        if (bench.sandboxUnavailable() != null) {
            bench.progress("pgp section skipped: no sandbox here (%s)", bench.sandboxUnavailable());
            return;
        }
        long t0 = System.nanoTime();
        List<PgpInputs> inputs = new ArrayList<>();
        for (PgpInputs.KeyType type : PgpInputs.KeyType.values()) {
            PgpInputs.Signer signer = PgpInputs.Signer.make(type);
            inputs.add(signer.sign("1k", 1 << 10, 1));
            inputs.add(signer.sign("1m", 1 << 20, 2));
        }
        results.put("pgp.inputs_ms", (System.nanoTime() - t0) / 1e6);
        try (PgpDriver driver = PgpDriver.start(bench.felix(), driverJar(options))) {
            for (PgpInputs in : inputs) {
                measure(driver, in);
            }
        }
    }

    private void measure(PgpDriver driver, PgpInputs in) throws Exception {
        boolean large = in.data().length > (64 << 10);
        int iterations = options.iterations(large ? 60 : 400);
        int warmup = Math.max(10, iterations / 5);
        String[] sides = {"umd", "jvm", "jvm_jdk"};
        long[][] samples = new long[sides.length][iterations];
        for (int i = -warmup; i < iterations; i++) {
            // the order rotated, so that no side always follows another's garbage
            for (int k = 0; k < sides.length; k++) {
                int side = Math.floorMod(i + k, sides.length);
                long took = switch (side) {
                    case 0 -> timeDriver(driver, in);
                    case 1 -> timeJvm(in, false);
                    default -> timeJvm(in, true);
                };
                if (i >= 0) {
                    samples[side][i] = took;
                }
            }
        }
        for (int side = 0; side < sides.length; side++) {
            put("pgp." + in.name() + "." + sides[side], samples[side]);
        }
        bench.progress("pgp %-12s driver %8.0f/s, Bouncy Castle in the JVM %8.0f/s (JDK providers %8.0f/s)",
                in.name(), results.number("pgp." + in.name() + ".umd.per_s").orElse(0),
                results.number("pgp." + in.name() + ".jvm.per_s").orElse(0),
                results.number("pgp." + in.name() + ".jvm_jdk.per_s").orElse(0));
    }

    private void put(String prefix, long[] nanos) {
        Stats stats = Stats.of(nanos);
        results.putMicros(prefix, stats);
        // one caller: verifications per second is the inverse of the mean time per verification
        results.put(prefix + ".per_s", 1e9 / stats.mean());
    }

    private static long timeDriver(PgpDriver driver, PgpInputs in) throws Exception {
        long t0 = System.nanoTime();
        driver.verify(in);
        return System.nanoTime() - t0;
    }

    private static long timeJvm(PgpInputs in, boolean jdkProviders) throws Exception {
        long t0 = System.nanoTime();
        in.verifyInJvm(jdkProviders);
        return System.nanoTime() - t0;
    }
}
