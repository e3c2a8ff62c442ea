package io.github.umdosgi.benchmarks;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Prints the figures of one or more passes (typically unpinned and pinned) as
 * tables, with the ratios against the baselines and each target met or
 * missed. Reporting only: nothing here fails on a missed target.
 */
final class Report {

    /**
     * A target from the issue.
     *
     * @param text what is promised
     * @param limit the bound
     * @param atMost true when the value must not exceed the limit, false when it must reach it
     * @param unit how the value reads, e.g. "x"
     */
    record Target(String text, double limit, boolean atMost, String unit) {

        /**
         * @param value the measured value, empty when not measured
         * @return "met", "MISSED" or "n/a"
         */
        String verdict(OptionalDouble value) {
            if (value.isEmpty()) {
                return "n/a";
            }
            double v = value.getAsDouble();
            boolean met = atMost ? v <= limit : v >= limit;
            return met ? "met" : "MISSED";
        }
    }

    /** One pass with its label. */
    record Run(String label, Results results) {
    }

    private final List<Run> passes;
    private final PrintStream out;

    Report(List<Run> passes, PrintStream out) {
        if (passes.isEmpty()) {
            throw new IllegalArgumentException("nothing to report");
        }
        this.passes = List.copyOf(passes);
        this.out = out;
    }

    void print() {
        header();
        roundTrips();
        bufferCalls();
        perCallExtras();
        largeFrames();
        sandboxCalls();
        startLatency();
        sandboxStarts();
        pgpVerifications();
        idleRss();
        throughput();
        scale();
        placement();
        targets();
        out.flush();
    }

    // --------------------------------------------------------------- derived

