package io.github.umdosgi.launcher;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Echoes warnings and errors that umd-osgi's own bundles write to the OSGi
 * log (a driver failed to load, a handler died, stale directories removed)
 * to the console's stderr (above the prompt in the interactive shell: see
 * {@link AsyncConsole}), where an operator sees them without asking the
 * shell's {@code log} command. The log API lives in the log bundle, not on
 * the launcher's class path, so the listener is a dynamic proxy of that
 * bundle's {@code LogListener}.
 *
 * <p>Everything echoed is escaped with {@link SafeText}: the messages quote
 * handlers' stderr and bundles' names and exceptions, and any bundle may log
 * under a symbolic name that starts with ours. The manager escapes what it
 * logs too; escaping escaped text changes nothing.
 *
 * <p>Called on the framework's event threads; holds no mutable state but the
 * stream, which is thread safe.
 */
final class ConsoleLogEcho {

    private static final String READER = "org.osgi.service.log.LogReaderService";
    private static final String OURS = "io.github.umdosgi.";
    /** OSGi log levels: 1 error, 2 warning. */
    static final int WARNING = 2;
    /** Causes named after the message, at most. */
    static final int MAX_CAUSES = 8;

    private final AsyncConsole console;
    // Methods of the log API's interfaces, set once the reader appears (public interfaces, so the
    // calls work whatever the implementation classes' access).
    private volatile Method getBundle;
    private volatile Method getLevel;
    private volatile Method getMessage;
    private volatile Method getException;

    private ConsoleLogEcho(AsyncConsole console) {
        this.console = console;
    }

    /**
     * Starts echoing as soon as a log reader service is registered.
     *
     * @param context the framework's context
     * @param console the console's stderr, or the interactive prompt once attached
     */
    static void attach(BundleContext context, AsyncConsole console) {
        ConsoleLogEcho echo = new ConsoleLogEcho(console);
        try {
            context.addServiceListener(event -> {
                if (event.getType() == ServiceEvent.REGISTERED) {
                    echo.listenTo(context, event.getServiceReference());
                }
            }, "(objectClass=" + READER + ")");
        } catch (org.osgi.framework.InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void listenTo(BundleContext context, ServiceReference<?> reference) {
        Object reader = context.getService(reference);
        if (reader == null) {
            return;
        }
        try {
            ClassLoader api = reader.getClass().getClassLoader();
            Class<?> readerType = api.loadClass(READER);
            Class<?> listenerType = api.loadClass("org.osgi.service.log.LogListener");
            Class<?> entryType = api.loadClass("org.osgi.service.log.LogEntry");
            getBundle = entryType.getMethod("getBundle");
            getLevel = entryType.getMethod("getLevel");
            getMessage = entryType.getMethod("getMessage");
            getException = entryType.getMethod("getException");
            // What was logged before the reader appeared, oldest first, then everything new.
            Enumeration<?> history = (Enumeration<?>) readerType.getMethod("getLog").invoke(reader);
            List<Object> past = new ArrayList<>(Collections.list(history));
            Collections.reverse(past);
            past.forEach(this::logged);
            InvocationHandler handler = (proxy, method, args) -> handle(proxy, method, args);
            Object listener = Proxy.newProxyInstance(api, new Class<?>[] {listenerType}, handler);
            readerType.getMethod("addLogListener", listenerType).invoke(reader, listener);
        } catch (ReflectiveOperationException | RuntimeException e) {
            console.println("umd-osgi: cannot echo the OSGi log to the console: " + SafeText.field(String.valueOf(e)));
        }
    }

    private Object handle(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "logged" -> logged(args[0]);
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "equals" -> {
                return proxy == args[0];
            }
            case "toString" -> {
                return "umd-osgi console log echo";
            }
            default -> {
                // LogListener has only logged(); nothing else is called.
            }
        }
        return null;
    }

    /**
     * @param level the entry's level, error or warning
     * @param message the entry's message
     * @param cause the entry's exception, or null
     * @return the console line: the level, the message and every cause, escaped
     */
    static String line(int level, String message, Throwable cause) {
        StringBuilder text = new StringBuilder(String.valueOf(message));
        // The reason is usually at the bottom of a reflection wrapper chain: name each link. A
        // bundle's exception may have a cycle of causes, hence the bound.
        for (int links = 0; cause != null && links < MAX_CAUSES; links++, cause = cause.getCause()) {
            text.append(" (").append(cause).append(')');
        }
        return "umd-osgi " + (level == WARNING ? "WARNING" : "ERROR") + ": " + SafeText.field(text.toString().strip());
    }

    private void logged(Object entry) {
        try {
            Bundle bundle = (Bundle) getBundle.invoke(entry);
            int level = (Integer) getLevel.invoke(entry);
            if (bundle == null || level > WARNING || bundle.getSymbolicName() == null
                    || !bundle.getSymbolicName().startsWith(OURS)) {
                return;
            }
            console.println(line(level, (String) getMessage.invoke(entry), (Throwable) getException.invoke(entry)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // An entry of an unexpected shape is not worth failing the log for.
        }
    }
}
