package io.github.umdosgi.impl.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.config.DriverOverrides;
import io.github.umdosgi.impl.driver.DriverDetails;
import io.github.umdosgi.impl.process.ProcessUsage;
import io.github.umdosgi.impl.text.SafeText;

/**
 * The text of {@code umd:info}: the counters, every effective setting with
 * where it came from ({@code header} or {@code loader}, {@code configuration},
 * {@code default}), the handler file, and one line per instance with its
 * process's resources. Every field a bundle or a handler wrote is escaped.
 * Stateless.
 */
final class InfoFormat {

    private InfoFormat() {
    }

    static String format(DriverInfo d, DriverDetails details, Optional<String> configError, Instant now,
            Function<Long, Optional<ProcessUsage>> usage) {
        StringBuilder out = new StringBuilder();
        line(out, "name", name(d.name()));
        line(out, "bundle", UmdCommands.bundle(d));
        line(out, "state", state(d, details));
        line(out, "calls", Long.toString(d.calls()));
        line(out, "failures", Long.toString(d.failures()));
        line(out, "starts", Long.toString(d.starts()));
        line(out, "last error", d.lastError().map(SafeText::field).orElse("-"));
        configError.ifPresent(error -> line(out, "config", SafeText.field(error)));
        if (details != null && details.executable() != null) {
            line(out, "handler", SafeText.field(details.executable().toString()));
            line(out, "sha256", SafeText.field(details.sha256()));
        }
        line(out, "sandbox", d.settings().map(x -> x.sandbox().describe()).orElse("- (not loaded)"));
        if (details != null && details.effective() != null) {
            settings(out, details);
        }
        List<DriverDetails.Instance> instances = details != null ? details.instances() : List.of();
        if (instances.isEmpty()) {
            for (InstanceInfo i : d.instances()) {
                out.append(String.format("instance %d: pid %s, %s, %d calls, %d starts%n", i.index(),
                        i.pid().isPresent() ? Long.toString(i.pid().getAsLong()) : "-",
                        i.busy() ? "busy" : "idle", i.calls(), i.starts()));
            }
        }
        for (DriverDetails.Instance i : instances) {
            out.append(instance(i, now, usage)).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** The driver's state, and for a loaded driver with no handler running, why. */
    static String state(DriverInfo d, DriverDetails details) {
        String state = d.state().toString();
        if (details == null || details.instances().isEmpty()
                || details.instances().stream().anyMatch(i -> i.pid().isPresent())) {
            return state;
        }
        String why = details.instances().stream().map(DriverDetails.Instance::lastExit).filter(Objects::nonNull)
                .findFirst().map(exit -> "handler " + exit).orElse("no handler running");
        return state + " (" + SafeText.field(why) + "; the next call starts one)";
    }

    static String instance(DriverDetails.Instance i, Instant now, Function<Long, Optional<ProcessUsage>> usage) {
        StringBuilder line = new StringBuilder("instance " + i.index() + ": ");
        if (i.pid().isPresent()) {
            long pid = i.pid().getAsLong();
            line.append("pid ").append(pid).append(", ").append(i.busy() ? "busy" : "idle");
            if (i.startedAt() != null) {
                line.append(", up ").append(duration(Duration.between(i.startedAt(), now)));
            }
            usage.apply(pid).ifPresent(u -> line.append(", rss ").append(Sandbox.bytes(u.residentBytes()))
                    .append(", cpu ").append(u.cpuMillis()).append(" ms (").append(u.processes())
                    .append(u.processes() == 1 ? " process)" : " processes)"));
        } else {
            line.append("no process");
        }
        line.append(", ").append(i.calls()).append(" calls, ").append(i.starts()).append(" starts");
        line.append(", last exit: ").append(i.lastExit() == null ? "-" : SafeText.field(i.lastExit()));
        return line.toString();
    }

    private static void settings(StringBuilder out, DriverDetails details) {
        DriverDescriptor effective = details.effective();
        DriverDescriptor declared = details.declared() != null ? details.declared() : effective;
        DriverDescriptor defaults = DriverDescriptor.of(effective.name(), effective.handler());
        DriverOverrides o = details.overrides();
        String declaredBy = details.declaredByHeader() ? "header" : "loader";
        List<String[]> rows = new ArrayList<>();
        rows.add(row("timeout", effective.callTimeout().toMillis() + " ms",
                o.timeoutMillis() > 0, !declared.callTimeout().equals(defaults.callTimeout()), declaredBy));
        rows.add(row("start-timeout", effective.startTimeout().toMillis() + " ms",
                o.startTimeoutMillis() > 0, !declared.startTimeout().equals(defaults.startTimeout()), declaredBy));
        rows.add(row("instances", Integer.toString(effective.instances()),
                o.instances() > 0, declared.instances() != defaults.instances(), declaredBy));
        rows.add(row("max-message", effective.maxMessageSize() + " bytes",
                o.maxMessage() > 0, declared.maxMessageSize() != defaults.maxMessageSize(), declaredBy));
        rows.add(row("restart", effective.restartPolicy().intensity() + " within "
                + effective.restartPolicy().period().toMillis() + " ms",
                o.restartIntensity() >= 0 || o.restartPeriodMillis() > 0,
                !declared.restartPolicy().equals(defaults.restartPolicy()), declaredBy));
        rows.add(row("env", effective.environment().isEmpty() ? "-" : String.join(",", effective.environment()),
                !o.environment().isEmpty(), !declared.environment().isEmpty(), declaredBy));
        rows.add(row("wrapper", effective.wrapper().isEmpty() ? "-" : String.join(" ", effective.wrapper()),
                !o.wrapper().isEmpty(), !declared.wrapper().isEmpty(), declaredBy));
        rows.add(row("sandbox", effective.sandbox().profile().key(), !o.sandbox().isEmpty(),
                !declared.sandbox().equals(Sandbox.DEFAULT), declaredBy));
        out.append("settings:\n");
        for (String[] r : rows) {
            out.append(String.format("  %-14s %-28s %s%n", r[0], SafeText.field(r[1], 200), r[2]));
        }
        if (!o.sandbox().isEmpty()) {
            out.append("  (sandbox keys set by configuration: ")
                    .append(SafeText.field(String.join(", ", new java.util.TreeSet<>(o.sandbox().keySet()))))
                    .append(")\n");
        }
    }

    private static String[] row(String key, String value, boolean configured, boolean declaredOtherwise,
            String declaredBy) {
        return new String[] {key, value, configured ? "configuration" : declaredOtherwise ? declaredBy : "default"};
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format("%-11s %s%n", key + ":", value));
    }

    private static String name(String name) {
        return SafeText.field(name, UmdCommands.MAX_NAME);
    }
}
