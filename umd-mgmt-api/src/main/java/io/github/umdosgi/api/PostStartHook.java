package io.github.umdosgi.api;

/**
 * Code run right after each start of a handler, before any caller may use it:
 * the kernel's {@code post_start} hook. A typical hook sends a health check
 * request and verifies the reply. If it throws, the handler is killed and the
 * start fails.
 *
 * <p>Locking: the thread that starts the handler holds that handler
 * instance's lock from the start until the hook has returned; no call reaches
 * the instance meanwhile. The hook itself runs on one of the manager's hook
 * threads, so that the driver's start timeout bounds it even when it blocks;
 * each {@link HandlerChannel#call} is carried out by the thread holding the
 * lock, on the hook's behalf. A hook that overruns the start timeout has its
 * thread interrupted and its handler killed; one that ignores the interrupt
 * keeps only its own thread, of a small fixed pool, until it returns.
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
