package io.github.umdosgi.launcher;

/** A bad command line; its message is meant to be shown to the user as is. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
