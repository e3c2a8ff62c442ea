package io.github.umdosgi.impl.frame;

import java.io.IOException;

/** A frame header declared a payload longer than the receiver accepts. */
public final class FrameTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param declared the length the header declared, as unsigned
     * @param max the receiver's limit
     */
    public FrameTooLargeException(long declared, int max) {
        super("frame declares " + declared + " bytes, more than the maximum of " + max);
    }
}