    /** @return a / b when both are present and b is not 0 */
    static OptionalDouble ratio(OptionalDouble a, OptionalDouble b) {
        if (a.isEmpty() || b.isEmpty() || b.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(a.getAsDouble() / b.getAsDouble());
    }

    /** @return the difference after - before per driver of a scale count */
    static OptionalDouble perDriver(Results r, String what) {
        OptionalDouble drivers = r.number("scale.drivers");
        OptionalDouble before = r.number("scale.before." + what);
        OptionalDouble after = r.number("scale.after." + what);
        if (drivers.isEmpty() || before.isEmpty() || after.isEmpty() || drivers.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((after.getAsDouble() - before.getAsDouble()) / drivers.getAsDouble());
    }

    /**
     * Platform threads an idle driver holds of its own: all new threads minus
     * the JDK's process reaper threads (one per live child, the JDK's cost).
     */
    static OptionalDouble ownThreadsPerDriver(Results r) {
        OptionalDouble all = perDriver(r, "threads");
        OptionalDouble reapers = perDriver(r, "reaper_threads");
        if (all.isEmpty() || reapers.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(all.getAsDouble() - reapers.getAsDouble());
    }

    /** @return used heap per loaded driver in KiB */
    static OptionalDouble heapPerDriverKiB(Results r) {
        OptionalDouble bytes = perDriver(r, "heap_bytes");
        return bytes.isPresent() ? OptionalDouble.of(bytes.getAsDouble() / 1024) : bytes;
    }

    /** @return the targets with the value each pass reached, in a fixed order */
    static List<Target> targetList() {
        return List.of(
                new Target("16 B call <= 1.10x plain Java (median time)", 1.10, true, "x"),
                new Target("16 B call <= 1.5x C client (median time)", 1.5, true, "x"),
                new Target("128 KiB throughput >= 0.8x C client (MB/s)", 0.8, false, "x"),
                new Target("16 MiB throughput >= 0.8x C client (MB/s)", 0.8, false, "x"),
                new Target("start to first reply <= 1.2x plain ProcessBuilder", 1.2, true, "x"),
                new Target("restart to first reply <= 1.2x plain ProcessBuilder", 1.2, true, "x"),
                new Target("2 instances / 1 instance, 2 callers, 64 B >= 1.8x", 1.8, false, "x"),
                new Target("2 instances / 1 instance, 2 callers, 64 KiB >= 1.8x", 1.8, false, "x"),
                new Target("idle driver: own platform threads (beyond the reaper) <= 0", 0.0, true, " threads"),
                new Target("128 KiB, ByteBuffer call form >= 0.8x C client (MB/s)", 0.8, false, "x"),
                new Target("16 MiB, ByteBuffer call form >= 0.8x C client (MB/s)", 0.8, false, "x"));
    }

    /** @return the value of target number {@code index} of {@link #targets()} in one pass */
    static OptionalDouble targetValue(int index, Results r) {
        return switch (index) {
            case 0 -> ratio(r.number("rtt.umd.16.median_us"), r.number("rtt.java.16.median_us"));
            case 1 -> ratio(r.number("rtt.umd.16.median_us"), r.number("rtt.c.16.median_us"));
            case 2 -> ratio(r.number("rtt.umd.131072.mbps"), r.number("rtt.c.131072.mbps"));
            case 3 -> ratio(r.number("rtt.umd.16777216.mbps"), r.number("rtt.c.16777216.mbps"));
            case 4 -> ratio(r.number("start.umd.start.median_us"), r.number("start.java.pb.median_us"));
            case 5 -> ratio(r.number("start.umd.restart.median_us"), r.number("start.java.pb.median_us"));
            case 6 -> ratio(r.number("tput.umd.64.i2.t2.cps"), r.number("tput.umd.64.i1.t2.cps"));
            case 7 -> ratio(r.number("tput.umd.65536.i2.t2.cps"), r.number("tput.umd.65536.i1.t2.cps"));
            case 8 -> ownThreadsPerDriver(r);
            case 9 -> ratio(r.number("rtt.umd_buf.131072.mbps"), r.number("rtt.c.131072.mbps"));
            case 10 -> ratio(r.number("rtt.umd_buf.16777216.mbps"), r.number("rtt.c.16777216.mbps"));
            default -> throw new IllegalArgumentException("no target " + index);
        };
    }

    // --------------------------------------------------------------- sections

    private void header() {
        Results first = passes.get(0).results();
        out.println("umd-osgi benchmarks");
        out.println("manager bundle: " + first.get("meta.impl").orElse("?") + " (sha256 "
                + first.get("meta.impl_sha256").orElse("?") + "..., modified " + first.get("meta.impl_mtime").orElse("?") + ")");
        out.println("echo handler:   " + first.get("meta.handler_bytes").orElse("?") + " bytes, sha256 "
                + first.get("meta.handler_sha256").orElse("?") + "...");
        out.println("JVM:            " + first.get("meta.jvm").orElse("?") + ", " + first.get("meta.jvm_args").orElse(""));
        out.println("sandbox:        " + first.get("meta.sandbox").orElse("?") + "; cgroups "
                + first.get("meta.cgroups").orElse("?") + "; bare launch = the manager's handler's command line: "
                + first.get("meta.sandbox_command_as_manager").map(same -> same.equals("true") ? "yes" : "NO").orElse("?"));
        out.println("'umd' = drivers with sandbox=none, as every driver ran before the default sandbox;"
                + " 'sandbox' = the default sandbox");
        for (Run p : passes) {
            Results r = p.results();
            out.printf(Locale.ROOT, "pass %-9s CPUs allowed %s, started %s%s, took %s s, load average %s at start, %s at end%n",
                    p.label(), r.get("meta.affinity").orElse("?"), r.get("meta.date").orElse("?"),
                    r.get("meta.quick").orElse("false").equals("true") ? " (QUICK)" : "",
                    fmt(r.number("time.total_s"), "%.0f"), r.get("meta.loadavg_start").orElse("?"),
                    r.get("meta.loadavg_end").orElse("?"));
        }
    }

    private void roundTrips() {
        section("1. Call round trip: one request + its reply through the echo handler",
                "us per round trip (median, p99); MB/s = payload bytes echoed per second at the median;",
                "ratios are umd median time / baseline median time (lower is better, 1.00 = as fast)");
        for (Run p : passes) {
            Results r = p.results();
            out.println("-- " + p.label() + " --");
            out.printf(Locale.ROOT, "%-8s | %9s %9s %8s | %9s %9s %8s | %9s %9s %8s | %8s %8s%n", "payload",
                    "umd med", "p99", "MB/s", "java med", "p99", "MB/s", "C med", "p99", "MB/s", "umd/java", "umd/C");
            for (int size : RoundTripSection.SIZES) {
                String u = "rtt.umd." + size;
                String j = "rtt.java." + size;
                String c = "rtt.c." + size;
                out.printf(Locale.ROOT, "%-8s | %9s %9s %8s | %9s %9s %8s | %9s %9s %8s | %8s %8s%n",
                        Calls.sizeLabel(size),
                        us(r, u + ".median_us"), us(r, u + ".p99_us"), fmt(r.number(u + ".mbps"), "%.1f"),
                        us(r, j + ".median_us"), us(r, j + ".p99_us"), fmt(r.number(j + ".mbps"), "%.1f"),
                        us(r, c + ".median_us"), us(r, c + ".p99_us"), fmt(r.number(c + ".mbps"), "%.1f"),
                        times(ratio(r.number(u + ".median_us"), r.number(j + ".median_us"))),
                        times(ratio(r.number(u + ".median_us"), r.number(c + ".median_us"))));
            }
        }
    }

    private void bufferCalls() {
        section("1a. The ByteBuffer call form: UmdManager.call(name, request, reply) with direct buffers",
                "us per round trip (median, p99); the caller's buffers are reused, nothing is allocated per call;",
                "ratios against the C client and against the byte[] form (umd) of section 1");
        for (Run p : passes) {
            Results r = p.results();
            out.println("-- " + p.label() + " --");
            out.printf(Locale.ROOT, "%-8s | %9s %9s %8s | %9s %8s | %8s %8s%n", "payload",
                    "buf med", "p99", "MB/s", "C med", "MB/s", "buf/C", "buf/umd");
            for (int size : RoundTripSection.SIZES) {
                String b = "rtt.umd_buf." + size;
                String c = "rtt.c." + size;
                out.printf(Locale.ROOT, "%-8s | %9s %9s %8s | %9s %8s | %8s %8s%n", Calls.sizeLabel(size),
                        us(r, b + ".median_us"), us(r, b + ".p99_us"), fmt(r.number(b + ".mbps"), "%.1f"),
                        us(r, c + ".median_us"), fmt(r.number(c + ".mbps"), "%.1f"),
                        times(ratio(r.number(b + ".median_us"), r.number(c + ".median_us"))),
                        times(ratio(r.number(b + ".median_us"), r.number("rtt.umd." + size + ".median_us"))));
            }
        }
    }

    private void largeFrames() {
        section("1c. Where the large-frame gap to C goes: plain Java variants on the same kind of pipes",
                "us per round trip (median). '+async' = plain Java writing the request from a pool thread while the caller\n"
                        + "   reads (as the manager does above 64 KiB); 'reuse' = JDK streams, reply read into a reused array;",
                "'nio' = FileChannels on /proc/self/fd/N with reused direct buffers: no heap copy, no allocation (analysis only)");
        out.printf(Locale.ROOT, "%-8s", "payload");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-60s", p.label() + ": java  +async   reuse     nio       C  java/C   nio/C");
        }
        out.println();
        for (int size : RoundTripSection.SIZES) {
            if (size < 128 << 10) {
                continue;
            }
            out.printf(Locale.ROOT, "%-8s", Calls.sizeLabel(size));
            for (Run p : passes) {
                Results r = p.results();
                String j = "rtt.java." + size + ".median_us";
                String async = "rtt.java_async_write." + size + ".median_us";
                String reuse = "rtt.java_reuse." + size + ".median_us";
                String n = "rtt.java_nio_direct." + size + ".median_us";
                String c = "rtt.c." + size + ".median_us";
                out.printf(Locale.ROOT, " | %7s %7s %7s %7s %7s %7s %7s", us(r, j), us(r, async), us(r, reuse), us(r, n), us(r, c),
                        times(ratio(r.number(j), r.number(c))), times(ratio(r.number(n), r.number(c))));
            }
            out.println();
        }
    }

    private void perCallExtras() {
        section("1b. Where the 16 B overhead goes: plain Java plus one manager step at a time",
                "us per round trip (median, p99), same handler process as the plain Java column above;",
                "'+ available()' = the one FIONREAD check before the request, '+ watchdog' = arm/disarm of a deadline\n"
                        + "   on the manager's own watchdog (its class, loaded from the manager bundle)");
        String[][] rows = {
                {"rtt.c.16", "C client"},
                {"rtt.java.16", "plain Java"},
                {"rtt.java_available.16", "plain Java + available() before the request"},
                {"rtt.java_watchdog.16", "plain Java + watchdog arm/disarm"},
                {"rtt.java_both.16", "plain Java + both"},
                {"rtt.umd.16", "umd call"},
        };
        out.printf(Locale.ROOT, "%-52s", "what");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-29s", p.label() + " median p99 vs java");
        }
        out.println();
        for (String[] row : rows) {
            out.printf(Locale.ROOT, "%-52s", row[1]);
            for (Run p : passes) {
                Results r = p.results();
                out.printf(Locale.ROOT, " | %9s %9s %9s", us(r, row[0] + ".median_us"), us(r, row[0] + ".p99_us"),
                        times(ratio(r.number(row[0] + ".median_us"), r.number("rtt.java.16.median_us"))));
            }
            out.println();
        }
    }

    private void startLatency() {
        section("2. Start latency: from starting a handler to its first reply (16 B echo)",
                "us (median, p99); the process is reaped after each sample, outside the measurement;",
                "'umd' (sandbox=none) and 'sandbox' rows go through the real manager, the others start the same binary directly");
        String[][] rows = {
                {"start.umd.start", "umd: loader bundle start() + first call"},
                {"start.umd.bundle_start", "  of which bundle.start() (the load)"},
                {"start.umd.first_call", "  of which the first call"},
                {"start.umd_sandbox.start", "sandbox: loader bundle start() + first call"},
                {"start.umd_sandbox.bundle_start", "  of which bundle.start() (the load)"},
                {"start.umd_sandbox.first_call", "  of which the first call"},
                {"start.umd.restart", "umd: next call after umd.kill (restart + reply)"},
                {"start.umd_sandbox.restart", "sandbox: next call after umd.kill"},
                {"start.java.pb", "plain ProcessBuilder.start() + first reply"},
                {"start.java.pb_setpriv", "  + setpriv --pdeathsig KILL -- in front"},
                {"start.java.pb_static_guard", "  + static pdeathsig-exec in front instead"},
                {"start.java.pb_like_manager", "  + umd-launch as the manager plans it (none)"},
                {"start.java.pb_like_manager_sandbox", "  + umd-launch + bwrap as planned (bare sandbox)"},
                {"start.java.pb_like_manager_sandbox_no_cgroups", "    the same without joining its cgroups"},
                {"start.c.spawn", "C posix_spawn + first reply"},
                {"start.c.spawn_setpriv", "C posix_spawn via setpriv + first reply"},
                {"start.c.spawn_static_guard", "C posix_spawn via static pdeathsig-exec + reply"},
                {"start.javah.appcds", "Java handler (kit), sandbox, kill -> reply, AppCDS"},
                {"start.javah.cds_default", "  with the JDK's default CDS archive only"},
                {"start.javah.xshare_off", "  with -Xshare:off"},
                {"start.javah.c_sandbox", "  C echo handler, sandbox, in the same turns"},
                {"cost.sha256", "step: SHA-256 of the handler file (Java)"},
                {"cost.extract_deflated", "step: extract the handler, deflated entry"},
                {"cost.extract_stored", "step: extract the handler, stored entry"},
                {"cost.descendants", "step: one /proc scan (Process.descendants())"},
                {"cost.thread_start", "step: Thread.start() of one platform thread"},
                {"cost.handle_is_alive", "step: ProcessHandle.isAlive() (reads /proc/PID/stat)"},
                {"cost.process_is_alive", "step: Process.isAlive() (a field)"},
                {"cost.stderr_available", "step: available() on an idle stderr pipe (FIONREAD)"},
                {"cost.plan_none", "step: plan a launch, sandbox=none (SandboxLaunches)"},
                {"cost.plan_sandbox", "step: plan a sandboxed launch (cgroups + limits)"},
                {"cost.release_sandbox", "step: remove its cgroups after the exit"},
                {"start.umd.uninstall", "umd: bundle.uninstall() (unload: kill, reap, rm)"},
                {"start.umd_sandbox.uninstall", "sandbox: bundle.uninstall()"},
        };
        out.printf(Locale.ROOT, "%-52s", "");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-19s", p.label());
        }
        out.println();
        out.printf(Locale.ROOT, "%-52s", "what");
        for (int i = 0; i < passes.size(); i++) {
            out.printf(Locale.ROOT, " | %9s %9s", "median", "p99");
        }
        out.println();
        for (String[] row : rows) {
            out.printf(Locale.ROOT, "%-52s", row[1]);
            for (Run p : passes) {
                out.printf(Locale.ROOT, " | %9s %9s", us(p.results(), row[0] + ".median_us"),
                        us(p.results(), row[0] + ".p99_us"));
            }
            out.println();
        }
        String[][] ratios = {
                {"start.umd.start", "start.java.pb", "ratio umd start / plain ProcessBuilder"},
                {"start.umd.restart", "start.java.pb", "ratio umd restart / plain ProcessBuilder"},
                {"start.umd.restart", "start.java.pb_like_manager", "ratio umd restart / PB like the manager"},
                {"start.java.pb", "start.c.spawn", "ratio plain ProcessBuilder / C posix_spawn"},
                {"start.javah.appcds", "start.javah.xshare_off", "ratio Java handler AppCDS / -Xshare:off"},
                {"start.javah.appcds", "start.javah.cds_default", "ratio Java handler AppCDS / default CDS"},
                {"start.javah.appcds", "start.javah.c_sandbox", "ratio Java handler AppCDS / C handler"},
        };
        for (String[] row : ratios) {
            out.printf(Locale.ROOT, "%-52s", row[2]);
            for (Run p : passes) {
                out.printf(Locale.ROOT, " | %9s %9s", times(ratio(p.results().number(row[0] + ".median_us"),
                        p.results().number(row[1] + ".median_us"))), "");
            }
            out.println();
        }
    }

