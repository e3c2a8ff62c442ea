package io.github.umdosgi.kit;

import java.io.IOException;

/** A frame that breaks the wire format: a length beyond the maximum. */
public final class FrameException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong */
    public FrameException(String message) {
        super(message);
    }
}
