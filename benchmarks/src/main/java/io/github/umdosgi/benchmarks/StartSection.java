package io.github.umdosgi.benchmarks;

import static io.github.umdosgi.benchmarks.Bench.ECHO;
import static io.github.umdosgi.benchmarks.Bench.ECHO_SANDBOX;
import static io.github.umdosgi.benchmarks.Bench.sha256;
import static io.github.umdosgi.benchmarks.Calls.check;
import static io.github.umdosgi.benchmarks.Calls.payload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.FrameworkWiring;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdManager;

/**
 * Section {@code start}: loader bundle start and restart after a kill to the first reply, the
 * manager's planned launch run without the manager, plain ProcessBuilder and the C client's
 * posix_spawn, and the costs of single steps of the manager's start path. Figures
 * {@code start.*} and {@code cost.*}.
 */
final class StartSection implements Section {

    static final String SETPRIV = "/usr/bin/setpriv";
    static final List<String> PDEATHSIG_GUARD = List.of(SETPRIV, "--pdeathsig", "KILL", "--");

    // drivers of bundles this section installs and uninstalls: sandbox=none, and the default sandbox
    private static final String ECHO_START = "echostart";
    private static final String ECHO_START_SANDBOX = "echostartsb";
    // names the launches the harness plans through the manager's own planner, run without the manager
    private static final String BARE = "bare";

    private final Bench bench;
    private final Options options;
    private final Results results;
    private final Path handler;
    private final byte[] handlerBytes;
    private final String handlerSha256;
    private final CClient cClient;
    private final EmbeddedFelix felix;
    private final UmdManager manager;
    private final Bundle echoBundle;
    private final String sandboxUnavailable;

    StartSection(Bench bench) {
        this.bench = bench;
        this.options = bench.options();
        this.results = bench.results();
        this.handler = bench.handler();
        this.handlerBytes = bench.handlerBytes();
        this.handlerSha256 = bench.handlerSha256();
        this.cClient = bench.cClient();
        this.felix = bench.felix();
        this.manager = bench.manager();
        this.echoBundle = bench.echoBundle();
        this.sandboxUnavailable = bench.sandboxUnavailable();
    }