    /** @return the median of figure a minus the median of figure b, in ms */
    static OptionalDouble differenceMillis(Results r, String a, String b) {
        OptionalDouble x = r.number(a + ".median_us");
        OptionalDouble y = r.number(b + ".median_us");
        return x.isPresent() && y.isPresent() ? OptionalDouble.of((x.getAsDouble() - y.getAsDouble()) / 1e3)
                : OptionalDouble.empty();
    }

    /** The rows of section 2a: the manager with and without the sandbox, and its planned launch without it. */
    private static final String[][] SANDBOX_START_ROWS = {
            {"start.umd_sandbox.start", "start.umd.start", "umd: loader bundle start() + first call"},
            {"start.umd_sandbox.restart", "start.umd.restart", "umd: next call after umd.kill"},
            {"start.java.pb_like_manager_sandbox", "start.java.pb_like_manager", "bare: the planned launch + first reply"},
            {"cost.plan_sandbox", "cost.plan_none", "step: plan the launch"},
    };

    private void sandboxStarts() {
        section("2a. The default sandbox at start and restart (rows of section 2, taken in turns)",
                "ms (median); 'sandbox' = the default sandbox, 'none' = sandbox=none; 'bare' = the launch the manager's\n"
                        + "   SandboxLaunches plans for the driver (shim options + bubblewrap), run by plain ProcessBuilder, no manager;",
                "'- bare' = what the manager adds to its own planned launch; 'sb-none' = what the sandbox adds");
        out.printf(Locale.ROOT, "%-40s", "");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-34s", p.label());
        }
        out.println();
        out.printf(Locale.ROOT, "%-40s", "what");
        for (int i = 0; i < passes.size(); i++) {
            out.printf(Locale.ROOT, " | %8s %8s %8s %7s", "sandbox", "none", "sb-none", "sb/none");
        }
        out.println();
        for (String[] row : SANDBOX_START_ROWS) {
            out.printf(Locale.ROOT, "%-40s", row[2]);
            for (Run p : passes) {
                Results r = p.results();
                out.printf(Locale.ROOT, " | %8s %8s %8s %7s", ms(r, row[0]), ms(r, row[1]),
                        fmt(differenceMillis(r, row[0], row[1]), "%+.2f"),
                        times(ratio(r.number(row[0] + ".median_us"), r.number(row[1] + ".median_us"))));
            }
            out.println();
        }
        String[][] overBare = {
                {"start.umd_sandbox.start", "start.umd.start", "umd start - bare, ms"},
                {"start.umd_sandbox.restart", "start.umd.restart", "umd restart - bare, ms"},
        };
        for (String[] row : overBare) {
            out.printf(Locale.ROOT, "%-40s", row[2]);
            for (Run p : passes) {
                Results r = p.results();
                OptionalDouble sandbox = differenceMillis(r, row[0], "start.java.pb_like_manager_sandbox");
                OptionalDouble none = differenceMillis(r, row[1], "start.java.pb_like_manager");
                OptionalDouble added = sandbox.isPresent() && none.isPresent()
                        ? OptionalDouble.of(sandbox.getAsDouble() - none.getAsDouble()) : OptionalDouble.empty();
                out.printf(Locale.ROOT, " | %8s %8s %8s %7s", fmt(sandbox, "%.2f"), fmt(none, "%.2f"), fmt(added, "%+.2f"), "");
            }
            out.println();
        }
        String[][] ratios = {
                {"start.umd_sandbox.start", "start.java.pb_like_manager_sandbox", "start.umd.start", "start.java.pb_like_manager",
                        "ratio umd start / bare"},
                {"start.umd_sandbox.restart", "start.java.pb_like_manager_sandbox", "start.umd.restart",
                        "start.java.pb_like_manager", "ratio umd restart / bare"},
                {"start.java.pb_like_manager_sandbox", "start.java.pb", "start.java.pb_like_manager", "start.java.pb",
                        "ratio bare / plain ProcessBuilder"},
        };
        for (String[] row : ratios) {
            out.printf(Locale.ROOT, "%-40s", row[4]);
            for (Run p : passes) {
                Results r = p.results();
                out.printf(Locale.ROOT, " | %8s %8s %8s %7s", times(ratio(r.number(row[0] + ".median_us"), r.number(row[1] + ".median_us"))),
                        times(ratio(r.number(row[2] + ".median_us"), r.number(row[3] + ".median_us"))), "", "");
            }
            out.println();
        }
    }

    private void sandboxCalls() {
        section("1d. The default sandbox on the call path: the same calls through a sandboxed handler",
                "us per round trip (median, p99), in the same interleaved rounds as section 1; 'none' = the umd column of",
                "section 1 (sandbox=none), 'sandbox' = a driver with the default sandbox; ratios of the medians");
        for (Run p : passes) {
            Results r = p.results();
            out.println("-- " + p.label() + " --");
            out.printf(Locale.ROOT, "%-8s | %9s %9s | %9s %9s %8s | %8s %8s%n", "payload",
                    "none med", "p99", "sbox med", "p99", "MB/s", "sb/none", "sb/C");
            for (int size : RoundTripSection.SANDBOX_SIZES) {
                String u = "rtt.umd." + size;
                String b = "rtt.umd_sandbox." + size;
                String c = "rtt.c." + size;
                out.printf(Locale.ROOT, "%-8s | %9s %9s | %9s %9s %8s | %8s %8s%n", Calls.sizeLabel(size),
                        us(r, u + ".median_us"), us(r, u + ".p99_us"),
                        us(r, b + ".median_us"), us(r, b + ".p99_us"), fmt(r.number(b + ".mbps"), "%.1f"),
                        times(ratio(r.number(b + ".median_us"), r.number(u + ".median_us"))),
                        times(ratio(r.number(b + ".median_us"), r.number(c + ".median_us"))));
            }
        }
    }

    private void throughput() {
        section("3. Throughput: calling threads against 1 and 2 handler instances of one driver",
                "calls per second over the measured window, all callers together; '2/1' = 2 instances / 1 instance, same callers;",
                "'2 inst/(1,1)' = 2 instances / 1 instance with 1 caller. 'java' row: 1 and 2 independent plain Java clients,\n"
                        + "   one process and one thread each (the machine's own scaling; its 2/1 is the ceiling for the umd rows);\n"
                        + "   'java alt' row: one plain Java thread taking 2 processes in turn (what round robin would do with one caller)");
        for (Run p : passes) {
            Results r = p.results();
            out.println("-- " + p.label() + " --");
            out.printf(Locale.ROOT, "%-8s %8s | %12s %12s %6s %14s%n", "payload", "callers", "1 instance", "2 instances",
                    "2/1", "2 inst/(1,1)");
            for (int payload : ThroughputSection.PAYLOADS) {
                String single = "tput.umd." + payload + ".i1.t1.cps";
                for (int threads : ThroughputSection.THREADS) {
                    String one = "tput.umd." + payload + ".i1.t" + threads + ".cps";
                    String two = "tput.umd." + payload + ".i2.t" + threads + ".cps";
                    out.printf(Locale.ROOT, "%-8s %8d | %12s %12s %6s %14s%n", Calls.sizeLabel(payload), threads,
                            fmt(r.number(one), "%.0f"), fmt(r.number(two), "%.0f"), times(ratio(r.number(two), r.number(one))),
                            times(ratio(r.number(two), r.number(single))));
                }
                String j1 = "tput.java." + payload + ".p1.cps";
                String j2 = "tput.java." + payload + ".p2.cps";
                String alt = "tput.java." + payload + ".alt2.cps";
                out.printf(Locale.ROOT, "%-8s %8s | %12s %12s %6s%n", Calls.sizeLabel(payload), "java",
                        fmt(r.number(j1), "%.0f"), fmt(r.number(j2), "%.0f"), times(ratio(r.number(j2), r.number(j1))));
                out.printf(Locale.ROOT, "%-8s %8s | %12s %12s %6s%n", Calls.sizeLabel(payload), "java alt",
                        fmt(r.number(j1), "%.0f"), fmt(r.number(alt), "%.0f"), times(ratio(r.number(alt), r.number(j1))));
            }
        }
    }

    private void scale() {
        section("4. Scale: " + passes.get(0).results().get("scale.drivers").orElse("100")
                        + " echo drivers declared by one bundle, loaded at once, then idle (sandbox: "
                        + passes.get(0).results().get("scale.sandbox").orElse("?") + ")",
                "per-driver figures = (with the drivers loaded - with no driver loaded) / number of drivers;",
                "heap = used heap after System.gc()");
        out.printf(Locale.ROOT, "%-52s", "what");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %12s", p.label());
        }
        out.println();
        scaleRow("load all (bundle.start()), ms", r -> r.number("scale.load_ms"), "%.0f");
        scaleRow("  per driver, ms", r -> ratio(r.number("scale.load_ms"), r.number("scale.drivers")), "%.2f");
        scaleRow("unload all (bundle.uninstall()), ms", r -> r.number("scale.unload_ms"), "%.0f");
        scaleRow("platform threads per driver (all)", r -> perDriver(r, "threads"), "%.2f");
        scaleRow("  umd-* threads per driver", r -> perDriver(r, "umd_threads"), "%.2f");
        scaleRow("  of them umd-stderr (stderr pumps)", r -> perDriver(r, "umd_stderr_threads"), "%.2f");
        scaleRow("  JDK 'process reaper' threads per driver", r -> perDriver(r, "reaper_threads"), "%.2f");
        scaleRow("  own threads per driver (all - reapers)", Report::ownThreadsPerDriver, "%.2f");
        scaleRow("Thread.activeCount() per driver", r -> perDriver(r, "active_count"), "%.2f");
        scaleRow("heap per driver, KiB", Report::heapPerDriverKiB, "%.1f");
        scaleRow("idle JVM CPU, no driver loaded, ms per s", r -> r.number("scale.before.idle_cpu_ms_per_s"), "%.2f");
        scaleRow("idle JVM CPU, all drivers loaded, ms per s", r -> r.number("scale.after.idle_cpu_ms_per_s"), "%.2f");
        scaleRow("  of it in umd-* threads, ms per s", r -> r.number("scale.after.idle_umd_cpu_ms_per_s"), "%.2f");
        scaleRow("threads with no driver loaded", r -> r.number("scale.before.threads"), "%.0f");
        scaleRow("threads with all loaded", r -> r.number("scale.after.threads"), "%.0f");
    }

    private void scaleRow(String label, java.util.function.Function<Results, OptionalDouble> value, String format) {
        out.printf(Locale.ROOT, "%-52s", label);
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %12s", fmt(value.apply(p.results()), format));
        }
        out.println();
    }

    private void placement() {
        if (passes.size() < 2) {
            return;
        }
        Run a = passes.get(0);
        Run b = passes.get(1);
        section("5. Placement: " + b.label() + " / " + a.label() + " (median times; < 1 means faster when "
                        + b.label() + ")", "", "");
        out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "figure", "umd", "java", "C");
        for (int size : RoundTripSection.SIZES) {
            out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "round trip " + Calls.sizeLabel(size),
                    placementRatio(a, b, "rtt.umd." + size + ".median_us"),
                    placementRatio(a, b, "rtt.java." + size + ".median_us"),
                    placementRatio(a, b, "rtt.c." + size + ".median_us"));
        }
        out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "start to first reply",
                placementRatio(a, b, "start.umd.start.median_us"), placementRatio(a, b, "start.java.pb.median_us"),
                placementRatio(a, b, "start.c.spawn.median_us"));
        out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "restart to first reply",
                placementRatio(a, b, "start.umd.restart.median_us"), "", "");
        out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "start, default sandbox",
                placementRatio(a, b, "start.umd_sandbox.start.median_us"), "", "");
        out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "restart, default sandbox",
                placementRatio(a, b, "start.umd_sandbox.restart.median_us"), "", "");
        out.printf(Locale.ROOT, "%-40s %8s %8s %8s%n", "bare sandboxed launch (no manager)",
                "", placementRatio(a, b, "start.java.pb_like_manager_sandbox.median_us"), "");
    }

    private static String placementRatio(Run a, Run b, String key) {
        return times(ratio(b.results().number(key), a.results().number(key)));
    }

    private void targets() {
        section("Targets (from the issue): reported, not asserted",
                "measured on the 'umd' rows (sandbox=none, as before the default sandbox); sections 1d and 2a have the sandbox", "");
        out.printf(Locale.ROOT, "%-62s", "target");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-22s", p.label());
        }
        out.println();
        List<Target> targets = targetList();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            out.printf(Locale.ROOT, "%-62s", t.text());
            for (Run p : passes) {
                OptionalDouble v = targetValue(i, p.results());
                String value = v.isPresent() ? String.format(Locale.ROOT, "%.3f%s", v.getAsDouble(), t.unit()) : "-";
                out.printf(Locale.ROOT, " | %-14s %-7s", value, t.verdict(v));
            }
            out.println();
        }
    }

    /** The rows of section 2b: the pgp section's inputs, as {@code pgp.<row>.*}. */
    static final String[][] PGP_ROWS = {
            {"ed25519.1k", "Ed25519, 1 KiB file"},
            {"ed25519.1m", "Ed25519, 1 MiB file"},
            {"rsa2048.1k", "RSA-2048, 1 KiB file"},
            {"rsa2048.1m", "RSA-2048, 1 MiB file"},
    };

    /** @return driver verifications per second / in-JVM ones (the pgp row's {@code umd} over {@code side}) */
    static OptionalDouble pgpRatio(Results r, String row, String side) {
        return ratio(r.number("pgp." + row + ".umd.per_s"), r.number("pgp." + row + "." + side + ".per_s"));
    }

    private void pgpVerifications() {
        section("2b. OpenPGP detached-signature verifications per second, one caller",
                "'driver' = the OpenPGP driver's PgpVerifier (key + signature parsed in its sandboxed Java handler, data hashed here);",
                "'BC' = Bouncy Castle in the benchmark JVM on the same inputs (BC provider; 'BC/JDK' with the JDK's providers)");
        out.printf(Locale.ROOT, "%-24s", "per second (median us)");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-64s", p.label());
        }
        out.println();
        out.printf(Locale.ROOT, "%-24s", "what");
        for (int i = 0; i < passes.size(); i++) {
            out.printf(Locale.ROOT, " | %-16s %-16s %-16s %6s %6s", "driver", "BC", "BC/JDK", "d/BC", "d/JDK");
        }
        out.println();
        for (String[] row : PGP_ROWS) {
            out.printf(Locale.ROOT, "%-24s", row[1]);
            for (Run p : passes) {
                Results r = p.results();
                out.printf(Locale.ROOT, " | %-16s %-16s %-16s %6s %6s", perSecond(r, "pgp." + row[0] + ".umd"),
                        perSecond(r, "pgp." + row[0] + ".jvm"), perSecond(r, "pgp." + row[0] + ".jvm_jdk"),
                        times(pgpRatio(r, row[0], "jvm")), times(pgpRatio(r, row[0], "jvm_jdk")));
            }
            out.println();
        }
    }

    /** @return {@code "1234 (810)"}: verifications per second and the median in us, or "-" */
    static String perSecond(Results r, String prefix) {
        OptionalDouble rate = r.number(prefix + ".per_s");
        return rate.isEmpty() ? "-" : fmt(rate, "%.0f") + " (" + us(r, prefix + ".median_us") + ")";
    }

    /** The rows of section 2c, as {@code rss.<row>.*}. */
    static final String[][] RSS_ROWS = {
            {"c_none", "C echo handler, sandbox=none"},
            {"c_sandbox", "C echo handler, default sandbox"},
            {"java_echo", "Java handler (kit echo), default sandbox"},
            {"java_pgp", "OpenPGP parser (Java, BC), after 20 calls"},
    };

    private void idleRss() {
        section("2c. Resident memory of an idle handler: VmRSS summed over the driver's process tree",
                "(launcher + bwrap + handler when sandboxed); read 1 s after the last call; shared pages count in each process",
                "");
        out.printf(Locale.ROOT, "%-44s", "what");
        for (Run p : passes) {
            out.printf(Locale.ROOT, " | %-9s %5s %9s", p.label(), "procs", "/ C sbx");
        }
        out.println();
        for (String[] row : RSS_ROWS) {
            out.printf(Locale.ROOT, "%-44s", row[1]);
            for (Run p : passes) {
                Results r = p.results();
                OptionalDouble kib = r.number("rss." + row[0] + ".kib");
                out.printf(Locale.ROOT, " | %-9s %5s %9s", kib.isPresent() ? fmt(kib.stream().map(v -> v / 1024).findFirst(),
                        "%.1f") + " MiB" : "-", fmt(r.number("rss." + row[0] + ".procs"), "%.0f"),
                        times(ratio(kib, r.number("rss.c_sandbox.kib"))));
            }
            out.println();
        }
    }

    // ------------------------------------------------------------ formatting

    private void section(String title, String line1, String line2) {
        out.println();
        out.println("== " + title + " ==");
        if (!line1.isEmpty()) {
            out.println("   " + line1);
        }
        if (!line2.isEmpty()) {
            out.println("   " + line2);
        }
    }

    private static String ms(Results r, String key) {
        return fmt(r.number(key + ".median_us").stream().map(v -> v / 1e3).findFirst(), "%.2f");
    }

    private static String us(Results r, String key) {
        OptionalDouble v = r.number(key);
        if (v.isEmpty()) {
            return "-";
        }
        double d = v.getAsDouble();
        return String.format(Locale.ROOT, d < 100 ? "%.2f" : d < 10_000 ? "%.1f" : "%.0f", d);
    }

    static String times(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2fx", v.getAsDouble()) : "-";
    }

    static String fmt(OptionalDouble v, String format) {
        return v.isPresent() ? String.format(Locale.ROOT, format, v.getAsDouble()) : "-";
    }
}
