package io.github.umdosgi.impl.driver;

/**
 * Where drivers publish their {@link DriverEvent}s. Implementations must not
 * block: drivers publish while holding their locks, and from the
 * manager's exit thread.
 */
@FunctionalInterface
public interface DriverEvents {

    /** Publishes nothing. */
    DriverEvents NONE = event -> {
    };

    /** @param event what happened */
    void publish(DriverEvent event);
}
