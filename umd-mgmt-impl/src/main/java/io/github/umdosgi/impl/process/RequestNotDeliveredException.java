package io.github.umdosgi.impl.process;

import java.io.IOException;

/**
 * Writing a request that fits the pipe buffer failed: the handler's stdin has
 * no reader, so the handler never saw any of it and a retry cannot run the
 * request twice.
 */
public final class RequestNotDeliveredException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param cause the failed write */
    public RequestNotDeliveredException(IOException cause) {
        super("request not delivered: " + cause.getMessage(), cause);
    }
}
