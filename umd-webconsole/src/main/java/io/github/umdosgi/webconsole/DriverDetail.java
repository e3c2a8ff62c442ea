package io.github.umdosgi.webconsole;

import java.util.List;
import java.util.Optional;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.RestartPolicy;

/**
 * The detail view of one driver: its counters and last error, its
 * instances, its effective settings (the header with operator overrides
 * applied) and its recent stderr, with the action buttons. Every
 * driver-supplied string goes through {@link Html}. Stateless.
 */
final class DriverDetail {

    private DriverDetail() {
    }

    /**
     * @param d the driver
     * @param stderr its recent stderr lines, newest last, or why they cannot be shown
     * @param outcome what the action just done did, if one was
     * @param pluginRoot the page's own path
     * @param token the page's {@link PostGuard} token
     * @return the HTML of the page's content area
     */
    static String render(DriverInfo d, RecentStderr stderr, Optional<Outcome> outcome, String pluginRoot,
            String token) {
        StringBuilder out = new StringBuilder();
        outcome.ifPresent(o -> out.append(DriverTable.outcomeHtml(o)));
        out.append("<p><a href=\"").append(Html.text(pluginRoot)).append("\">&larr; all drivers</a></p>\n");
        out.append("<table id=\"umd-driver\" class=\"nicetable\" data-driver=\"").append(Html.text(d.name()))
                .append("\"><tbody>\n");
        row(out, "Name", Html.text(d.name()));
        row(out, "Bundle", DriverTable.bundle(d));
        row(out, "State", d.state().toString());
        row(out, "PIDs", DriverTable.pids(d));
        row(out, "Calls", Long.toString(d.calls()));
        row(out, "Failures", Long.toString(d.failures()));
        row(out, "Starts", Long.toString(d.starts()));
        row(out, "Last error", "<span id=\"umd-last-error\">" + Html.text(d.lastError().orElse("-")) + "</span>");
        row(out, "Actions", ActionForms.forDriver(pluginRoot, token, d.name(), "detail"));
        out.append("</tbody></table>\n");

        out.append("<h3>Instances</h3>\n");
        if (d.instances().isEmpty()) {
            out.append("<p>none: the driver is not loaded</p>\n");
        } else {
            out.append("<table id=\"umd-instances\" class=\"nicetable\"><thead><tr><th>Instance</th><th>PID</th>")
                    .append("<th>Busy</th><th>Calls</th><th>Starts</th></tr></thead><tbody>\n");
            for (InstanceInfo i : d.instances()) {
                out.append("<tr><td>").append(i.index()).append("</td><td>")
                        .append(i.pid().isPresent() ? Long.toString(i.pid().getAsLong()) : "-").append("</td><td>")
                        .append(i.busy() ? "busy" : "idle").append("</td><td>").append(i.calls()).append("</td><td>")
                        .append(i.starts()).append("</td></tr>\n");
            }
            out.append("</tbody></table>\n");
        }

        out.append("<h3>Effective settings</h3>\n");
        if (d.settings().isEmpty()) {
            out.append("<p>none: the driver is not loaded</p>\n");
        } else {
            settings(out, d.settings().get());
        }

        out.append("<h3>Recent stderr</h3>\n");
        if (stderr.lines().isPresent()) {
            List<String> lines = stderr.lines().get();
            out.append(lines.isEmpty() ? "<p>no lines</p>\n"
                    : "<pre id=\"umd-stderr\">" + Html.lines(lines) + "</pre>\n");
        } else {
            out.append("<p id=\"umd-stderr-unavailable\">").append(Html.text(stderr.unavailable())).append("</p>\n");
        }
        return out.toString();
    }

    private static void settings(StringBuilder out, DriverDescriptor s) {
        out.append("<table id=\"umd-settings\" class=\"nicetable\"><tbody>\n");
        row(out, "handler", Html.text(s.handler()));
        row(out, "sha256", Html.text(s.sha256().orElse("(recorded at extraction)")));
        row(out, "timeout", s.callTimeout().toMillis() + " ms");
        row(out, "start-timeout", s.startTimeout().toMillis() + " ms");
        row(out, "max-message", s.maxMessageSize() + " bytes");
        row(out, "instances", Integer.toString(s.instances()));
        RestartPolicy p = s.restartPolicy();
        row(out, "restart policy", p.intensity() + " restarts within " + p.period().toMillis() + " ms, backoff "
                + p.backoffBase().toMillis() + " to " + p.backoffMax().toMillis() + " ms");
        row(out, "env", Html.text(s.environment().isEmpty() ? "-" : String.join(", ", s.environment())));
        row(out, "wrapper", Html.text(s.wrapper().isEmpty() ? "-" : String.join(" ", s.wrapper())));
        row(out, "sandbox", s.sandbox().confined() ? Html.text(s.sandbox().describe())
                : "<strong class=\"umd-unconfined\">" + Html.text(s.sandbox().describe()) + "</strong>");
        out.append("</tbody></table>\n");
    }

    /** @param valueHtml already escaped */
    private static void row(StringBuilder out, String label, String valueHtml) {
        out.append("<tr><th style=\"text-align:left\">").append(label).append("</th><td>").append(valueHtml)
                .append("</td></tr>\n");
    }
}
