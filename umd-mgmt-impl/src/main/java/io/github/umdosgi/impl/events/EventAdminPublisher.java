package io.github.umdosgi.impl.events;

import java.util.HashMap;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;

import io.github.umdosgi.api.UmdEvents;
import io.github.umdosgi.impl.driver.DriverEvent;
import io.github.umdosgi.impl.driver.DriverEvents;

/**
 * Posts driver events to the Event Admin, asynchronously. Its own component,
 * satisfied only where an Event Admin runs, so that the manager bundle
 * resolves and works without the event package (its import is optional).
 * Stateless apart from the reference SCR sets before activation.
 */
@Component(service = DriverEvents.class)
public final class EventAdminPublisher implements DriverEvents {

    @Reference
    private EventAdmin eventAdmin;

    @Override
    public void publish(DriverEvent event) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(UmdEvents.DRIVER, event.driver());
        properties.put(UmdEvents.MESSAGE, event.message());
        Bundle bundle = event.bundle();
        if (bundle != null) {
            properties.put(EventConstants.BUNDLE, bundle);
            properties.put(EventConstants.BUNDLE_ID, bundle.getBundleId());
            properties.put(EventConstants.BUNDLE_SYMBOLICNAME, String.valueOf(bundle.getSymbolicName()));
        }
        event.instance().ifPresent(i -> properties.put(UmdEvents.INSTANCE, i));
        event.pid().ifPresent(pid -> properties.put(UmdEvents.PID, pid));
        eventAdmin.postEvent(new Event(UmdEvents.TOPIC_PREFIX + event.type().name(), properties));
    }
}
