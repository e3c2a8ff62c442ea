package io.github.umdosgi.impl.shell;

/**
 * A {@code umd:} command got the wrong operands. Its message is the whole
 * line an operator sees ({@code usage: umd:info NAME (got no operand; ...)}):
 * the shell prints it without a class name. Immutable.
 */
final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
