package io.github.umdosgi.webconsole;

import java.io.IOException;
import java.util.Optional;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.api.UmdManager;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console 5 page {@code /system/console/umd}: the driver table
 * ({@code GET}), a driver's details ({@code GET ?driver=NAME}), and the
 * restart and kill actions ({@code POST}, guarded by {@link PostGuard}).
 * The console authenticates every request and draws its header and footer
 * around {@link #renderContent}; after an action the same request renders
 * the page with the action's outcome above it.
 *
 * <p>Uses only the public API services, as any operator bundle would. The
 * references are static and mandatory, so they are set before the servlet
 * is registered and never change while it is; the guard is immutable. The
 * servlet is called on Jetty's request threads and keeps no other state.
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + UmdConsolePlugin.LABEL,
        ServletConstants.PLUGIN_TITLE + "=" + UmdConsolePlugin.TITLE,
        ServletConstants.PLUGIN_CATEGORY + "=OSGi" })
public final class UmdConsolePlugin extends AbstractServlet {

    /** The last segment of the page's URL. */
    static final String LABEL = "umd";
    /** The page's name in the console's menu. */
    static final String TITLE = "User mode drivers";
    /** How many recent stderr lines the detail view asks for. */
    static final int STDERR_LINES = 50;

    private static final long serialVersionUID = 1L;
    private static final String OUTCOME = UmdConsolePlugin.class.getName() + ".outcome";

    @Reference
    private transient UmdManager manager;
    @Reference
    private transient UmdAdmin admin;

    private final transient PostGuard guard = PostGuard.random();

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AbstractServlet.setNoCache(response);
        String root = pluginRoot(request);
        Optional<Outcome> outcome = Optional.ofNullable((Outcome) request.getAttribute(OUTCOME));
        String name = request.getParameter("driver");
        boolean detail = name != null
                && ("GET".equals(request.getMethod()) || "detail".equals(request.getParameter("back")));
        String html;
        if (!detail) {
            html = DriverTable.render(manager.drivers(), outcome, root, guard.token());
        } else {
            Optional<DriverInfo> driver = DriverDescriptor.isValidName(name) ? manager.driver(name) : Optional.empty();
            html = driver.map(d -> DriverDetail.render(d, stderr(d.name()), outcome, root, guard.token()))
                    .orElseGet(() -> DriverTable.outcomeHtml(new Outcome(false, "no driver named '" + name + "'"))
                            + DriverTable.render(manager.drivers(), Optional.empty(), root, guard.token()));
        }
        response.getWriter().write(html);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> refused = guard.refusal(request.getParameter(PostGuard.TOKEN_FIELD),
                request.getHeader("Sec-Fetch-Site"), request.getHeader("Origin"), request.getScheme(),
                request.getHeader("Host"));
        if (refused.isPresent()) {
            // sendError ends the request: the console draws no page around it
            response.sendError(HttpServletResponse.SC_FORBIDDEN, refused.get());
            return;
        }
        request.setAttribute(OUTCOME, act(request.getParameter("action"), request.getParameter("driver")));
        // Nothing written: the console now renders its header, renderContent (with the outcome), its footer.
    }

    private Outcome act(String actionKey, String name) {
        Optional<DriverAction> action = DriverAction.byKey(actionKey);
        if (action.isEmpty()) {
            return new Outcome(false, "unknown action '" + actionKey + "' (expected restart or kill)");
        }
        if (!DriverDescriptor.isValidName(name)) {
            return new Outcome(false, "invalid driver name '" + name + "'");
        }
        try {
            return action.get().perform(admin, name);
        } catch (UmdException e) {
            return new Outcome(false, action.get().key() + " of driver '" + name + "' failed: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private RecentStderr stderr(String name) {
        try {
            return RecentStderr.of(admin.stderr(name, STDERR_LINES));
        } catch (UmdException e) {
            // e.g. not loaded (any more): the view says so instead of failing the page
            return RecentStderr.unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The page's own path, e.g. {@code /system/console/umd}, as the console sets it. */
    private static String pluginRoot(HttpServletRequest request) {
        Object root = request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        return root != null ? root.toString() : request.getContextPath() + request.getServletPath() + "/" + LABEL;
    }
}
