package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.FrameworkWiring;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.UmdManager;

/**
 * One pass of the whole suite in this JVM, under whatever CPU affinity it was
 * started with. Each section compares the manager with plain Java and the C
 * client in the same pass, so both sides see the same placement and load.
 *
 * <p>Not thread safe; the throughput section starts its own caller threads.
 */
final class Pass {

    /** Payload sizes of the round trip section. */
    static final int[] RTT_SIZES = {16, 4 << 10, 128 << 10, 1 << 20, 16 << 20};
    /** Unmeasured and measured round trips per size and implementation (full run). */
    private static final int[][] RTT_PLAN = {{20_000, 30_000}, {5_000, 20_000}, {500, 3_000}, {100, 600}, {6, 60}};
    /** Measurement rounds per size; the implementations take turns within each round. */
    private static final int RTT_ROUNDS = 5;

    static final int[] TPUT_PAYLOADS = {64, 64 << 10};
    static final int[] TPUT_THREADS = {1, 2, 4};
    static final int[] TPUT_INSTANCES = {1, 2};

    static final int SCALE_DRIVERS = 100;

    static final String SETPRIV = "/usr/bin/setpriv";
    static final List<String> PDEATHSIG_GUARD = List.of(SETPRIV, "--pdeathsig", "KILL", "--");

    private static final String ECHO = "echo";
    private static final String ECHO2 = "echo2";
    private static final String ECHO_START = "echostart";
    private static final int MAX_MESSAGE = 32 << 20;

    private final Options options;
    private final PrintStream log;
    private final Results results = new Results();

    private Path handler;
    private byte[] handlerBytes;
    private String handlerSha256;
    private CClient cClient;
    private EmbeddedFelix felix;
    private UmdManager manager;
    private Bundle echoBundle;

