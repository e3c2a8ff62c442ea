package io.github.umdosgi.sample.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.sample.SampleDriver;
import io.github.umdosgi.sample.SampleProtocol;

/** The {@link SampleDriver} service: calls the "sample" driver through the {@link UmdManager}. */
@Component(service = SampleDriver.class)
public final class SampleDriverComponent implements SampleDriver {

    private final UmdManager umdManager;

    /**
     * @param umdManager the manager that runs the handler
     */
    @Activate
    public SampleDriverComponent(@Reference(name = "umdManager") UmdManager umdManager) {
        this.umdManager = umdManager;
    }

    @Override
    public void check(int offset) throws UmdException {
        // Checked before sending, as the kernel sample manager does; the handler checks again.
        if (offset < 0 || offset >= REPLY_SIZE) {
            throw new IllegalArgumentException("offset " + offset + " out of range [0, " + REPLY_SIZE + ")");
        }
        byte[] reply = umdManager.call(DRIVER_NAME, SampleProtocol.encode(offset));
        SampleProtocol.verify(DRIVER_NAME, reply, offset);
    }
}
