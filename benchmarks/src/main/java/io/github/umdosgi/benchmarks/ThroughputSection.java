package io.github.umdosgi.benchmarks;

import static io.github.umdosgi.benchmarks.Bench.ECHO;
import static io.github.umdosgi.benchmarks.Bench.ECHO2;
import static io.github.umdosgi.benchmarks.Calls.check;
import static io.github.umdosgi.benchmarks.Calls.payload;
import static io.github.umdosgi.benchmarks.Calls.sizeLabel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.benchmarks.Calls.Call;

/**
 * Section {@code tput}: calls per second through the manager from several threads into one or two
 * handler instances, beside independent plain Java clients (the machine's own scaling). Figures
 * {@code tput.*}.
 */
final class ThroughputSection implements Section {

    static final int[] PAYLOADS = {64, 64 << 10};
    static final int[] THREADS = {1, 2, 4};
    static final int[] INSTANCES = {1, 2};

    private final Bench bench;
    private final Options options;
    private final Results results;
    private final Path handler;
    private final UmdManager manager;

    ThroughputSection(Bench bench) {
        this.bench = bench;
        this.options = bench.options();
        this.results = bench.results();
        this.handler = bench.handler();
        this.manager = bench.manager();
    }

    @Override
    public void run() throws Exception {
        double warmSeconds = options.quick() ? 0.1 : 0.3;
        double seconds = options.quick() ? 0.4 : 1.5;
        for (int payloadSize : PAYLOADS) {
            byte[] payload = payload(payloadSize);
            for (int instances : INSTANCES) {
                String driver = instances == 1 ? ECHO : ECHO2;
                for (int threads : THREADS) {
                    List<Call> callers = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        callers.add(p -> manager.call(driver, p));
                    }
                    double cps = callsPerSecond(callers, payload, warmSeconds, seconds);
                    results.put("tput.umd." + payloadSize + ".i" + instances + ".t" + threads + ".cps", cps);
                    bench.progress("tput %-8s instances=%d threads=%d  %10.0f calls/s", sizeLabel(payloadSize), instances,
                            threads, cps);
                }
            }
            // the machine's own scaling: independent plain Java clients, one process and one thread each
            for (int processes : INSTANCES) {
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
                    bench.progress("tput %-8s plain Java x%d             %10.0f calls/s", sizeLabel(payloadSize), processes, cps);
                    if (processes == 2) {
                        // one thread taking the processes in turn: what round robin would do with one caller
                        int[] next = {0};
                        Call alternate = p -> echoes.get(next[0]++ & 1).call(p);
                        double alt = callsPerSecond(List.of(alternate), payload, warmSeconds, seconds);
                        results.put("tput.java." + payloadSize + ".alt2.cps", alt);
                        bench.progress("tput %-8s plain Java, 1 thread over 2   %10.0f calls/s", sizeLabel(payloadSize), alt);
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
}
