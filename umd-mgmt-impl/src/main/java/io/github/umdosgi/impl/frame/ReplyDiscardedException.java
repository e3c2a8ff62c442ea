package io.github.umdosgi.impl.frame;

import java.io.IOException;

/**
 * A whole reply was read and dropped because the caller's buffer could not
 * hold it. The stream is still in step: the next frame can be read.
 */
public final class ReplyDiscardedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The payload length of the dropped reply. */
    private final long length;

    /** @param length the payload length of the dropped reply */
    public ReplyDiscardedException(long length) {
        super("a reply of " + length + " bytes was dropped");
        this.length = length;
    }

    /** @return the payload length of the dropped reply */
    public long length() {
        return length;
    }
}
