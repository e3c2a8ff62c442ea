package io.github.umdosgi.webconsole;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.InstanceInfo;

/**
 * The page's main view: one row per driver with its state, pids, counters,
 * last error and sandbox profile, a link to its details and its action
 * buttons. Every driver-supplied string goes through {@link Html}.
 * Stateless.
 */
final class DriverTable {

    private DriverTable() {
    }

    /**
     * @param drivers the drivers, as the manager lists them
     * @param outcome what the action just done did, if one was
     * @param pluginRoot the page's own path
     * @param token the page's {@link PostGuard} token
     * @return the HTML of the page's content area
     */
    static String render(List<DriverInfo> drivers, Optional<Outcome> outcome, String pluginRoot, String token) {
        StringBuilder out = new StringBuilder();
        outcome.ifPresent(o -> out.append(outcomeHtml(o)));
        out.append("<p class=\"statline\">").append(drivers.size()).append(" driver(s)</p>\n");
        out.append("<table id=\"umd-drivers\" class=\"nicetable\"><thead><tr>")
                .append("<th>Name</th><th>State</th><th>PIDs</th><th>Calls</th><th>Failures</th><th>Starts</th>")
                .append("<th>Last error</th><th>Sandbox</th><th>Bundle</th><th>Actions</th></tr></thead><tbody>\n");
        for (DriverInfo d : drivers) {
            out.append("<tr data-driver=\"").append(Html.text(d.name())).append("\">")
                    .append("<td class=\"umd-name\"><a href=\"").append(Html.text(pluginRoot)).append("?driver=")
                    .append(Html.query(d.name())).append("\">").append(Html.text(d.name())).append("</a></td>")
                    .append("<td class=\"umd-state\">").append(d.state()).append("</td>")
                    .append("<td class=\"umd-pids\">").append(pids(d)).append("</td>")
                    .append("<td class=\"umd-calls\">").append(d.calls()).append("</td>")
                    .append("<td class=\"umd-failures\">").append(d.failures()).append("</td>")
                    .append("<td class=\"umd-starts\">").append(d.starts()).append("</td>")
                    .append("<td class=\"umd-last-error\">").append(Html.text(d.lastError().orElse("-"))).append("</td>")
                    .append("<td class=\"umd-sandbox\">").append(profile(d)).append("</td>")
                    .append("<td class=\"umd-bundle\">").append(bundle(d)).append("</td>")
                    .append("<td class=\"umd-actions\">")
                    .append(ActionForms.forDriver(pluginRoot, token, d.name(), "list")).append("</td></tr>\n");
        }
        out.append("</tbody></table>\n");
        return out.toString();
    }

    /** @return the outcome banner, its message escaped */
    static String outcomeHtml(Outcome o) {
        return "<p id=\"umd-outcome\" class=\"ui-corner-all " + (o.ok() ? "umd-ok" : "umd-failed ui-state-error")
                + "\" style=\"padding:0.4em\">" + Html.text(o.message()) + "</p>\n";
    }

    /** @return the live pids, comma-separated, or "-" */
    static String pids(DriverInfo d) {
        String pids = d.instances().stream().map(InstanceInfo::pid).filter(p -> p.isPresent())
                .map(p -> Long.toString(p.getAsLong())).collect(Collectors.joining(", "));
        return pids.isEmpty() ? "-" : pids;
    }

    /** @return the sandbox profile; an unconfined driver stands out, as {@code NONE!} does in umd:list */
    static String profile(DriverInfo d) {
        return d.settings().map(s -> s.sandbox().confined() ? Html.text(s.sandbox().profile().key())
                : "<strong class=\"umd-unconfined\">NONE!</strong>").orElse("-");
    }

    /** @return the declaring bundle as {@code symbolic.name [id]}, escaped */
    static String bundle(DriverInfo d) {
        return d.bundleId() < 0 ? "-" : Html.text(d.bundleSymbolicName() + " [" + d.bundleId() + "]");
    }
}
