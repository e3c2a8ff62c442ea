package io.github.umdosgi.kit;

/** What a Java handler does with one request: the one method to write. */
@FunctionalInterface
public interface RequestHandler {

    /**
     * @param request the request payload
     * @return the reply payload (never null; empty is fine)
     * @throws Exception the request cannot be served: the kit logs it on stderr and the handler exits
     *         with status 70, so the manager reports the call failed and starts a fresh handler
     */
    byte[] handle(byte[] request) throws Exception;
}
