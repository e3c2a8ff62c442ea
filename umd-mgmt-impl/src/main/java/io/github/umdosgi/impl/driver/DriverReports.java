package io.github.umdosgi.impl.driver;

import java.util.OptionalInt;
import java.util.OptionalLong;

import org.osgi.framework.Bundle;

import io.github.umdosgi.impl.process.HandlerProcess;

/**
 * What a driver tells operators: one log line and, where it is an event, the
 * same sentence on the event bus. Kept out of the lifecycle so that it reads
 * as decisions only.
 *
 * <p>Immutable; the log and the event sink are thread safe.
 */
final class DriverReports {

    private final String name;
    private final DriverServices services;

    DriverReports(String name, DriverServices services) {
        this.name = name;
        this.services = services;
    }

    void loaded(Bundle owner, int instances) {
        String message = "driver '" + name + "' loaded from bundle " + owner.getSymbolicName() + " with " + instances
                + " instance(s)";
        services.log().info(message);
        publish(DriverEvent.of(DriverEvent.Type.LOADED, name, owner, message));
    }

    void unloaded(Bundle owner) {
        String message = "driver '" + name + "' unloaded";
        services.log().info(message);
        publish(DriverEvent.of(DriverEvent.Type.UNLOADED, name, owner, message));
    }

    /** The driver is now FAILED: said in the log and on the event bus alike. */
    void failed(Bundle bundle, String message) {
        services.log().error(message);
        publish(DriverEvent.of(DriverEvent.Type.FAILED, name, bundle, message));
    }

    /** A failure recorded without a log line of its own (the caller logged it already). */
    void failedQuietly(Bundle bundle, String message) {
        publish(DriverEvent.of(DriverEvent.Type.FAILED, name, bundle, message));
    }

    void unconfined() {
        services.log().warn("driver '" + name + "' runs WITHOUT a sandbox (sandbox=none): its handler has"
                + " every right of the JVM's user; remove sandbox=none unless that is meant");
    }

    void handlerStarted(Bundle bundle, int instance, HandlerProcess process) {
        publish(new DriverEvent(DriverEvent.Type.HANDLER_STARTED, name, bundle, OptionalInt.of(instance),
                OptionalLong.of(process.pid()), "handler " + process.label() + " started"));
    }

    void handlerExited(Bundle bundle, int instance, HandlerProcess process, String message) {
        services.log().warn("driver '" + name + "': " + message);
        publish(new DriverEvent(DriverEvent.Type.HANDLER_EXITED, name, bundle, OptionalInt.of(instance),
                OptionalLong.of(process.pid()), "driver '" + name + "': " + message));
    }

    void warn(String message) {
        services.log().warn("driver '" + name + "': " + message);
    }

    void error(String message) {
        services.log().error("driver '" + name + "': " + message);
    }

    private void publish(DriverEvent event) {
        services.events().publish(event);
    }
}
