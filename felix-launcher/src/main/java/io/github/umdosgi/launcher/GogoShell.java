package io.github.umdosgi.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A Gogo {@code CommandSession} driven by reflection. The Gogo API lives in
 * the gogo.runtime bundle, which the launcher's class loader cannot see (and
 * must not: exporting it from the system bundle would split the package), so
 * the methods are looked up on the interfaces loaded through that bundle.
 */
final class GogoShell implements CommandShell, AutoCloseable {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    private static final String CONVERTER = "org.apache.felix.service.command.Converter";
    private static final String NOT_FOUND = "org.apache.felix.gogo.runtime.CommandNotFoundException";

    private final ServiceTracker<Object, Object> tracker;
    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;
    private final int inspect;

    private GogoShell(ServiceTracker<Object, Object> tracker, Object session, Class<?> sessionType,
            int inspect) throws NoSuchMethodException {
        this.tracker = tracker;
        this.session = session;
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
        this.inspect = inspect;
    }

    /**
     * Waits up to {@code timeoutMillis} for the CommandProcessor service and
     * opens a session on the given streams.
     */
    static GogoShell open(BundleContext context, long timeoutMillis, InputStream in, OutputStream out,
            OutputStream err) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, PROCESSOR, null);
        tracker.open();
        try {
            Object processor = tracker.waitForService(timeoutMillis);
            ServiceReference<Object> ref = tracker.getServiceReference();
            if (processor == null || ref == null) {
                throw new IllegalStateException("no Gogo command processor after " + timeoutMillis / 1000
                        + " s (is org.apache.felix.gogo.runtime in bundle/ and started?)");
            }
            Bundle api = ref.getBundle();
            Class<?> processorType = api.loadClass(PROCESSOR);
            Class<?> sessionType = api.loadClass(SESSION);
            int inspect = api.loadClass(CONVERTER).getField("INSPECT").getInt(null);
            Object session = processorType
                    .getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, in, out, err);
            GogoShell shell = new GogoShell(tracker, session, sessionType, inspect);
            // same command lookup order as the interactive shell's profile: a plain name two scopes
            // have (log: felix:log and umd:log) is the Felix command an operator knows
            sessionType.getMethod("put", String.class, Object.class).invoke(session, "SCOPE", "gogo:felix:*");
            return shell;
        } catch (Exception | Error e) {
            tracker.close();
            throw e;
        }
    }

    @Override
    public Object execute(String command) throws Exception {
        return invoke(execute, command);
    }

    @Override
    public String format(Object result) {
        try {
            return String.valueOf(invoke(format, result, inspect));
        } catch (Exception e) {
            return String.valueOf(result);
        }
    }

    @Override
    public boolean isCommandNotFound(Exception e) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(NOT_FOUND)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            invoke(close);
        } catch (Exception e) {
            // the framework may already be stopping; nothing left to release
        } finally {
            tracker.close();
        }
    }

    /** Invokes and rethrows the command's own exception rather than the reflection wrapper. */
    private Object invoke(Method method, Object... args) throws Exception {
        try {
            return method.invoke(session, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
