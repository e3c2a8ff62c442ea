package io.github.umdosgi.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to run for a driver: the value form of the {@value UmdManager#DRIVER_HEADER}
 * header, also used for programmatic loading. Immutable; built with
 * {@link #builder(String, String)} or {@link #toBuilder()}, so that a new
 * setting never breaks a caller.
 *
 * <p>Settings: the driver name (1 to 64 characters of {@code [A-Za-z0-9._-]},
 * starting with a letter or digit); the handler's path inside the bundle
 * (relative, without {@code ..}); the expected SHA-256 of the handler
 * (checked at extraction and before every start); the default call timeout;
 * the start timeout (start plus post-start hook); the largest request and
 * reply payload (at most {@link #MAX_MESSAGE_LIMIT}); the number of handler
 * instances (1 to {@link #MAX_INSTANCES}); the restart policy; the JVM
 * environment variables passed on (an allowlist; none by default); a launch
 * wrapper put before the handler's path; and the {@link Sandbox}.
 *
 * <p>Since 2.1: a handler tree (a folder of the bundle extracted with the
 * handler, read-only in the sandbox, with one SHA-256 over all its files, see
 * {@link #tree()}), Java handlers (a class of the tree's jars run by the
 * framework's own JVM, see {@link #javaMain()}) and a reuse limit per handler
 * process ({@link #maxCalls()}).
 */
public final class DriverDescriptor {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** Default time a handler start and its post-start hook may take: 10 seconds. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

    /** Largest number of instances one driver may declare. */
    public static final int MAX_INSTANCES = 64;

    /** Largest maximum message size a driver may declare: 1 GiB. */
    public static final int MAX_MESSAGE_LIMIT = 1 << 30;

    private final String name;
    private final String handler;
    private final Optional<String> sha256;
    private final Duration callTimeout;
    private final Duration startTimeout;
    private final int maxMessageSize;
    private final int instances;
    private final RestartPolicy restartPolicy;
    private final List<String> environment;
    private final List<String> wrapper;
    private final Sandbox sandbox;
    private final Optional<String> tree;
    private final Optional<String> treeSha256;
    private final Optional<String> javaMain;
    private final List<String> jvmOptions;
    private final long maxCalls;

    private static final Pattern CLASS_NAME = Pattern.compile(
            "[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final Pattern JVM_OPTION = Pattern.compile("-(X|D)[^\\s\\x00]+");

    private DriverDescriptor(Builder b) {
        name = Objects.requireNonNull(b.name, "name");
        handler = Objects.requireNonNull(b.handler, "handler");
        callTimeout = Objects.requireNonNull(b.callTimeout, "callTimeout");
        startTimeout = Objects.requireNonNull(b.startTimeout, "startTimeout");
        restartPolicy = Objects.requireNonNull(b.restartPolicy, "restartPolicy");
        sandbox = Objects.requireNonNull(b.sandbox, "sandbox");
        environment = List.copyOf(b.environment);
        wrapper = List.copyOf(b.wrapper);
        maxMessageSize = b.maxMessageSize;
        instances = b.instances;
        tree = Optional.ofNullable(b.tree);
        javaMain = Optional.ofNullable(b.javaMain);
        jvmOptions = List.copyOf(b.jvmOptions);
        maxCalls = b.maxCalls;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid driver name '" + name
                    + "': use 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit");
        }
        checkHandlerPath(handler);
        if (b.sha256 != null && !SHA256.matcher(b.sha256).matches()) {
            throw new IllegalArgumentException("invalid sha256 for driver '" + name + "': expected 64 hex digits");
        }
        sha256 = Optional.ofNullable(b.sha256).map(s -> s.toLowerCase(java.util.Locale.ROOT));
        checkTree(name, handler, b);
        treeSha256 = Optional.ofNullable(b.treeSha256).map(s -> s.toLowerCase(java.util.Locale.ROOT));
        if (maxCalls < 0) {
            throw new IllegalArgumentException("maxCalls of driver '" + name + "' must be 0 (no limit) or positive: "
                    + maxCalls);
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout of driver '" + name + "' must be positive: " + callTimeout);
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout of driver '" + name + "' must be positive: " + startTimeout);
        }
        if (maxMessageSize <= 0 || maxMessageSize > MAX_MESSAGE_LIMIT) {
            throw new IllegalArgumentException("maxMessageSize of driver '" + name + "' must be between 1 and "
                    + MAX_MESSAGE_LIMIT + ": " + maxMessageSize);
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
     * A descriptor with default timeouts, size limit, one instance and the default sandbox.
     *
     * @param name the driver name
     * @param handler path of the executable inside the bundle
     * @return the descriptor
     * @throws IllegalArgumentException the name or path is invalid
     */
    public static DriverDescriptor of(String name, String handler) {
        return builder(name, handler).build();
    }

    /**
     * @param name the driver name
     * @param handler path of the executable inside the bundle
     * @return a builder holding the defaults
     */
    public static Builder builder(String name, String handler) {
        return new Builder(name, handler);
    }

    /** @return a builder holding this descriptor's values */
    public Builder toBuilder() {
        Builder b = new Builder(name, handler);
        b.sha256 = sha256.orElse(null);
        b.callTimeout = callTimeout;
        b.startTimeout = startTimeout;
        b.maxMessageSize = maxMessageSize;
        b.instances = instances;
        b.restartPolicy = restartPolicy;
        b.environment = environment;
        b.wrapper = wrapper;
        b.sandbox = sandbox;
        b.tree = tree.orElse(null);
        b.treeSha256 = treeSha256.orElse(null);
        b.javaMain = javaMain.orElse(null);
        b.jvmOptions = jvmOptions;
        b.maxCalls = maxCalls;
        return b;
    }

    /** @return the driver name */
    public String name() {
        return name;
    }

    /** @return path of the handler executable inside the bundle */
    public String handler() {
        return handler;
    }

    /** @return the expected SHA-256 of the handler, lower-case hex, if declared */
    public Optional<String> sha256() {
        return sha256;
    }

    /** @return the default per-call timeout */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** @return how long a start plus its post-start hook may take */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** @return the largest request and reply payload in bytes */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** @return the number of handler processes run side by side */
    public int instances() {
        return instances;
    }

    /** @return when to stop restarting a handler that keeps dying */
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /** @return names of JVM environment variables passed on to the handler */
    public List<String> environment() {
        return environment;
    }

    /** @return the launch wrapper's argv, put before the handler's path; empty by default */
    public List<String> wrapper() {
        return wrapper;
    }

    /** @return how the handlers are confined */
    public Sandbox sandbox() {
        return sandbox;
    }

    /**
     * @return the folder of the bundle extracted with the handler (relative, no {@code ..}), if any:
     *         every file under it, read-only, at {@code /umd/<folder>} in the sandbox; a handler inside
     *         it runs by its real path there, {@code /umd/<handler>}
     * @since 2.1
     */
    public Optional<String> tree() {
        return tree;
    }

    /**
     * @return the expected SHA-256 of the tree, lower-case hex, if declared: the SHA-256 of the lines
     *         {@code <sha256 of the file>  <path relative to the tree>\n} of every file, sorted by path
     *         (what {@code sha256sum} prints for the sorted file list, piped into {@code sha256sum})
     * @since 2.1
     */
    public Optional<String> treeSha256() {
        return treeSha256;
    }

    /**
     * @return the class whose {@code main} the framework's JVM runs as the handler, with every jar of
     *         the {@link #tree()} on its class path, if this is a Java handler; its {@link #handler()}
     *         is then the tree
     * @since 2.1
     */
    public Optional<String> javaMain() {
        return javaMain;
    }

    /** @return extra JVM options of a Java handler ({@code -X...} or {@code -D...}), after the defaults @since 2.1 */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * @return the calls one handler process serves before it is replaced by a fresh one (a planned
     *         restart, not counted by the restart policy), to shed leaks; 0 means no limit
     * @since 2.1
     */
    public long maxCalls() {
        return maxCalls;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriverDescriptor d && name.equals(d.name) && handler.equals(d.handler)
                && sha256.equals(d.sha256) && callTimeout.equals(d.callTimeout)
                && startTimeout.equals(d.startTimeout) && maxMessageSize == d.maxMessageSize
                && instances == d.instances && restartPolicy.equals(d.restartPolicy)
                && environment.equals(d.environment) && wrapper.equals(d.wrapper) && sandbox.equals(d.sandbox)
                && tree.equals(d.tree) && treeSha256.equals(d.treeSha256) && javaMain.equals(d.javaMain)
                && jvmOptions.equals(d.jvmOptions) && maxCalls == d.maxCalls;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, handler, sha256, callTimeout, startTimeout, maxMessageSize, instances,
                restartPolicy, environment, wrapper, sandbox, tree, treeSha256, javaMain, jvmOptions, maxCalls);
    }

    @Override
    public String toString() {
        return "DriverDescriptor[name=" + name + ", handler=" + handler + ", sha256=" + sha256.orElse("-")
                + ", callTimeout=" + callTimeout + ", startTimeout=" + startTimeout + ", maxMessageSize="
                + maxMessageSize + ", instances=" + instances + ", restartPolicy=" + restartPolicy
                + ", environment=" + environment + ", wrapper=" + wrapper + ", sandbox=" + sandbox.describe()
                + ", tree=" + tree.orElse("-") + ", treeSha256=" + treeSha256.orElse("-") + ", java="
                + javaMain.orElse("-") + ", jvmOptions=" + jvmOptions + ", maxCalls=" + maxCalls + "]";
    }

    /** Collects a descriptor's values; {@link #build()} validates them. Not thread safe. */
    public static final class Builder {
        private final String name;
        private final String handler;
        private String sha256;
        private Duration callTimeout = UmdManager.DEFAULT_CALL_TIMEOUT;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private int maxMessageSize = UmdManager.DEFAULT_MAX_MESSAGE_SIZE;
        private int instances = 1;
        private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;
        private List<String> environment = List.of();
        private List<String> wrapper = List.of();
        private Sandbox sandbox = Sandbox.DEFAULT;
        private String tree;
        private String treeSha256;
        private String javaMain;
        private List<String> jvmOptions = List.of();
        private long maxCalls;

        private Builder(String name, String handler) {
            this.name = name;
            this.handler = handler;
        }

        /** @param hex the expected SHA-256, 64 hex digits @return this */
        public Builder sha256(String hex) {
            sha256 = hex;
            return this;
        }

        /** @param timeout the default per-call timeout @return this */
        public Builder callTimeout(Duration timeout) {
            callTimeout = timeout;
            return this;
        }

        /** @param timeout the start timeout, post-start hook included @return this */
        public Builder startTimeout(Duration timeout) {
            startTimeout = timeout;
            return this;
        }

        /** @param bytes the maximum payload size @return this */
        public Builder maxMessageSize(int bytes) {
            maxMessageSize = bytes;
            return this;
        }

        /** @param count the number of handler instances @return this */
        public Builder instances(int count) {
            instances = count;
            return this;
        }

        /** @param policy the restart policy @return this */
        public Builder restartPolicy(RestartPolicy policy) {
            restartPolicy = policy;
            return this;
        }

        /** @param variables names of JVM environment variables to pass on @return this */
        public Builder environment(List<String> variables) {
            environment = variables;
            return this;
        }

        /** @param command the wrapper's argv, put before the handler's path @return this */
        public Builder wrapper(List<String> command) {
            wrapper = command;
            return this;
        }

        /** @param value how the handlers are confined @return this */
        public Builder sandbox(Sandbox value) {
            sandbox = value;
            return this;
        }

        /**
         * @param folder a folder of the bundle extracted with the handler, or null for none
         * @return this
         * @since 2.1
         */
        public Builder tree(String folder) {
            tree = folder;
            return this;
        }

        /**
         * @param hex the expected SHA-256 of the tree (see {@link DriverDescriptor#treeSha256()}), 64 hex digits
         * @return this
         * @since 2.1
         */
        public Builder treeSha256(String hex) {
            treeSha256 = hex;
            return this;
        }

        /**
         * Makes this a Java handler: needs a {@link #tree(String)} holding the jars of its class path.
         *
         * @param className the class whose {@code main} runs, or null for a native or script handler
         * @return this
         * @since 2.1
         */
        public Builder javaMain(String className) {
            javaMain = className;
            return this;
        }

        /** @param options extra JVM options, each {@code -X...} or {@code -D...} @return this @since 2.1 */
        public Builder jvmOptions(List<String> options) {
            jvmOptions = options;
            return this;
        }

        /** @param calls calls per handler process before it is replaced, 0 for no limit @return this @since 2.1 */
        public Builder maxCalls(long calls) {
            maxCalls = calls;
            return this;
        }

        /**
         * @return the descriptor
         * @throws IllegalArgumentException a value is invalid, naming it
         */
        public DriverDescriptor build() {
            return new DriverDescriptor(this);
        }
    }

    /**
     * A Java handler's settings: its class path is every jar of {@code tree}, which is also its
     * {@link #handler()}.
     *
     * @param name the driver name
     * @param tree the folder of the bundle holding the handler's jars
     * @param mainClass the class whose {@code main} runs
     * @return a builder holding the defaults
     * @since 2.1
     */
    public static Builder javaBuilder(String name, String tree, String mainClass) {
        return new Builder(name, tree).tree(tree).javaMain(mainClass);
    }

    private static void checkTree(String name, String handler, Builder b) {
        if (b.tree != null) {
            checkPath("tree", b.tree);
        }
        if (b.treeSha256 != null && !SHA256.matcher(b.treeSha256).matches()) {
            throw new IllegalArgumentException("invalid tree-sha256 for driver '" + name + "': expected 64 hex digits");
        }
        if (b.treeSha256 != null && b.tree == null) {
            throw new IllegalArgumentException("driver '" + name + "' declares a tree digest but no tree");
        }
        if (b.javaMain != null) {
            if (!CLASS_NAME.matcher(b.javaMain).matches()) {
                throw new IllegalArgumentException("driver '" + name + "': java '" + b.javaMain
                        + "' is not a class name");
            }
            if (b.tree == null || !b.tree.equals(handler)) {
                throw new IllegalArgumentException("driver '" + name
                        + "': a Java handler needs a tree holding its jars, and that tree as its handler");
            }
        } else if (!b.jvmOptions.isEmpty()) {
            throw new IllegalArgumentException("driver '" + name + "': jvm-options are only for a Java handler");
        }
        for (String option : b.jvmOptions) {
            if (!JVM_OPTION.matcher(option).matches()) {
                throw new IllegalArgumentException("driver '" + name + "': JVM option '" + option
                        + "' is neither -X... nor -D...");
            }
        }
    }

    private static void checkHandlerPath(String path) {
        checkPath("handler", path);
    }

    private static void checkPath(String what, String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new IllegalArgumentException("invalid " + what + " path '" + path
                    + "': must be a relative path inside the bundle");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid " + what + " path '" + path
                        + "': empty, '.' and '..' segments are not allowed");
            }
        }
    }
}
