package io.github.umdosgi.benchmarks;

import static io.github.umdosgi.benchmarks.Bench.ECHO;
import static io.github.umdosgi.benchmarks.Bench.ECHO_SANDBOX;
import static io.github.umdosgi.benchmarks.Calls.payload;
import static io.github.umdosgi.benchmarks.Calls.sizeLabel;
import static io.github.umdosgi.benchmarks.Calls.timeCalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.benchmarks.Calls.Call;

/**
 * Section {@code rtt}: round trips of one payload through the manager, plain Java and the C
 * client, size by size, the implementations taking turns; and where the gaps go (rows that add one
 * manager step at a time to plain Java). Figures {@code rtt.<impl>.<size>.*}.
 */
final class RoundTripSection implements Section {

    /** Payload sizes of the round trip section. */
    static final int[] SIZES = {16, 4 << 10, 128 << 10, 1 << 20, 16 << 20};
    /** The sizes also measured through a driver with the default sandbox. */
    static final int[] SANDBOX_SIZES = {16, 128 << 10, 16 << 20};
    /** Unmeasured and measured round trips per size and implementation (full run). */
    private static final int[][] PLAN = {{20_000, 30_000}, {5_000, 20_000}, {500, 3_000}, {100, 600}, {6, 60}};
    /** Measurement rounds per size; the implementations take turns within each round. */
    private static final int ROUNDS = 5;

    private final Bench bench;
    private final Options options;
    private final Results results;
    private final Path handler;
    private final CClient cClient;
    private final EmbeddedFelix felix;
    private final UmdManager manager;
    private final String sandboxUnavailable;

    RoundTripSection(Bench bench) {
        this.bench = bench;
        this.options = bench.options();
        this.results = bench.results();
        this.handler = bench.handler();
        this.cClient = bench.cClient();
        this.felix = bench.felix();
        this.manager = bench.manager();
        this.sandboxUnavailable = bench.sandboxUnavailable();
    }

    @Override
    public void run() throws Exception {
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
            for (int s = 0; s < SIZES.length; s++) {
                int size = SIZES[s];
                int warm = Math.max(1, options.iterations(PLAN[s][0]) / ROUNDS);
                int iters = Math.max(1, options.iterations(PLAN[s][1]) / ROUNDS);
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
                if (sandboxUnavailable == null && Arrays.stream(SANDBOX_SIZES).anyMatch(n -> n == size)) {
                    // the same call through a handler in the default sandbox
                    keys.add("umd_sandbox");
                    measures.add(() -> timeCalls(payload, warm, iters, p -> manager.call(ECHO_SANDBOX, p)));
                }
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
                if (size == SIZES[0]) {
                    // where the small-call overhead goes: plain Java plus one manager step at a time
                    Call available = withAvailableCheck(plain);
                    keys.addAll(List.of("java_available", "java_watchdog", "java_both"));
                    measures.add(() -> timeCalls(payload, warm, iters, available));
                    measures.add(() -> timeCalls(payload, warm, iters, withDeadline(timer, plain::call)));
                    measures.add(() -> timeCalls(payload, warm, iters, withDeadline(timer, available)));
                }
                long[][][] samples = new long[keys.size()][ROUNDS][];
                for (int r = 0; r < ROUNDS; r++) {
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
                int sandboxed = keys.indexOf("umd_sandbox");
                bench.progress("rtt %-8s umd %9.1f us  java %9.1f us  C %9.1f us  umd sandboxed %s (medians)", sizeLabel(size),
                        Stats.ofAll(samples[0]).median() / 1e3, Stats.ofAll(samples[1]).median() / 1e3,
                        Stats.ofAll(samples[2]).median() / 1e3, sandboxed < 0 ? "-"
                                : String.format(Locale.ROOT, "%.1f us", Stats.ofAll(samples[sandboxed]).median() / 1e3));
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
}
