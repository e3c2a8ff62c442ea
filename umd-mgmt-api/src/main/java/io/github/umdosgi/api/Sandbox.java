package io.github.umdosgi.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a driver's handlers are confined: the sandbox profile, the network, the
 * host paths a handler may read beyond the system directories, and the
 * resource limits of each handler process tree. Immutable; built with
 * {@link #builder()} or {@link #toBuilder()}.
 *
 * <p>The default ({@link #DEFAULT}) confines every handler: its own user,
 * mount, pid, ipc, uts, network and cgroup namespaces, no capabilities,
 * {@code no_new_privs}, an unprivileged uid, a seccomp filter and the limits
 * below. A driver loosens only what it needs; {@link Profile#NONE} turns the
 * sandbox off and is shown to operators wherever the driver is.
 */
public final class Sandbox {

    /** The confinement a handler runs under. */
    public enum Profile {
        /** Namespaces, read-only system files, no capabilities, the default seccomp filter, limits. */
        DEFAULT,
        /** As {@link #DEFAULT}, with a seccomp allowlist for handlers that only read, write and allocate. */
        STRICT,
        /** No sandbox: the handler runs as the JVM's user in the JVM's namespaces. */
        NONE;

        /** @return the lower-case name used in headers and configurations */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What network a sandboxed handler sees. */
    public enum Network {
        /** A network namespace of its own with only a loopback interface. */
        NONE,
        /** The host's network. */
        HOST;

        /** @return the lower-case name used in headers and configurations */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Default memory limit of a handler tree: 512 MiB. */
    public static final long DEFAULT_MEMORY = 512L << 20;
    /** Default limit of processes and threads of a handler tree: 128. */
    public static final int DEFAULT_PROCESSES = 128;
    /** Default CPU share: one core, in thousandths of a core. */
    public static final int DEFAULT_CPU_MILLIS = 1000;
    /** Default open files per process: 256. */
    public static final int DEFAULT_OPEN_FILES = 256;
    /** Default largest file a handler may write: 64 MiB. */
    public static final long DEFAULT_FILE_SIZE = 64L << 20;
    /** Default size of the scratch directory: 64 MiB. */
    public static final long DEFAULT_SCRATCH = 64L << 20;

    /** Smallest memory limit accepted: 8 MiB. */
    public static final long MIN_MEMORY = 8L << 20;

    /** The default sandbox. */
    public static final Sandbox DEFAULT = builder().build();

    private final Profile profile;
    private final Network network;
    private final List<String> readOnlyPaths;
    private final long memory;
    private final int processes;
    private final int cpuMillis;
    private final long cpuTimeSeconds;
    private final int openFiles;
    private final long fileSize;
    private final long scratch;

    private Sandbox(Builder b) {
        this.profile = Objects.requireNonNull(b.profile, "profile");
        this.network = Objects.requireNonNull(b.network, "network");
        this.readOnlyPaths = List.copyOf(b.readOnlyPaths);
        this.memory = b.memory;
        this.processes = b.processes;
        this.cpuMillis = b.cpuMillis;
        this.cpuTimeSeconds = b.cpuTimeSeconds;
        this.openFiles = b.openFiles;
        this.fileSize = b.fileSize;
        this.scratch = b.scratch;
        for (String path : readOnlyPaths) {
            checkPath(path);
        }
        check(memory >= MIN_MEMORY, "memory must be at least " + MIN_MEMORY + " bytes: " + memory);
        check(processes >= 1, "processes must be positive: " + processes);
        check(cpuMillis >= 0, "cpus must not be negative");
        check(cpuTimeSeconds >= 0, "cpu-time must not be negative: " + cpuTimeSeconds);
        check(openFiles >= 16, "open-files must be at least 16: " + openFiles);
        check(fileSize >= 1, "file-size must be positive: " + fileSize);
        check(scratch >= 4096, "scratch must be at least 4096 bytes: " + scratch);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void checkPath(String path) {
        check(path.startsWith("/") && !path.equals("/"), "read-only path '" + path + "' must be absolute and not /");
        check(!path.contains("\0") && !path.contains(","), "read-only path '" + path + "' contains NUL or a comma");
        for (String segment : path.substring(1).split("/", -1)) {
            check(!segment.isEmpty() && !segment.equals(".") && !segment.equals(".."),
                    "read-only path '" + path + "' must be normalized (no empty, '.' or '..' segments)");
        }
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this sandbox's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = profile;
        b.network = network;
        b.readOnlyPaths = new ArrayList<>(readOnlyPaths);
        b.memory = memory;
        b.processes = processes;
        b.cpuMillis = cpuMillis;
        b.cpuTimeSeconds = cpuTimeSeconds;
        b.openFiles = openFiles;
        b.fileSize = fileSize;
        b.scratch = scratch;
        return b;
    }

    /** @return the profile */
    public Profile profile() {
        return profile;
    }

    /** @return whether the handler runs confined at all (any profile but {@link Profile#NONE}) */
    public boolean confined() {
        return profile != Profile.NONE;
    }

    /** @return the network the handler sees */
    public Network network() {
        return network;
    }

    /** @return absolute host paths bound read-only at the same place in the sandbox */
    public List<String> readOnlyPaths() {
        return readOnlyPaths;
    }

    /** @return memory limit of the handler tree in bytes */
    public long memory() {
        return memory;
    }

    /** @return limit of processes and threads of the handler tree */
    public int processes() {
        return processes;
    }

    /** @return CPU share in thousandths of a core; 0 for no limit */
    public int cpuMillis() {
        return cpuMillis;
    }

    /** @return CPU seconds a handler process may use before it is killed; 0 for no limit */
    public long cpuTimeSeconds() {
        return cpuTimeSeconds;
    }

    /** @return open files per process */
    public int openFiles() {
        return openFiles;
    }

    /** @return largest file a handler may write, in bytes */
    public long fileSize() {
        return fileSize;
    }

    /** @return size of the writable scratch directory in bytes */
    public long scratch() {
        return scratch;
    }

    /** @return a one-line description for operators, e.g. {@code default, network none, memory 512 MiB, ...} */
    public String describe() {
        if (!confined()) {
            return "none (NOT SANDBOXED: the handler runs as the JVM's user in the JVM's namespaces)";
        }
        return profile.key() + ", network " + network.key()
                + ", memory " + bytes(memory) + ", processes " + processes
                + ", cpus " + (cpuMillis == 0 ? "unlimited" : String.format(Locale.ROOT, "%.2f", cpuMillis / 1000.0))
                + ", cpu-time " + (cpuTimeSeconds == 0 ? "unlimited" : cpuTimeSeconds + " s")
                + ", open-files " + openFiles + ", file-size " + bytes(fileSize) + ", scratch " + bytes(scratch)
                + (readOnlyPaths.isEmpty() ? "" : ", ro-paths " + String.join(":", readOnlyPaths));
    }

    /**
     * @param n a byte count
     * @return it in the largest binary unit that divides it, e.g. {@code 512 MiB}
     */
    public static String bytes(long n) {
        if (n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n % (1L << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " B";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sandbox s && profile == s.profile && network == s.network
                && readOnlyPaths.equals(s.readOnlyPaths) && memory == s.memory && processes == s.processes
                && cpuMillis == s.cpuMillis && cpuTimeSeconds == s.cpuTimeSeconds && openFiles == s.openFiles
                && fileSize == s.fileSize && scratch == s.scratch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, network, readOnlyPaths, memory, processes, cpuMillis, cpuTimeSeconds,
                openFiles, fileSize, scratch);
    }

    @Override
    public String toString() {
        return "Sandbox[" + describe() + "]";
    }

    /** Collects a sandbox's values; {@link #build()} validates them. Not thread safe. */
    public static final class Builder {
        private Profile profile = Profile.DEFAULT;
        private Network network = Network.NONE;
        private List<String> readOnlyPaths = new ArrayList<>();
        private long memory = DEFAULT_MEMORY;
        private int processes = DEFAULT_PROCESSES;
        private int cpuMillis = DEFAULT_CPU_MILLIS;
        private long cpuTimeSeconds;
        private int openFiles = DEFAULT_OPEN_FILES;
        private long fileSize = DEFAULT_FILE_SIZE;
        private long scratch = DEFAULT_SCRATCH;

        private Builder() {
        }

        /** @param value the profile @return this */
        public Builder profile(Profile value) {
            profile = value;
            return this;
        }

        /** @param value the network @return this */
        public Builder network(Network value) {
            network = value;
            return this;
        }

        /** @param paths absolute host paths to bind read-only @return this */
        public Builder readOnlyPaths(List<String> paths) {
            readOnlyPaths = new ArrayList<>(paths);
            return this;
        }

        /** @param bytes memory limit @return this */
        public Builder memory(long bytes) {
            memory = bytes;
            return this;
        }

        /** @param count process and thread limit @return this */
        public Builder processes(int count) {
            processes = count;
            return this;
        }

        /** @param thousandths CPU share in thousandths of a core, 0 for none @return this */
        public Builder cpuMillis(int thousandths) {
            cpuMillis = thousandths;
            return this;
        }

        /** @param seconds CPU seconds per process, 0 for none @return this */
        public Builder cpuTimeSeconds(long seconds) {
            cpuTimeSeconds = seconds;
            return this;
        }

        /** @param count open files per process @return this */
        public Builder openFiles(int count) {
            openFiles = count;
            return this;
        }

        /** @param bytes largest file @return this */
        public Builder fileSize(long bytes) {
            fileSize = bytes;
            return this;
        }

        /** @param bytes scratch directory size @return this */
        public Builder scratch(long bytes) {
            scratch = bytes;
            return this;
        }

        /**
         * @return the sandbox
         * @throws IllegalArgumentException a value is out of range, naming it
         */
        public Sandbox build() {
            return new Sandbox(this);
        }
    }
}
