package io.github.umdosgi.impl.shell;

import io.github.umdosgi.impl.text.SafeText;

/**
 * A {@code umd:} command failed. Carries the original failure's message
 * escaped ({@link SafeText}) and its stack trace,
 * but not the failure itself: the shell prints causes too, and theirs are
 * raw. Prints as the original would, under the original's class name, so an
 * operator sees the same line as before, made safe. Immutable.
 */
public final class CommandFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String originalType;
    // A usage error is its own whole line: printed without a class name.
    private final boolean usage;

    /** @param failure what the command threw */
    CommandFailedException(Exception failure) {
        super(SafeText.field(failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName()));
        // A class name is no safer than a message: the JVM allows control characters in it.
        this.originalType = SafeText.field(failure.getClass().getName(), UmdCommands.MAX_NAME);
        this.usage = failure instanceof UsageException;
        setStackTrace(failure.getStackTrace());
    }

    /** @return the class name of the failure this stands for */
    public String originalType() {
        return originalType;
    }

    @Override
    public String toString() {
        return usage ? getMessage() : originalType + ": " + getMessage();
    }
}
