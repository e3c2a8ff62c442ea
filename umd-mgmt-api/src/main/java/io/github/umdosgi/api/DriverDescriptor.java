package io.github.umdosgi.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to run for a driver: the value form of the {@value UmdManager#DRIVER_HEADER}
 * header, also used for programmatic loading. Immutable; the {@code with*}
 * methods return modified copies.
 *
 * @param name driver name: 1 to 64 characters of {@code [A-Za-z0-9._-]}, starting with a letter or digit
 * @param handler path of the handler executable inside the bundle, relative, without {@code ..} segments
 * @param sha256 expected SHA-256 of the handler, 64 hex digits, checked at extraction and before every start
 * @param callTimeout default per-call timeout; positive
 * @param startTimeout how long a start plus its post-start hook may take; positive
 * @param maxMessageSize maximum request and reply payload size in bytes; positive
 * @param instances number of handler processes run side by side; 1 to 64
 * @param restartPolicy when to stop restarting a handler that keeps dying
 * @param environment names of variables of the JVM's environment passed on to the handler
 *        (an allowlist; by default none: the handler gets only a fixed minimal environment)
 * @param wrapper a launch wrapper put before the handler's path, such as
 *        {@code [setpriv, --no-new-privs, --]} or {@code [prlimit, --as=268435456, --]}; empty by default
 */
public record DriverDescriptor(
        String name,
        String handler,
        Optional<String> sha256,
        Duration callTimeout,
        Duration startTimeout,
        int maxMessageSize,
        int instances,
        RestartPolicy restartPolicy,
        List<String> environment,
        List<String> wrapper) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** Default time a handler start and its post-start hook may take: 10 seconds. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

    /** Largest number of instances one driver may declare. */
    public static final int MAX_INSTANCES = 64;

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException naming the component that is wrong
     */
    public DriverDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(restartPolicy, "restartPolicy");
        environment = List.copyOf(environment);
        wrapper = List.copyOf(wrapper);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid driver name '" + name
                    + "': use 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit");
        }
        checkHandlerPath(handler);
        if (sha256.isPresent() && !SHA256.matcher(sha256.get()).matches()) {
            throw new IllegalArgumentException("invalid sha256 for driver '" + name + "': expected 64 hex digits");
        }
        sha256 = sha256.map(s -> s.toLowerCase(java.util.Locale.ROOT));
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout of driver '" + name + "' must be positive: " + callTimeout);
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout of driver '" + name + "' must be positive: " + startTimeout);
        }
        if (maxMessageSize <= 0) {
            throw new IllegalArgumentException("maxMessageSize of driver '" + name + "' must be positive: " + maxMessageSize);
        }
        if (instances < 1 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException("instances of driver '" + name + "' must be between 1 and "
                    + MAX_INSTANCES + ": " + instances);
        }
        for (String variable : environment) {
            if (!ENV_NAME.matcher(variable).matches()) {
                throw new IllegalArgumentException("invalid environment variable name '" + variable
                        + "' for driver '" + name + "'");
            }
        }
        for (String word : wrapper) {
            if (word.isEmpty() || word.contains("\0")) {
                throw new IllegalArgumentException("invalid wrapper word '" + word + "' for driver '" + name + "'");
            }
        }
        if (!wrapper.isEmpty() && !wrapper.get(0).startsWith("/")) {
            throw new IllegalArgumentException("wrapper of driver '" + name
                    + "' must start with an absolute path, not '" + wrapper.get(0) + "'");
        }
    }

    /**
     * @param name a candidate driver name
     * @return whether it is 1 to 64 of {@code [A-Za-z0-9._-]} starting with a letter or digit
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * A descriptor with default timeouts, size limit and one instance.
     *
     * @param name the driver name
     * @param handler path of the executable inside the bundle
     * @return the descriptor
     */
    public static DriverDescriptor of(String name, String handler) {
        return new DriverDescriptor(name, handler, Optional.empty(), UmdManager.DEFAULT_CALL_TIMEOUT,
                DEFAULT_START_TIMEOUT, UmdManager.DEFAULT_MAX_MESSAGE_SIZE, 1, RestartPolicy.DEFAULT,
                List.of(), List.of());
    }

    /**
     * @param hex the expected SHA-256, 64 hex digits
     * @return a copy with that digest
     */
    public DriverDescriptor withSha256(String hex) {
        return new DriverDescriptor(name, handler, Optional.of(hex), callTimeout, startTimeout, maxMessageSize, instances,
                restartPolicy, environment, wrapper);
    }

    /**
     * @param timeout the default per-call timeout
     * @return a copy with that timeout
     */
    public DriverDescriptor withCallTimeout(Duration timeout) {
        return new DriverDescriptor(name, handler, sha256, timeout, startTimeout, maxMessageSize, instances,
                restartPolicy, environment, wrapper);
    }

    /**
     * @param timeout the start timeout, post-start hook included
     * @return a copy with that timeout
     */
    public DriverDescriptor withStartTimeout(Duration timeout) {
        return new DriverDescriptor(name, handler, sha256, callTimeout, timeout, maxMessageSize, instances,
                restartPolicy, environment, wrapper);
    }

    /**
     * @param bytes the maximum payload size
     * @return a copy with that limit
     */
    public DriverDescriptor withMaxMessageSize(int bytes) {
        return new DriverDescriptor(name, handler, sha256, callTimeout, startTimeout, bytes, instances,
                restartPolicy, environment, wrapper);
    }

    /**
     * @param count the number of handler instances
     * @return a copy with that count
     */
    public DriverDescriptor withInstances(int count) {
        return new DriverDescriptor(name, handler, sha256, callTimeout, startTimeout, maxMessageSize, count,
                restartPolicy, environment, wrapper);
    }

    /**
     * @param policy the restart policy
     * @return a copy with that policy
     */
    public DriverDescriptor withRestartPolicy(RestartPolicy policy) {
        return new DriverDescriptor(name, handler, sha256, callTimeout, startTimeout, maxMessageSize, instances,
                policy, environment, wrapper);
    }

    /**
     * @param variables names of JVM environment variables to pass on
     * @return a copy with that allowlist
     */
    public DriverDescriptor withEnvironment(List<String> variables) {
        return new DriverDescriptor(name, handler, sha256, callTimeout, startTimeout, maxMessageSize, instances,
                restartPolicy, variables, wrapper);
    }

    /**
     * @param command the wrapper's argv, put before the handler's path
     * @return a copy with that wrapper
     */
    public DriverDescriptor withWrapper(List<String> command) {
        return new DriverDescriptor(name, handler, sha256, callTimeout, startTimeout, maxMessageSize, instances,
                restartPolicy, environment, command);
    }

    private static void checkHandlerPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new IllegalArgumentException("invalid handler path '" + path
                    + "': must be a relative path inside the bundle");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid handler path '" + path
                        + "': empty, '.' and '..' segments are not allowed");
            }
        }
    }
}
