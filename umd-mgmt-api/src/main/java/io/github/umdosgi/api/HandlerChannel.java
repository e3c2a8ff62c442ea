package io.github.umdosgi.api;

/**
 * A direct request/reply channel to one started handler, handed to a
 * {@link PostStartHook}. Not thread safe; valid only during the hook.
 */
@org.osgi.annotation.versioning.ProviderType
public interface HandlerChannel {

    /**
     * The driver this handler belongs to.
     *
     * @return the driver name
     */
    String driverName();

    /**
     * Sends one request frame and reads one reply frame, with the driver's
     * maximum message size, within what is left of the driver's start timeout:
     * that timeout bounds the start and the whole hook, every exchange included.
     *
     * @param request the request payload
     * @return the reply payload
     * @throws UmdException the exchange failed
     */
    byte[] call(byte[] request) throws UmdException;
}
