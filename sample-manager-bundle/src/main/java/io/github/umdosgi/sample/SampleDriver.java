package io.github.umdosgi.sample;

import org.osgi.annotation.versioning.ProviderType;

import io.github.umdosgi.api.UmdException;

/**
 * The typed client of the sample driver, the counterpart of the kernel
 * sample's UMD manager: it sends an offset to the handler, which replies with
 * {@value #REPLY_SIZE} zero bytes except a 1 at that offset, and verifies the
 * reply. The reply is deliberately larger than a default 64 KiB pipe buffer,
 * so each call exercises partial reads and writes on both sides.
 *
 * <p>Registered as an OSGi service by the sample loader bundle. Thread safe;
 * calls to the handler are serialised by the UMD manager.
 */
@ProviderType
public interface SampleDriver {

    /** The driver name declared in the bundle's {@code UMD-Driver} header. */
    String DRIVER_NAME = "sample";

    /** Size in bytes of a successful reply, and the exclusive upper bound of offsets: 128 KiB. */
    int REPLY_SIZE = 131072;

    /**
     * Sends {@code offset} to the handler and verifies that the reply is
     * {@value #REPLY_SIZE} bytes, all zero except {@code reply[offset] == 1}.
     * If the driver is not loaded, the manager first tries to start the
     * bundle that declares it.
     *
     * @param offset the byte to set, in {@code [0, REPLY_SIZE)}
     * @throws IllegalArgumentException the offset is out of range, checked
     *         locally or reported by the handler as {@code EINVAL}
     * @throws io.github.umdosgi.api.ProtocolException the reply is malformed:
     *         wrong length, byte at the offset not 1, or another byte set
     * @throws UmdException the call itself failed (driver not loaded, handler
     *         died, timeout, ...)
     */
    void check(int offset) throws UmdException;
}
