package io.github.umdosgi.impl.blob;

import java.util.List;

import io.github.umdosgi.api.Sandbox;

/**
 * What a handler needs beyond its executable: the words after it on the
 * command line and host paths to show read-only in its sandbox. A Java
 * handler's class path and JVM options are such words. Implementations are
 * thread safe.
 */
public interface HandlerCommand {

    /** Nothing beyond the executable. */
    HandlerCommand NONE = new HandlerCommand() {
        @Override
        public List<String> arguments(Sandbox sandbox, boolean confined) {
            return List.of();
        }

        @Override
        public List<String> readOnlyBinds() {
            return List.of();
        }
    };

    /**
     * @param sandbox the limits the handler runs under
     * @param confined whether it runs in the sandbox (paths are then the sandbox's)
     * @return the words after the executable
     */
    List<String> arguments(Sandbox sandbox, boolean confined);

    /** @return pairs of host path and path inside the sandbox, flattened: {@code [host1, inside1, host2, ...]} */
    List<String> readOnlyBinds();

    /** Ends what the command started for the driver (a background job); called before its directory is deleted. */
    default void close() {
    }
}
