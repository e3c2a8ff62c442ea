package io.github.umdosgi.api;

/**
 * Code run right after each start of a handler, before any caller may use it,
 * under the instance's lock: the kernel's {@code post_start} hook. A typical
 * hook sends a health check request and verifies the reply. If it throws, the
 * handler is killed and the start fails.
 *
 * <p>A driver declared with the {@value UmdManager#DRIVER_HEADER} header names
 * its hook with the {@code post-start=<class>} attribute; the class is loaded
 * from the declaring bundle and must have a public no-argument constructor.
 */
@FunctionalInterface
public interface PostStartHook {

    /**
     * Checks the freshly started handler.
     *
     * @param channel a channel to the new handler, valid only during this call
     * @throws Exception the handler is not usable; it is killed and the start fails
     */
    void afterStart(HandlerChannel channel) throws Exception;
}