    @Override
    public void run() throws Exception {
        int spawns = options.iterations(100);
        int bundleStarts = options.iterations(30);
        int warm = 3;
        List<String> direct = List.of(handler.toString());
        List<String> guarded = new ArrayList<>(PDEATHSIG_GUARD);
        guarded.add(handler.toString());
        // the same guard from a minimal static program instead of setpriv
        List<String> staticGuard = List.of(options.home().resolve("bin").resolve("pdeathsig-exec").toString(),
                handler.toString());
        boolean sandboxed = sandboxUnavailable == null;

        // 1. loader bundle start -> first reply, with the default sandbox and with sandbox=none, taking turns:
        // install (unmeasured), resolve (unmeasured), start + call, uninstall (timed apart)
        List<Sample> loads = new ArrayList<>();
        List<Runnable> recordLoads = new ArrayList<>();
        if (sandboxed) {
            loads.add(bundleStart("start.umd_sandbox", ECHO_START_SANDBOX,
                    DriverBundles.attributes("sha256", handlerSha256), bundleStarts, recordLoads));
        }
        loads.add(bundleStart("start.umd", ECHO_START, DriverBundles.attributes("sha256", handlerSha256,
                "sandbox", "none"), bundleStarts, recordLoads));
        sideBySide(warm, bundleStarts, loads);
        recordLoads.forEach(Runnable::run);
        bench.progress("start umd bundle start -> first reply %8.0f us, default sandbox %8.0f us",
                results.number("start.umd.start.median_us").orElse(0),
                results.number("start.umd_sandbox.start.median_us").orElse(0));

        // 2. restart after a kill -> first reply (the kill and the reaping are not measured), and the
        // launch the manager plans for the same driver run without the manager, all taking turns
        Optional<Path> shim = launchShim();
        ManagerLaunches launches = shim.isEmpty() ? null : ManagerLaunches.of(felix, shim.get(), handler,
                handlerSha256, ECHO_SANDBOX, options.work().resolve("bare"));
        List<Sample> restarts = new ArrayList<>();
        List<Runnable> recordRestarts = new ArrayList<>();
        if (sandboxed) {
            restarts.add(restart(ECHO_SANDBOX, "start.umd_sandbox.restart", spawns, recordRestarts));
        }
        restarts.add(restart(ECHO, "start.umd.restart", spawns, recordRestarts));
        if (launches != null) {
            results.put("meta.cgroups", String.join(",", launches.cgroupControllers()));
            if (sandboxed) {
                DriverDescriptor settings = manager.driver(ECHO_SANDBOX).flatMap(DriverInfo::settings).orElseThrow();
                sameCommandAsTheManager(launches.plan(BARE, settings), ECHO_SANDBOX);
                restarts.add(bare(launches, settings, "start.java.pb_like_manager_sandbox", "sandbox", true, spawns,
                        recordRestarts));
                // analysis: the same launch without joining its cgroups (what joining them costs)
                restarts.add(bare(launches, settings, "start.java.pb_like_manager_sandbox_no_cgroups", "sandbox_no_cgroups",
                        false, spawns, recordRestarts));
            }
            restarts.add(bare(launches, manager.driver(ECHO).flatMap(DriverInfo::settings).orElseThrow(),
                    "start.java.pb_like_manager", "none", true, spawns, recordRestarts));
        }
        sideBySide(warm, spawns, restarts);
        recordRestarts.forEach(Runnable::run);
        bench.progress("start umd restart after kill -> first reply %8.0f us, default sandbox %8.0f us;"
                        + " bare launch as planned %8.0f us, default sandbox %8.0f us",
                results.number("start.umd.restart.median_us").orElse(0),
                results.number("start.umd_sandbox.restart.median_us").orElse(0),
                results.number("start.java.pb_like_manager.median_us").orElse(0),
                results.number("start.java.pb_like_manager_sandbox.median_us").orElse(0));

        // 3. plain ProcessBuilder, as is and with a parent-death guard in front
        recordSpawn("start.java.pb", spawns, () -> JavaEcho.start(direct));
        recordSpawn("start.java.pb_setpriv", spawns, () -> JavaEcho.start(guarded));
        recordSpawn("start.java.pb_static_guard", spawns, () -> JavaEcho.start(staticGuard));

        // 4. the C client: posix_spawn -> first reply, direct and behind the same guard
        results.putMicros("start.c.spawn", Stats.of(cClient.spawns(spawns, direct)));
        results.putMicros("start.c.spawn_setpriv", Stats.of(cClient.spawns(spawns, guarded)));
        results.putMicros("start.c.spawn_static_guard", Stats.of(cClient.spawns(spawns, staticGuard)));
        bench.progress("start plain PB %6.0f us  PB+setpriv %6.0f us  C %6.0f us  C+setpriv %6.0f us",
                results.number("start.java.pb.median_us").orElse(0), results.number("start.java.pb_setpriv.median_us").orElse(0),
                results.number("start.c.spawn.median_us").orElse(0), results.number("start.c.spawn_setpriv.median_us").orElse(0));

        // 5. costs of single steps of the manager's start and restart paths
        costs(spawns);
    }

    /** One row of measurements taken in turns with others: takes sample {@code index} (below 0: warm-up). */
    @FunctionalInterface
    private interface Sample {
        void take(int index) throws Exception;
    }

    /** Takes the samples of all rows in turns, the order rotated each time, so all see the same load. */
    private static void sideBySide(int warm, int iterations, List<Sample> rows) throws Exception {
        for (int i = -warm; i < iterations; i++) {
            for (int k = 0; k < rows.size(); k++) {
                rows.get(Math.floorMod(i + k, rows.size())).take(i);
            }
        }
    }

