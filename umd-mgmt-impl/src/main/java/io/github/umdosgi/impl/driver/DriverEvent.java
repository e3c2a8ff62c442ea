package io.github.umdosgi.impl.driver;

import java.util.OptionalInt;
import java.util.OptionalLong;

import org.osgi.framework.Bundle;

/**
 * Something that happened to a driver, for operators' tools: published on
 * the OSGi event bus under {@code io/github/umdosgi/driver/<type>} when an
 * Event Admin runs. Immutable.
 *
 * @param type what happened
 * @param driver the driver name
 * @param bundle the bundle the driver is loaded from or declared by, or null
 * @param instance the handler instance concerned, if any
 * @param pid the handler process concerned, if any
 * @param message a sentence for people, as in the log
 */
public record DriverEvent(Type type, String driver, Bundle bundle, OptionalInt instance, OptionalLong pid,
        String message) {

    /** The kinds of events, each its own topic. */
    public enum Type {
        /** The driver was loaded: its handlers run. */
        LOADED,
        /** The driver was unloaded: its handlers are gone. */
        UNLOADED,
        /** The driver failed to load, or its restart policy gave up: it stays failed until restarted. */
        FAILED,
        /** A handler process was started (at load or as a restart). */
        HANDLER_STARTED,
        /** A handler process exited without being asked to; the next call restarts it. */
        HANDLER_EXITED
    }

    static DriverEvent of(Type type, String driver, Bundle bundle, String message) {
        return new DriverEvent(type, driver, bundle, OptionalInt.empty(), OptionalLong.empty(), message);
    }
}
