package io.github.umdosgi.launcher;

/** The little of a Gogo session the runner needs; lets tests use a fake. */
interface CommandShell {

    /** Runs one command line and returns its result (may be null). */
    Object execute(String command) throws Exception;

    /** Renders a result the way the Gogo shell prints it. */
    String format(Object result);

    /** True when {@code e} says the command's name is not (yet) registered. */
    boolean isCommandNotFound(Exception e);
}