    /** Samples of one figure by index; warm-up samples (index below 0) are dropped. */
    private static final class Samples {
        private final long[] nanos;

        Samples(int iterations) {
            nanos = new long[iterations];
        }

        void set(int index, long value) {
            if (index >= 0) {
                nanos[index] = value;
            }
        }

        Stats stats() {
            return Stats.of(nanos);
        }
    }

    /**
     * A loader bundle declaring one driver: install and resolve (unmeasured), then {@code start()}
     * plus the first call, then {@code uninstall()}.
     */
    private Sample bundleStart(String key, String driver, Map<String, String> attributes, int iterations,
            List<Runnable> record) {
        byte[] jar = DriverBundles.bundle("bench." + driver, DriverBundles.header(List.of(driver), attributes),
                handlerBytes);
        FrameworkWiring wiring = echoBundle.getBundleContext().getBundle(0).adapt(FrameworkWiring.class);
        byte[] request = payload(16);
        Samples total = new Samples(iterations);
        Samples load = new Samples(iterations);
        Samples firstCall = new Samples(iterations);
        Samples uninstall = new Samples(iterations);
        record.add(() -> {
            results.putMicros(key + ".start", total.stats());
            results.putMicros(key + ".bundle_start", load.stats());
            results.putMicros(key + ".first_call", firstCall.stats());
            results.putMicros(key + ".uninstall", uninstall.stats());
        });
        return i -> {
            Bundle bundle = felix.install("bench:" + driver + ":" + i, jar);
            if (!wiring.resolveBundles(List.of(bundle))) {
                throw new IllegalStateException("bench." + driver + " does not resolve");
            }
            System.gc();
            long t0 = System.nanoTime();
            bundle.start();
            long t1 = System.nanoTime();
            check(request, manager.call(driver, request), true);
            long t2 = System.nanoTime();
            bundle.uninstall();
            long t3 = System.nanoTime();
            total.set(i, t2 - t0);
            load.set(i, t1 - t0);
            firstCall.set(i, t2 - t1);
            uninstall.set(i, t3 - t2);
        };
    }

    /** Kills the driver's handler, waits until it is reaped (unmeasured), then times the next call. */
    private Sample restart(String driver, String key, int iterations, List<Runnable> record) throws Exception {
        byte[] request = payload(16);
        check(request, manager.call(driver, request), true);
        Samples restarts = new Samples(iterations);
        record.add(() -> results.putMicros(key, restarts.stats()));
        return i -> {
            if (felix.admin().kill(driver) != 1) {
                throw new IllegalStateException("no live handler of " + driver + " to kill");
            }
            awaitNoHandler(driver);
            System.gc();
            long t0 = System.nanoTime();
            check(request, manager.call(driver, request), true);
            restarts.set(i, System.nanoTime() - t0);
        };
    }

    /**
     * The launch the manager's planner makes for a driver with these settings, started by plain
     * ProcessBuilder through the shim, to its first reply. Planning (creating the cgroups and setting
     * their limits) is timed apart before, and removing the cgroups once the process is closed and
     * reaped (as the manager does when it shuts a handler down) apart after.
     *
     * @param variant names the step rows: {@code cost.plan_<variant>}, {@code cost.release_<variant>}
     * @param joinCgroups false to leave the shim's {@code --cgroup} options out (analysis only)
     */
    private Sample bare(ManagerLaunches launches, DriverDescriptor settings, String key, String variant,
            boolean joinCgroups, int iterations, List<Runnable> record) {
        byte[] request = payload(16);
        Samples plans = new Samples(iterations);
        Samples starts = new Samples(iterations);
        Samples releases = new Samples(iterations);
        record.add(() -> {
            results.putMicros(key, starts.stats());
            results.putMicros("cost.plan_" + variant, plans.stats());
            results.putMicros("cost.release_" + variant, releases.stats());
        });
        return i -> {
            long t0 = System.nanoTime();
            ManagerLaunches.Planned planned = launches.plan(BARE, settings);
            plans.set(i, System.nanoTime() - t0);
            try {
                ProcessBuilder builder = launches.builder(joinCgroups ? planned : planned.withoutCgroups());
                System.gc();
                long t1 = System.nanoTime();
                try (JavaEcho echo = JavaEcho.start(builder)) {
                    // the go byte the shim waits for (the manager first opens its pipe ends through /proc)
                    echo.process().getOutputStream().write('G');
                    echo.process().getOutputStream().flush();
                    check(request, echo.call(request), true);
                    starts.set(i, System.nanoTime() - t1);
                }
            } finally {
                long t2 = System.nanoTime();
                planned.release();
                releases.set(i, System.nanoTime() - t2);
            }
        };
    }

