package io.github.umdosgi.api;

/**
 * The topics and property names of the events the manager posts when an
 * OSGi Event Admin runs (the manager works without one). Subscribe an
 * {@code EventHandler} to {@link #TOPIC_ALL} to see every event, or to one
 * topic to see one kind.
 *
 * <p>Every event carries {@link #DRIVER} and {@link #MESSAGE}; the bundle
 * properties of {@code org.osgi.service.event.EventConstants}
 * ({@code bundle}, {@code bundle.id}, {@code bundle.symbolicName}) when a
 * bundle is concerned; and {@link #INSTANCE} and {@link #PID} on handler
 * events ({@link #HANDLER_STARTED}, {@link #HANDLER_EXITED}).
 *
 * <p>Constants only, apart from the services: a subscriber uses none of
 * them, and the names are the same whichever service caused the event.
 *
 * @since 2.0
 */
public final class UmdEvents {

    /** Prefix of every topic: {@value}. */
    public static final String TOPIC_PREFIX = "io/github/umdosgi/driver/";

    /** Every topic, for an event handler's {@code event.topics}: {@value}. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /** A driver was loaded: its handlers started and passed their post-start hook. */
    public static final String LOADED = TOPIC_PREFIX + "LOADED";

    /** A driver was unloaded: its handlers killed and its private directory deleted. */
    public static final String UNLOADED = TOPIC_PREFIX + "UNLOADED";

    /** A driver is failed: it could not be loaded, or its restart policy gave up. */
    public static final String FAILED = TOPIC_PREFIX + "FAILED";

    /** A handler process started (at load or as a restart). */
    public static final String HANDLER_STARTED = TOPIC_PREFIX + "HANDLER_STARTED";

    /** A handler process died without being asked to. */
    public static final String HANDLER_EXITED = TOPIC_PREFIX + "HANDLER_EXITED";

    /** Property: the driver name ({@code String}). */
    public static final String DRIVER = "driver.name";

    /** Property: what happened, in words ({@code String}); the same key as {@code EventConstants.MESSAGE}. */
    public static final String MESSAGE = "message";

    /** Property of handler events: the handler instance's index ({@code Integer}). */
    public static final String INSTANCE = "driver.instance";

    /** Property of handler events: the handler's process id ({@code Long}). */
    public static final String PID = "driver.pid";

    private UmdEvents() {
    }
}
