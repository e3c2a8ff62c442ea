package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.UmdEvents;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Driver events through the real Felix Event Admin: what an operator's tool subscribed to
 * {@code io/github/umdosgi/driver/*} sees over a driver's life.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DriverEventsIT extends UmdTestSupport {

    /**
     * An event as received, copied out of Event Admin's type: JUnit discovers this class outside
     * the framework, where the event package is not on the class path, so no field or signature
     * may name it.
     */
    private record Seen(String topic, Map<String, Object> properties) {
        Object get(String key) {
            return properties.get(key);
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private ServiceRegistration<?> subscribe() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, UmdEvents.TOPIC_ALL);
        // An anonymous class, not a lambda: a lambda's body would become a method of this class
        // whose signature names the event type.
        EventHandler handler = new EventHandler() {
            @Override
            public void handleEvent(org.osgi.service.event.Event event) {
                Map<String, Object> copy = new HashMap<>();
                for (String key : event.getPropertyNames()) {
                    copy.put(key, event.getProperty(key));
                }
                seen.add(new Seen(event.getTopic(), copy));
            }
        };
        return bundleContext.registerService(EventHandler.class, handler, props);
    }

    private Seen await(String type, String driver) {
        return Waits.waitFor(type + " of driver " + driver + " (seen: " + seen + ")", Duration.ofSeconds(10),
                () -> seen.stream().filter(e -> e.topic().equals(UmdEvents.TOPIC_PREFIX + type)
                        && driver.equals(e.get(UmdEvents.DRIVER))).findFirst().orElse(null),
                e -> e != null);
    }

    @Test
    public void aDriversLifeIsPublished() throws Exception {
        ServiceRegistration<?> registration = subscribe();
        try {
            Bundle b = install("itest:events", BundleJar.named("itest.events")
                    .driverHeader("evecho;handler=bin/echo-handler")
                    .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "evecho");
            b.start();

            Seen started = await("HANDLER_STARTED", "evecho");
            long pid = info("evecho").instances().get(0).pid().getAsLong();
            assertEquals(pid, started.get(UmdEvents.PID));
            assertEquals(0, started.get(UmdEvents.INSTANCE));
            Seen loaded = await("LOADED", "evecho");
            assertEquals(b.getBundleId(), loaded.get(EventConstants.BUNDLE_ID));
            assertEquals("itest.events", loaded.get(EventConstants.BUNDLE_SYMBOLICNAME));
            assertTrue(String.valueOf(loaded.get(EventConstants.MESSAGE)).contains("loaded"));

            // In service, then dead without being asked to: an operator's tool learns it at once, with the pid.
            umd.call("evecho", new byte[] {0});
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Seen exited = await("HANDLER_EXITED", "evecho");
            assertEquals(pid, exited.get(UmdEvents.PID));
            assertTrue(String.valueOf(exited.get(EventConstants.MESSAGE)).contains("killed by signal 9"));

            seen.clear();
            umd.call("evecho", new byte[] {1});
            Seen restarted = await("HANDLER_STARTED", "evecho");
            assertNotEquals(pid, restarted.get(UmdEvents.PID));

            b.stop();
            await("UNLOADED", "evecho");
            assertTrue("our own kill at unload is not an unexpected exit: " + seen, seen.stream()
                    .noneMatch(e -> e.topic().endsWith("HANDLER_EXITED")));
            b.uninstall();
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void aFailedLoadIsPublishedWithItsReason() throws Exception {
        ServiceRegistration<?> registration = subscribe();
        try {
            Bundle b = install("itest:events-bad", BundleJar.named("itest.events.bad")
                    .driverHeader("evbad;handler=bin/echo-handler;sha256=" + "0".repeat(64))
                    .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "evbad");
            b.start();
            awaitState("evbad", DriverState.FAILED);
            Seen failed = await("FAILED", "evbad");
            assertTrue(String.valueOf(failed.get(EventConstants.MESSAGE)).contains("sha"));
            assertEquals(b.getBundleId(), failed.get(EventConstants.BUNDLE_ID));
            b.uninstall();
        } finally {
            registration.unregister();
        }
    }
}