    /**
     * Checks that the planned bubblewrap command line is the one the manager's handler of the driver
     * runs under (its /proc/PID/cmdline: the shim exec'd it), and records it.
     */
    private void sameCommandAsTheManager(ManagerLaunches.Planned planned, String driver) throws Exception {
        try {
            long pid = manager.driver(driver).map(DriverInfo::pid).filter(p -> p.isPresent()).orElseThrow(
                    () -> new IllegalStateException("driver " + driver + " has no handler running")).getAsLong();
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
            List<String> running = Arrays.asList(cmdline.substring(0, Math.max(0, cmdline.length() - 1)).split("\0", -1));
            boolean same = running.equals(planned.command);
            results.put("meta.sandbox_command", String.join(" ", planned.command));
            results.put("meta.sandbox_command_as_manager", Boolean.toString(same));
            if (!same) {
                bench.progress("the planned sandbox command differs from the manager's handler's:%n  planned %s%n  running %s",
                        planned.command, running);
            }
        } finally {
            planned.release();
        }
    }

    /**
     * Extracts the launch shim ({@code native/<arch>/umd-launch}) from the
     * measured manager bundle, as the manager installs it.
     *
     * @return the shim, or empty when the bundle has none for this machine
     */
    private Optional<Path> launchShim() throws IOException {
        String arch = System.getProperty("os.arch", "");
        arch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
        try (JarFile jar = new JarFile(options.managerJar().toFile())) {
            var entry = jar.getJarEntry("native/" + arch + "/umd-launch");
            if (entry == null) {
                return Optional.empty();
            }
            Path shim = Files.createDirectories(options.work().resolve("shim")).resolve("umd-launch");
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, shim);
            }
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("r-x------"));
            return Optional.of(shim);
        }
    }

    @FunctionalInterface
    private interface Starter {
        JavaEcho start() throws IOException;
    }

    private void recordSpawn(String key, int iterations, Starter starter) throws IOException {
        byte[] request = payload(16);
        long[] samples = new long[iterations];
        for (int i = -3; i < iterations; i++) {
            long t0 = System.nanoTime();
            try (JavaEcho echo = starter.start()) {
                check(request, echo.call(request), true);
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
            }
        }
        results.putMicros(key, Stats.of(samples));
    }

    private void awaitNoHandler(String name) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (manager.driver(name).map(d -> d.pid().isPresent()).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the killed handler of " + name + " was not reaped within 5 s");
            }
            Thread.sleep(0, 100_000);
        }
    }

    /**
     * Single steps the manager takes when it starts a handler, each timed on
     * its own: the SHA-256 re-hash of the extracted file, a /proc scan like
     * the one pass a kill makes, starting a platform thread.
     */
    private void costs(int iterations) throws Exception {
        int n = Math.max(20, iterations * 2);
        long[] hash = new long[n];
        for (int i = -5; i < n; i++) {
            long t0 = System.nanoTime();
            sha256(handler);
            if (i >= 0) {
                hash[i] = System.nanoTime() - t0;
            }
        }
        results.putMicros("cost.sha256", Stats.of(hash));
        results.putMicros("cost.extract_deflated", Stats.of(extractions(n, false)));
        results.putMicros("cost.extract_stored", Stats.of(extractions(n, true)));
        try (JavaEcho echo = JavaEcho.start(List.of(handler.toString()))) {
            long[] scan = new long[n];
            for (int i = -5; i < n; i++) {
                long t0 = System.nanoTime();
                long found = echo.process().descendants().count();
                if (i >= 0) {
                    scan[i] = System.nanoTime() - t0;
                }
                if (found != 0) {
                    throw new IllegalStateException("the echo handler has children?");
                }
            }
            results.putMicros("cost.descendants", Stats.of(scan));
            // what polling one idle handler costs: liveness through its ProcessHandle and through
            // its Process, and FIONREAD on its stderr pipe
            ProcessHandle handle = echo.process().toHandle();
            InputStream stderr = echo.process().getErrorStream();
            long[] handleAlive = new long[n * 10];
            long[] processAlive = new long[n * 10];
            long[] available = new long[n * 10];
            for (int i = -50; i < handleAlive.length; i++) {
                long t0 = System.nanoTime();
                boolean a = handle.isAlive();
                long t1 = System.nanoTime();
                boolean b = echo.process().isAlive();
                long t2 = System.nanoTime();
                int c = stderr.available();
                long t3 = System.nanoTime();
                if (!a || !b || c != 0) {
                    throw new IllegalStateException("the idle echo handler died or wrote to stderr");
                }
                if (i >= 0) {
                    handleAlive[i] = t1 - t0;
                    processAlive[i] = t2 - t1;
                    available[i] = t3 - t2;
                }
            }
            results.putMicros("cost.handle_is_alive", Stats.of(handleAlive));
            results.putMicros("cost.process_is_alive", Stats.of(processAlive));
            results.putMicros("cost.stderr_available", Stats.of(available));
        }
        long[] thread = new long[n];
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = -5; i < n; i++) {
            long t0 = System.nanoTime();
            Thread t = new Thread(() -> {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-thread");
            t.setDaemon(true);
            t.start();
            if (i >= 0) {
                thread[i] = System.nanoTime() - t0;
            }
            started.add(t);
        }
        release.countDown();
        for (Thread t : started) {
            t.join();
        }
        results.putMicros("cost.thread_start", Stats.of(thread));
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            results.put("meta.processes", processes.filter(p -> p.getFileName().toString().matches("\\d+")).count());
        }
        bench.progress("cost sha256 %6.0f us  extract deflated %6.0f us, stored %6.0f us  descendants() %6.0f us  thread start %6.0f us",
                Stats.of(hash).median() / 1e3, results.number("cost.extract_deflated.median_us").orElse(0),
                results.number("cost.extract_stored.median_us").orElse(0),
                results.number("cost.descendants.median_us").orElse(0), Stats.of(thread).median() / 1e3);
    }

    /**
     * Extracts the handler from an installed bundle like the manager's
     * HandlerBlob does: read the entry, digest it, write it to a new
     * owner-only file, make it r-x; then deletes it (unmeasured).
     */
    private long[] extractions(int n, boolean stored) throws Exception {
        Bundle bundle = felix.install("bench:extract:" + stored,
                DriverBundles.bundle("bench.extract." + stored, null, handlerBytes, stored));
        Path dir = Files.createDirectories(options.work().resolve("extract"));
        long[] samples = new long[n];
        try {
            for (int i = -5; i < n; i++) {
                Path file = dir.resolve("handler-" + i);
                long t0 = System.nanoTime();
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (InputStream in = bundle.getEntry(DriverBundles.HANDLER_ENTRY).openStream();
                     var out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                    byte[] buffer = new byte[64 << 10];
                    for (int k; (k = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, k);
                        out.write(buffer, 0, k);
                    }
                }
                digest.digest();
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
                if (i >= 0) {
                    samples[i] = System.nanoTime() - t0;
                }
                Files.delete(file);
            }
        } finally {
            bundle.uninstall();
        }
        return samples;
    }
}
