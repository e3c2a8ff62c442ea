package io.github.umdosgi.impl.blob;

import java.io.IOException;

/** The handler file does not have the digest it must have; it is never executed. */
public final class IntegrityException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which file, which digest was expected and which was found
     */
    public IntegrityException(String message) {
        super(message);
    }
}
