package io.github.umdosgi.impl.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to start one handler process, as the sandbox policy
 * decided it: the launch shim's options, the command it execs, the working
 * directory and the complete environment, and what confines the process tree
 * once it runs. Immutable.
 *
 * @param shimOptions options for the launch shim (see {@code umd-launch.c}); must be empty without a shim
 * @param command what the shim execs: the handler, or the sandbox tool in front of it
 * @param workingDirectory the working directory on the host
 * @param environment the complete environment
 * @param confinement what bounds and explains the running tree
 */
public record Launch(List<String> shimOptions, List<String> command, Path workingDirectory,
        Map<String, String> environment, Confinement confinement) {

    /** Copies the collections. */
    public Launch {
        shimOptions = List.copyOf(shimOptions);
        command = List.copyOf(command);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(confinement, "confinement");
    }

    /**
     * An unconfined launch of a plain command, without shim options.
     *
     * @param command the command
     * @param workingDirectory the working directory
     * @param environment the complete environment
     * @return the launch
     */
    public static Launch plain(List<String> command, Path workingDirectory, Map<String, String> environment) {
        return new Launch(List.of(), command, workingDirectory, environment, Confinement.NONE);
    }
}
