package io.github.umdosgi.impl.frame;

import java.io.IOException;

/**
 * A frame header declared a payload longer than the receiver accepts, or
 * than it has memory for. Either way the handler broke the protocol or
 * cannot be served, and is killed.
 */
public final class FrameTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param declared the length the header declared, as unsigned
     * @param max the receiver's limit
     */
    public FrameTooLargeException(long declared, int max) {
        super("frame declares " + declared + " bytes, more than the maximum of " + max);
    }

    /**
     * @param declared the length the header declared
     * @param buffer the buffer size that could not be allocated
     * @param cause the allocation's failure
     */
    public FrameTooLargeException(long declared, int buffer, OutOfMemoryError cause) {
        super("frame declares " + declared + " bytes; no memory for a buffer of " + buffer + " bytes", cause);
    }
}
