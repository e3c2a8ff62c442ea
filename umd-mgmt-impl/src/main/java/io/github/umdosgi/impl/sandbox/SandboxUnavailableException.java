package io.github.umdosgi.impl.sandbox;

import java.io.IOException;

/** A confined driver cannot start: this host cannot build its sandbox. The message says why and how to opt out. */
public final class SandboxUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is missing and how to opt out */
    public SandboxUnavailableException(String reason) {
        super(reason);
    }
}
