package io.github.umdosgi.impl.manager;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.driver.Driver;
import io.github.umdosgi.impl.frame.ReplyTarget;

/**
 * The client service: finds, lists and calls drivers, and has no method
 * that changes one. Stateless beyond its reference.
 */
@Component(service = UmdManager.class)
public final class UmdManagerService implements UmdManager {

    private final ManagedDrivers drivers;

    /** @param drivers the manager's drivers */
    @Activate
    public UmdManagerService(@Reference ManagedDrivers drivers) {
        this.drivers = drivers;
    }

    @Override
    public Optional<DriverInfo> driver(String name) {
        return drivers.find(name).map(Driver::snapshot);
    }

    @Override
    public List<DriverInfo> drivers() {
        return drivers.all().stream().map(Driver::snapshot).toList();
    }

    @Override
    public byte[] call(String name, byte[] request) throws UmdException {
        return drivers.require(name).call(request, null);
    }

    @Override
    public byte[] call(String name, byte[] request, Duration timeout) throws UmdException {
        return drivers.require(name).call(request, positive(timeout));
    }

    @Override
    public int call(String name, ByteBuffer request, ByteBuffer reply) throws UmdException {
        return call(name, request, reply, null);
    }

    @Override
    public int call(String name, ByteBuffer request, ByteBuffer reply, Duration timeout) throws UmdException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reply, "reply");
        if (reply.isReadOnly()) {
            throw new IllegalArgumentException("the reply buffer is read-only");
        }
        Duration effective = timeout == null ? null : positive(timeout);
        ByteBuffer filled = drivers.require(name).call(request, ReplyTarget.into(reply), effective);
        int length = filled.position() - reply.position();
        reply.position(filled.position());
        return length;
    }

    private static Duration positive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout;
    }
}
