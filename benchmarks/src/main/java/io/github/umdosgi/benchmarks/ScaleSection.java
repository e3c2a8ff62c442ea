package io.github.umdosgi.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.UmdManager;

/**
 * Section {@code scale}: what {@value #DRIVERS} idle drivers cost (threads, heap, idle CPU) and how
 * long loading and unloading them takes, against no driver at all. Uninstalls the pass's echo
 * bundle, so it runs last. Figures {@code scale.*}.
 */
final class ScaleSection implements Section {

    static final int DRIVERS = 100;

    private final Bench bench;
    private final Options options;
    private final Results results;
    private final byte[] handlerBytes;
    private final String handlerSha256;
    private final EmbeddedFelix felix;
    private final UmdManager manager;
    private final Bundle echoBundle;
    private final String sandboxUnavailable;

    ScaleSection(Bench bench) {
        this.bench = bench;
        this.options = bench.options();
        this.results = bench.results();
        this.handlerBytes = bench.handlerBytes();
        this.handlerSha256 = bench.handlerSha256();
        this.felix = bench.felix();
        this.manager = bench.manager();
        this.echoBundle = bench.echoBundle();
        this.sandboxUnavailable = bench.sandboxUnavailable();
    }

    @Override
    public void run() throws Exception {
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
        for (int i = 0; i < DRIVERS; i++) {
            names.add(String.format(Locale.ROOT, "scale%03d", i));
        }
        // the default sandbox where this host has one (what an operator gets), else none
        Map<String, String> attributes = DriverBundles.attributes("sha256", handlerSha256);
        if (sandboxUnavailable != null) {
            attributes.put("sandbox", "none");
        }
        results.put("scale.sandbox", sandboxUnavailable == null ? "default" : "none");
        byte[] jar = DriverBundles.bundle("bench.scale", DriverBundles.header(names, attributes), handlerBytes);
        Bundle bundle = felix.install("bench:scale", jar);
        long t0 = System.nanoTime();
        bundle.start();
        long loadNanos = System.nanoTime() - t0;
        for (String name : names) {
            bench.requireLoaded(name);
        }
        ThreadCount after = ThreadCount.now();
        long heapAfter = usedHeapAfterGc();
        double[] cpuAfter = idleCpuMillisPerSecond(idleSeconds);
        long t1 = System.nanoTime();
        bundle.uninstall();
        long unloadNanos = System.nanoTime() - t1;

        results.put("scale.drivers", DRIVERS);
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
        bench.progress("scale %d drivers: load %.0f ms, unload %.0f ms, threads %d -> %d (umd-* %d -> %d, reapers %d -> %d),"
                        + " heap %.1f -> %.1f MiB, idle CPU %.2f -> %.2f ms/s", DRIVERS, loadNanos / 1e6,
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
}