    Pass(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** Runs the selected sections and writes the figures. */
    void run() throws Exception {
        long begin = System.nanoTime();
        deleteTree(options.work());
        Files.createDirectories(options.work());
        prepareHandler();
        cClient = new CClient(options.home().resolve("bin").resolve("umd-bench-client"));
        meta();
        felix = EmbeddedFelix.start(options.home().resolve("bundle"), options.managerJar(), options.work());
        try {
            manager = felix.manager();
            echoBundle = felix.install("bench:echo", DriverBundles.bundle("bench.echo", DriverBundles.header(
                    List.of(ECHO), echoAttributes(1)) + ", " + DriverBundles.clause(ECHO2, echoAttributes(2)),
                    handlerBytes));
            echoBundle.start();
            requireLoaded(ECHO);
            requireLoaded(ECHO2);
            for (String section : options.sections()) {
                long t0 = System.nanoTime();
                switch (section) {
                    case "rtt" -> roundTrips();
                    case "tput" -> throughput();
                    case "start" -> startLatency();
                    case "scale" -> scale();
                    default -> throw new IllegalStateException(section);
                }
                results.put("time." + section + "_s", (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            try {
                felix.close();
            } finally {
                // the handlers are gone with the framework; their private directories go now
                deleteTree(options.work());
            }
        }
        results.put("time.total_s", (System.nanoTime() - begin) / 1e9);
        results.put("meta.loadavg_end", loadAverage());
        results.write(options.out());
        progress("done in %.1f s", (System.nanoTime() - begin) / 1e9);
    }

    private Map<String, String> echoAttributes(int instances) {
        return DriverBundles.attributes("sha256", handlerSha256, "max-message", Integer.toString(MAX_MESSAGE),
                "instances", Integer.toString(instances),
                // kill + call many times in a row is the point of the restart benchmark
                "restart-intensity", "1000000", "restart-period", "1000");
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

    private void requireLoaded(String name) {
        DriverInfo info = manager.driver(name).orElseThrow(() -> new IllegalStateException("no driver " + name));
        if (info.state() != DriverState.IDLE) {
            throw new IllegalStateException("driver " + name + " is " + info.state() + ": " + info.lastError().orElse(""));
        }
    }

    // -------------------------------------------------------- round trips

    private void roundTrips() throws Exception {
        ManagerWatchdog timer = ManagerWatchdog.of(felix);
        // a cached pool like the manager's writers for large requests
        ThreadPoolExecutor writers = new ThreadPoolExecutor(0,
                Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "bench-writer");
                    t.setDaemon(true);
                    return t;
                });
        try (JavaEcho plain = JavaEcho.start(List.of(handler.toString()));
             NioEcho nio = NioEcho.start(List.of(handler.toString()))) {
            for (int s = 0; s < RTT_SIZES.length; s++) {
                int size = RTT_SIZES[s];
                int warm = Math.max(1, options.iterations(RTT_PLAN[s][0]) / RTT_ROUNDS);
                int iters = Math.max(1, options.iterations(RTT_PLAN[s][1]) / RTT_ROUNDS);
                byte[] payload = payload(size);
                ByteBuffer callerRequest = ByteBuffer.allocateDirect(size).put(payload);
                ByteBuffer callerReply = ByteBuffer.allocateDirect(size);
                List<String> keys = new ArrayList<>(List.of("umd", "java", "c", "umd_buf"));
                List<Measure> measures = new ArrayList<>(List.of(
                        () -> timeCalls(payload, warm, iters, p -> manager.call(ECHO, p)),
                        () -> timeCalls(payload, warm, iters, plain::call),
                        () -> cClient.roundTrips(size, warm, iters, List.of(handler.toString())),
                        () -> timeCalls(payload, warm, iters, p -> {
                            // the caller's reused direct buffers: no copy to the heap; check length and ends only
                            int n = manager.call(ECHO, callerRequest.flip(), callerReply.clear());
                            return n == p.length && (n == 0 || callerReply.get(0) == p[0] && callerReply.get(n - 1)
                                    == p[n - 1]) ? p : new byte[0];
                        })));
                if (size >= 128 << 10) {
                    // where the large-frame gap to C goes: the reply array, then the JDK's stream copies
                    byte[] reused = new byte[size];
                    ByteBuffer request = ByteBuffer.allocateDirect(4 + size).putInt(size).put(payload);
                    ByteBuffer reply = ByteBuffer.allocateDirect(size);
                    keys.addAll(List.of("java_async_write", "java_reuse", "java_nio_direct"));
                    measures.add(() -> timeCalls(payload, warm, iters, p -> {
                        // the request written by a pool thread while the caller reads the reply
                        var written = CompletableFuture.runAsync(() -> {
                            try {
                                plain.writeRequest(p);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }, writers);
                        byte[] answer = plain.readReply();
                        written.get();
                        return answer;
                    }));
                    measures.add(() -> timeCalls(payload, warm, iters, p -> {
                        plain.callInto(p, reused);
                        return reused;
                    }));
                    measures.add(() -> timeCalls(payload, warm, iters, p -> {
                        // no copy to the heap on the measured path: check length and ends only
                        int n = nio.call(request, reply);
                        return n == p.length && reply.get(0) == p[0] && reply.get(n - 1) == p[n - 1] ? p : new byte[0];
                    }));
                }
                if (size == RTT_SIZES[0]) {
                    // where the small-call overhead goes: plain Java plus one manager step at a time
                    Call available = withAvailableCheck(plain);
                    keys.addAll(List.of("java_available", "java_watchdog", "java_both"));
                    measures.add(() -> timeCalls(payload, warm, iters, available));
                    measures.add(() -> timeCalls(payload, warm, iters, withDeadline(timer, plain::call)));
                    measures.add(() -> timeCalls(payload, warm, iters, withDeadline(timer, available)));
                }
                long[][][] samples = new long[keys.size()][RTT_ROUNDS][];
                for (int r = 0; r < RTT_ROUNDS; r++) {
                    // Rotate the order, so that load changes and garbage spread over all of them alike.
                    for (int k = 0; k < keys.size(); k++) {
                        int which = (r + k) % keys.size();
                        System.gc();
                        samples[which][r] = measures.get(which).measure();
                    }
                }
                for (int k = 0; k < keys.size(); k++) {
                    record(keys.get(k), size, Stats.ofAll(samples[k]));
                }
                progress("rtt %-8s umd %9.1f us  java %9.1f us  C %9.1f us (medians)", sizeLabel(size),
                        Stats.ofAll(samples[0]).median() / 1e3, Stats.ofAll(samples[1]).median() / 1e3,
                        Stats.ofAll(samples[2]).median() / 1e3);
            }
        } finally {
            timer.close();
            writers.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface Measure {
        long[] measure() throws Exception;
    }

    /**
     * A call with a 30 s deadline armed before and disarmed after, as the manager does for every
     * call, on the manager's own watchdog (its class, loaded from the manager bundle).
     */
    private static Call withDeadline(ManagerWatchdog timer, Call call) {
        Runnable nothing = () -> {
        };
        return p -> {
            var alarm = timer.arm(System.nanoTime() + 30_000_000_000L, nothing);
            byte[] reply;
            try {
                reply = call.call(p);
            } finally {
                if (alarm.disarm()) {
                    throw new IllegalStateException("a 30 s deadline fired during a benchmark");
                }
            }
            return reply;
        };
    }

    /**
     * A call with the manager's check for unsolicited output: liveness (a field) and available()
     * (FIONREAD) before the request. The manager no longer checks again after the reply.
     */
    private static Call withAvailableCheck(JavaEcho echo) {
        InputStream stdout = echo.process().getInputStream();
        return p -> {
            if (echo.process().isAlive() && stdout.available() > 0) {
                throw new IllegalStateException("unsolicited output");
            }
            return echo.call(p);
        };
    }

    private void record(String impl, int size, Stats stats) {
        String prefix = "rtt." + impl + "." + size;
        results.putMicros(prefix, stats);
        // payload bytes echoed per second (each byte crosses both pipes once), at the median
        results.put(prefix + ".mbps", size / (stats.median() / 1e9) / 1e6);
    }

    @FunctionalInterface
    private interface Call {
        byte[] call(byte[] request) throws Exception;
    }

    private static long[] timeCalls(byte[] payload, int warm, int iterations, Call call) throws Exception {
        for (int i = 0; i < warm; i++) {
            check(payload, call.call(payload), false);
        }
        long[] samples = new long[iterations];
        byte[] reply = null;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            reply = call.call(payload);
            samples[i] = System.nanoTime() - t0;
            if (reply.length != payload.length) {
                throw new IllegalStateException("reply of " + reply.length + " bytes to a request of " + payload.length);
            }
        }
        check(payload, reply, true);
        return samples;
    }

    private static void check(byte[] request, byte[] reply, boolean content) {
        if (reply.length != request.length || (content && !Arrays.equals(request, reply))) {
            throw new IllegalStateException("the echo reply differs from the request");
        }
    }

    private static byte[] payload(int size) {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        return payload;
    }

    // --------------------------------------------------------- throughput

    private void throughput() throws Exception {
        double warmSeconds = options.quick() ? 0.1 : 0.3;
        double seconds = options.quick() ? 0.4 : 1.5;
        for (int payloadSize : TPUT_PAYLOADS) {
            byte[] payload = payload(payloadSize);
            for (int instances : TPUT_INSTANCES) {
                String driver = instances == 1 ? ECHO : ECHO2;
                for (int threads : TPUT_THREADS) {
                    List<Call> callers = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        callers.add(p -> manager.call(driver, p));
                    }
                    double cps = callsPerSecond(callers, payload, warmSeconds, seconds);
                    results.put("tput.umd." + payloadSize + ".i" + instances + ".t" + threads + ".cps", cps);
                    progress("tput %-8s instances=%d threads=%d  %10.0f calls/s", sizeLabel(payloadSize), instances,
                            threads, cps);
                }
            }
            // the machine's own scaling: independent plain Java clients, one process and one thread each
            for (int processes : TPUT_INSTANCES) {
                List<JavaEcho> echoes = new ArrayList<>();
                try {
                    List<Call> callers = new ArrayList<>();
                    for (int p = 0; p < processes; p++) {
                        JavaEcho echo = JavaEcho.start(List.of(handler.toString()));
                        echoes.add(echo);
                        callers.add(echo::call);
                    }
                    double cps = callsPerSecond(callers, payload, warmSeconds, seconds);
                    results.put("tput.java." + payloadSize + ".p" + processes + ".cps", cps);
                    progress("tput %-8s plain Java x%d             %10.0f calls/s", sizeLabel(payloadSize), processes, cps);
                    if (processes == 2) {
                        // one thread taking the processes in turn: what round robin would do with one caller
                        int[] next = {0};
                        Call alternate = p -> echoes.get(next[0]++ & 1).call(p);
                        double alt = callsPerSecond(List.of(alternate), payload, warmSeconds, seconds);
                        results.put("tput.java." + payloadSize + ".alt2.cps", alt);
                        progress("tput %-8s plain Java, 1 thread over 2   %10.0f calls/s", sizeLabel(payloadSize), alt);
                    }
                } finally {
                    for (JavaEcho echo : echoes) {
                        echo.close();
                    }
                }
            }
        }
    }

    /** Runs each caller in its own thread; counts the calls completed inside the measured window. */
    private static double callsPerSecond(List<Call> callers, byte[] payload, double warmSeconds, double seconds)
            throws Exception {
        System.gc();
        long[] counts = new long[callers.size()];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(callers.size());
        List<Thread> threads = new ArrayList<>();
        // 0 = warm-up, 1 = measuring, 2 = stop
        AtomicInteger current = new AtomicInteger();
        for (int i = 0; i < callers.size(); i++) {
            int index = i;
            Call call = callers.get(i);
            Thread thread = new Thread(() -> {
                ready.countDown();
                long n = 0;
                try {
                    for (int p; (p = current.get()) != 2; ) {
                        check(payload, call.call(payload), false);
                        if (p == 1 && current.get() == 1) {
                            n++;
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                counts[index] = n;
            }, "bench-caller-" + i);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        ready.await();
        Thread.sleep((long) (warmSeconds * 1000));
        long t0 = System.nanoTime();
        current.set(1);
        Thread.sleep((long) (seconds * 1000));
        current.set(2);
        long elapsed = System.nanoTime() - t0;
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a caller failed", failure.get());
        }
        return Arrays.stream(counts).sum() / (elapsed / 1e9);
    }

    // ------------------------------------------------------ start latency

    private void startLatency() throws Exception {
        int spawns = options.iterations(100);
        int bundleStarts = options.iterations(30);
        List<String> direct = List.of(handler.toString());
        List<String> guarded = new ArrayList<>(PDEATHSIG_GUARD);
        guarded.add(handler.toString());
        // the same guard from a minimal static program instead of setpriv
        List<String> staticGuard = List.of(options.home().resolve("bin").resolve("pdeathsig-exec").toString(),
                handler.toString());
        byte[] request = payload(16);

        // 1. loader bundle start -> first reply: install (unmeasured), resolve (unmeasured), start + call
        byte[] jar = DriverBundles.bundle("bench.start", DriverBundles.header(List.of(ECHO_START),
                DriverBundles.attributes("sha256", handlerSha256)), handlerBytes);
        FrameworkWiring wiring = echoBundle.getBundleContext().getBundle(0).adapt(FrameworkWiring.class);
        int warm = 3;
        long[] total = new long[bundleStarts];
        long[] startOnly = new long[bundleStarts];
        long[] firstCall = new long[bundleStarts];
        long[] uninstall = new long[bundleStarts];
        for (int i = -warm; i < bundleStarts; i++) {
            Bundle bundle = felix.install("bench:start:" + i, jar);
            if (!wiring.resolveBundles(List.of(bundle))) {
                throw new IllegalStateException("bench.start does not resolve");
            }
            System.gc();
            long t0 = System.nanoTime();
            bundle.start();
            long t1 = System.nanoTime();
            check(request, manager.call(ECHO_START, request), true);
            long t2 = System.nanoTime();
            bundle.uninstall();
            long t3 = System.nanoTime();
            if (i >= 0) {
                total[i] = t2 - t0;
                startOnly[i] = t1 - t0;
                firstCall[i] = t2 - t1;
                uninstall[i] = t3 - t2;
            }
        }
        results.putMicros("start.umd.start", Stats.of(total));
        results.putMicros("start.umd.bundle_start", Stats.of(startOnly));
        results.putMicros("start.umd.first_call", Stats.of(firstCall));
        results.putMicros("start.umd.uninstall", Stats.of(uninstall));
        progress("start umd bundle start -> first reply %8.0f us (start() %8.0f us)", Stats.of(total).median() / 1e3,
                Stats.of(startOnly).median() / 1e3);

        // 2. restart after a kill -> first reply (the kill and the reaping are not measured)
        check(request, manager.call(ECHO, request), true);
        long[] restart = new long[spawns];
        for (int i = -warm; i < spawns; i++) {
            if (felix.admin().kill(ECHO) != 1) {
                throw new IllegalStateException("no live handler to kill");
            }
            awaitNoHandler(ECHO);
            System.gc();
            long t0 = System.nanoTime();
            check(request, manager.call(ECHO, request), true);
            if (i >= 0) {
                restart[i] = System.nanoTime() - t0;
            }
        }
        results.putMicros("start.umd.restart", Stats.of(restart));
        progress("start umd restart after kill -> first reply %8.0f us", Stats.of(restart).median() / 1e3);

        // 3. plain ProcessBuilder, as is and with what the manager adds, one thing at a time
        recordSpawn("start.java.pb", spawns, () -> JavaEcho.start(direct));
        recordSpawn("start.java.pb_setpriv", spawns, () -> JavaEcho.start(guarded));
        recordSpawn("start.java.pb_static_guard", spawns, () -> JavaEcho.start(staticGuard));
        Path privateDir = Files.createDirectories(options.work().resolve("private"));
        // the manager's own launch shim from the measured bundle (parent-death signal, setsid, the
        // file identity check, exec through /proc/self/fd/N); the static guard for bundles without one
        java.util.Optional<Path> shim = launchShim();
        List<String> managerGuard = shim.isEmpty() ? staticGuard : List.of(shim.get().toString(), "--sync",
                Long.toString(ProcessHandle.current().pid()), identity(handler), handler.toString());
        results.put("meta.manager_guard", managerGuard == staticGuard ? "pdeathsig-exec" : "umd-launch");
        recordSpawn("start.java.pb_like_manager", spawns, () -> managerLikeStart(managerGuard, privateDir));

        // 4. the C client: posix_spawn -> first reply, direct and behind the same guard
        results.putMicros("start.c.spawn", Stats.of(cClient.spawns(spawns, direct)));
        results.putMicros("start.c.spawn_setpriv", Stats.of(cClient.spawns(spawns, guarded)));
        results.putMicros("start.c.spawn_static_guard", Stats.of(cClient.spawns(spawns, staticGuard)));
        progress("start plain PB %6.0f us  PB+setpriv %6.0f us  C %6.0f us  C+setpriv %6.0f us",
                results.number("start.java.pb.median_us").orElse(0), results.number("start.java.pb_setpriv.median_us").orElse(0),
                results.number("start.c.spawn.median_us").orElse(0), results.number("start.c.spawn_setpriv.median_us").orElse(0));

        // 5. costs of single steps of the manager's start and restart paths
        costs(spawns);
    }

    /**
     * Extracts the launch shim ({@code native/<arch>/umd-launch}) from the
     * measured manager bundle, as the manager installs it.
     *
     * @return the shim, or empty when the bundle has none for this machine
     */
    private java.util.Optional<Path> launchShim() throws IOException {
        String arch = System.getProperty("os.arch", "");
        arch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
        try (JarFile jar = new JarFile(options.managerJar().toFile())) {
            var entry = jar.getJarEntry("native/" + arch + "/umd-launch");
            if (entry == null) {
                return java.util.Optional.empty();
            }
            Path shim = Files.createDirectories(options.work().resolve("shim")).resolve("umd-launch");
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, shim);
            }
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("r-x------"));
            return java.util.Optional.of(shim);
        }
    }

    /** @return DEV:INODE:CTIME_SEC:CTIME_NSEC of the file, the identity the launch shim checks */
    private static String identity(Path file) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:dev,ino,ctime",
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Instant changed = ((java.nio.file.attribute.FileTime) unix.get("ctime")).toInstant();
        return unix.get("dev") + ":" + unix.get("ino") + ":" + changed.getEpochSecond() + ":" + changed.getNano();
    }

    /**
     * Starts like HandlerProcess does, as far as the exec goes: the guard in
     * front (the manager's launch shim when given), cleared environment,
     * private working directory. The manager's spawner thread, its SHA-256
     * re-hash and how it drains stderr are left out; the re-hash and
     * Thread.start() are timed on their own.
     */
    private static JavaEcho managerLikeStart(List<String> command, Path privateDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(privateDir.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", privateDir.toString());
        env.put("TMPDIR", privateDir.toString());
        env.put("UMD_DRIVER", "bench");
        env.put("UMD_INSTANCE", "0");
        env.put("UMD_PROTOCOL", "1");
        JavaEcho echo = JavaEcho.start(builder);
        if (command.contains("--sync")) {
            // The shim waits for the manager's go byte (the manager first opens its own pipe ends
            // through /proc, which this row leaves out).
            echo.process().getOutputStream().write('G');
        }
        return echo;
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
        progress("cost sha256 %6.0f us  extract deflated %6.0f us, stored %6.0f us  descendants() %6.0f us  thread start %6.0f us",
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

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // the manager's way: a stream and a 64 KiB buffer
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    // -------------------------------------------------------------- scale

    private void scale() throws Exception {
        // Baseline: no driver loaded at all.
        echoBundle.uninstall();
        if (!manager.drivers().stream().filter(d -> d.state() != DriverState.NOT_LOADED).toList().isEmpty()) {
            throw new IllegalStateException("drivers still loaded: " + manager.drivers());
        }
        ThreadCount before = ThreadCount.now();
        long heapBefore = usedHeapAfterGc();
        double idleSeconds = options.quick() ? 1 : 3;
        double[] cpuBefore = idleCpuMillisPerSecond(idleSeconds);

        List<String> names = new ArrayList<>();
        for (int i = 0; i < SCALE_DRIVERS; i++) {
            names.add(String.format(Locale.ROOT, "scale%03d", i));
        }
        byte[] jar = DriverBundles.bundle("bench.scale", DriverBundles.header(names,
                DriverBundles.attributes("sha256", handlerSha256)), handlerBytes);
        Bundle bundle = felix.install("bench:scale", jar);
        long t0 = System.nanoTime();
        bundle.start();
        long loadNanos = System.nanoTime() - t0;
        for (String name : names) {
            requireLoaded(name);
        }
        ThreadCount after = ThreadCount.now();
        long heapAfter = usedHeapAfterGc();
        double[] cpuAfter = idleCpuMillisPerSecond(idleSeconds);
        long t1 = System.nanoTime();
        bundle.uninstall();
        long unloadNanos = System.nanoTime() - t1;

        results.put("scale.drivers", SCALE_DRIVERS);
        results.put("scale.load_ms", loadNanos / 1e6);
        results.put("scale.unload_ms", unloadNanos / 1e6);
        before.record(results, "scale.before");
        after.record(results, "scale.after");
        results.put("scale.before.idle_cpu_ms_per_s", cpuBefore[0]);
        results.put("scale.after.idle_cpu_ms_per_s", cpuAfter[0]);
        results.put("scale.before.idle_umd_cpu_ms_per_s", cpuBefore[1]);
        results.put("scale.after.idle_umd_cpu_ms_per_s", cpuAfter[1]);
        results.put("scale.before.heap_bytes", heapBefore);
        results.put("scale.after.heap_bytes", heapAfter);
        progress("scale %d drivers: load %.0f ms, unload %.0f ms, threads %d -> %d (umd-* %d -> %d, reapers %d -> %d),"
                        + " heap %.1f -> %.1f MiB, idle CPU %.2f -> %.2f ms/s", SCALE_DRIVERS, loadNanos / 1e6,
                unloadNanos / 1e6, before.all(), after.all(), before.umd(), after.umd(), before.reapers(), after.reapers(),
                heapBefore / 1048576.0, heapAfter / 1048576.0, cpuBefore[0], cpuAfter[0]);
    }

    /** Live platform threads, by the groups the scale section reports. */
    record ThreadCount(int all, int active, int umd, int umdStderr, int reapers) {

        static ThreadCount now() {
            int umd = 0;
            int stderr = 0;
            int reapers = 0;
            Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
            for (Thread t : threads.keySet()) {
                String name = t.getName();
                if (name.startsWith("umd-")) {
                    umd++;
                }
                if (name.startsWith("umd-stderr")) {
                    stderr++;
                }
                // the JDK's reaper renames itself "process reaper (pid N)" while it waits for a child
                if (name.startsWith("process reaper")) {
                    reapers++;
                }
            }
            return new ThreadCount(ManagementFactory.getThreadMXBean().getThreadCount(), Thread.activeCount(), umd,
                    stderr, reapers);
        }

        void record(Results results, String prefix) {
            results.put(prefix + ".threads", all);
            results.put(prefix + ".active_count", active);
            results.put(prefix + ".umd_threads", umd);
            results.put(prefix + ".umd_stderr_threads", umdStderr);
            results.put(prefix + ".reaper_threads", reapers);
        }
    }

    /**
     * CPU time this JVM spends while nobody calls anything: the cost of idle
     * drivers (e.g. a thread polling their stderr).
     *
     * @return milliseconds of process CPU time per second of wall time
     */
    private static double[] idleCpuMillisPerSecond(double seconds) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        Thread.sleep(200); // let the after-effects of the last action settle
        Map<Long, Long> umd0 = umdThreadCpu(threads);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long cpu1 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        Map<Long, Long> umd1 = umdThreadCpu(threads);
        long umdNanos = 0;
        for (var e : umd1.entrySet()) {
            umdNanos += e.getValue() - umd0.getOrDefault(e.getKey(), 0L);
        }
        double wall = (t1 - t0) / 1e9;
        return new double[] {(cpu1 - cpu0) / 1e6 / wall, umdNanos / 1e6 / wall};
    }

    /** @return CPU time so far of every live thread named umd-*, by thread id */
    private static Map<Long, Long> umdThreadCpu(java.lang.management.ThreadMXBean threads) {
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("umd-")) {
                long nanos = threads.getThreadCpuTime(t.getId());
                if (nanos >= 0) {
                    cpu.put(t.getId(), nanos);
                }
            }
        }
        return cpu;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ------------------------------------------------------------ helpers

    static String sizeLabel(int bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    private void progress(String format, Object... args) {
        log.printf(Locale.ROOT, "[%s] " + format + "%n", prepend(options.label(), args));
        log.flush();
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    // extracted handlers are r-x------ in r-x------ dirs at times; make them deletable
                    p.toFile().setWritable(true, true);
                }
                Files.deleteIfExists(p);
            }
        }
    }
}
