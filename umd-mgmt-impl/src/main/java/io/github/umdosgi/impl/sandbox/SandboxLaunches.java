package io.github.umdosgi.impl.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.process.Confinement;
import io.github.umdosgi.impl.process.HandlerEnvironment;
import io.github.umdosgi.impl.process.Launch;

/**
 * Turns a driver's {@link Sandbox} into a {@link Launch}: the launch shim's
 * options (the checked handler and the seccomp program as open files, the
 * cgroups to join, the rlimits, the uid to drop to) and the bubblewrap
 * command line in front of the handler. The policy is data: this class
 * builds argument lists and forks nothing (bubblewrap's own design), so the
 * exact command line can be tested and shown apart from the code that runs it.
 *
 * <p>Inside the sandbox the handler sees: the system directories read-only
 * ({@code /usr} and the links or folders {@code /bin}, {@code /lib*},
 * {@code /sbin}, plus the few files of {@code /etc} that the dynamic loader,
 * Python and a JVM read), its own file read-only at
 * {@code /umd/<file name>} (a copy of the checked file), a size-bounded tmpfs at {@code /tmp} (its working
 * directory, {@code HOME} and {@code TMPDIR}), its own {@code /proc}, a
 * {@code /dev} with null, zero, full, random and urandom only, and any
 * read-only paths the driver asks for. Nothing else of the host.
 *
 * <p>Thread safe: immutable apart from the cgroups, which are thread safe.
 */
public final class SandboxLaunches {

    /** Descriptor numbers the shim opens for bubblewrap. */
    static final int HANDLER_FD = 3;
    static final int SECCOMP_FD = 4;

    /** Where the handler's file is inside the sandbox. */
    static final String HANDLER_DIR = "/umd";
    /** The scratch directory inside the sandbox. */
    static final String SCRATCH = "/tmp";
    /** Where a Java handler's archive folder is bound, writable, for its dump. */
    static final String ARCHIVE_DIR = "/cds";

    private static final List<String> ETC = List.of("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
            "/etc/alternatives", "/etc/localtime", "/etc/java-17-openjdk", "/etc/java-21-openjdk",
            "/etc/java-25-openjdk", "/etc/python3", "/etc/python3.11");
    private static final List<String> HOST_NETWORK_ETC = List.of("/etc/resolv.conf", "/etc/hosts",
            "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf", "/etc/ssl", "/etc/ca-certificates");
    private static final List<String> TOP_LEVEL = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom");

    private final SandboxHost host;
    private final Cgroups cgroups;
    private final boolean throughShim;

    /**
     * @param host what the host offers
     * @param cgroups the manager's cgroups
     * @param throughShim whether handlers start through the launch shim
     */
    public SandboxLaunches(SandboxHost host, Cgroups cgroups, boolean throughShim) {
        this.host = host;
        this.cgroups = cgroups;
        this.throughShim = throughShim;
    }

    /**
     * @param throughShim whether handlers start through the launch shim
     * @return launches for a manager that did not probe its host: confined drivers fail, saying so
     */
    public static SandboxLaunches unavailable(boolean throughShim) {
        return new SandboxLaunches(new SandboxHost(SandboxHost.DEFAULT_BWRAP, Map.of(), java.util.Optional.empty(),
                "the host was not probed for a sandbox; to run a driver without one, set sandbox=none"),
                Cgroups.none(), throughShim);
    }

    /** @return why confined handlers cannot run on this host, or null when they can */
    public String unavailableReason() {
        return host.unavailable();
    }

    /** @return the cgroup controllers that limit handler trees here */
    public java.util.Set<String> cgroupControllers() {
        return cgroups.controllers();
    }

    /**
     * @param driver the driver name
     * @param instance the instance index
     * @param descriptor the effective settings
     * @param blob the extracted handler
     * @param identity the handler file's identity as just checked, or empty
     * @return the launch
     * @throws SandboxUnavailableException the driver is confined and this host cannot sandbox
     * @throws IOException the cgroups or the seccomp program could not be prepared
     */
    public Launch plan(String driver, int instance, DriverDescriptor descriptor, HandlerBlob blob, String identity)
            throws IOException {
        Sandbox sandbox = descriptor.sandbox();
        if (!sandbox.confined()) {
            return unconfined(driver, instance, descriptor, blob, identity);
        }
        if (host.unavailable() != null) {
            throw new SandboxUnavailableException(host.unavailable());
        }
        Path seccomp = host.program(sandbox.profile());
        List<String> binds = handlerBinds(blob);
        HandlerCgroup cgroup = cgroups.create(driver + "." + instance, sandbox);
        try {
            List<String> options = confinedOptions(blob, identity, seccomp, sandbox, cgroup,
                    processName(driver, Integer.toString(instance)));
            String inside = blob.sandboxPath().orElse(HANDLER_DIR + "/" + blob.executable().getFileName());
            List<String> command = new ArrayList<>(bubblewrap(sandbox, inside, binds));
            if (!cgroup.limitsProcesses() && sandbox.profile() != Sandbox.Profile.STRICT) {
                // Without a pids cgroup the limit is set inside the sandbox's own user namespace, where it
                // counts only this tree (set outside, it would count every process of the JVM's user).
                // The strict profile needs none: its seccomp allowlist has no fork.
                command.addAll(List.of("/usr/bin/prlimit", "--nproc=" + sandbox.processes(), "--"));
            }
            command.addAll(descriptor.wrapper());
            command.add(inside);
            command.addAll(blob.command().arguments(sandbox, true));
            Map<String, String> environment = HandlerEnvironment.of(driver, instance, Path.of(SCRATCH),
                    descriptor.environment());
            return new Launch(options, command, blob.directory(), environment, cgroup);
        } catch (RuntimeException e) {
            cgroup.release();
            throw e;
        }
    }

    /**
     * A Java handler's class-data-sharing dump, in the same sandbox as its handler: the JVM parses
     * the bundle's class files, so it gets no more than the handler would. The archive folder is
     * the one writable bind, at {@value #ARCHIVE_DIR}, and the working directory, so that the class
     * path {@code ../umd/<folder>/<jar>} names the same files as the handler's from {@code /tmp}.
     *
     * @param driver the driver name
     * @param descriptor the effective settings (a confined Java driver)
     * @param blob the extracted handler
     * @param archiveDir the driver's archive folder, given to the sandbox uid
     * @param java the dump's command: the JVM, then its arguments
     * @return the launch
     * @throws IOException the cgroups, the folder or the seccomp program could not be prepared
     */
    public Launch planArchiveDump(String driver, DriverDescriptor descriptor, HandlerBlob blob, Path archiveDir,
            List<String> java) throws IOException {
        Sandbox sandbox = descriptor.sandbox();
        if (host.unavailable() != null) {
            throw new SandboxUnavailableException(host.unavailable());
        }
        Path seccomp = host.program(sandbox.profile());
        List<String> binds = new ArrayList<>(handlerBinds(blob));
        if (host.dropTo().isPresent()) {
            Files.setAttribute(archiveDir, "unix:uid", host.dropTo().get(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(archiveDir, "unix:gid", host.dropTo().get(), LinkOption.NOFOLLOW_LINKS);
        }
        binds.addAll(List.of("--bind", archiveDir.toString(), ARCHIVE_DIR));
        HandlerCgroup cgroup = cgroups.create(driver + ".cds", sandbox);
        try {
            List<String> options = confinedOptions(blob, "", seccomp, sandbox, cgroup, processName(driver, "cds"));
            String inside = HANDLER_DIR + "/" + blob.executable().getFileName();
            List<String> command = new ArrayList<>(bubblewrap(sandbox, inside, binds, ARCHIVE_DIR));
            command.addAll(java);
            return new Launch(options, command, archiveDir, Map.of("PATH", "/usr/bin:/bin"), cgroup);
        } catch (RuntimeException e) {
            cgroup.release();
            throw e;
        }
    }

    /** The shim's options for a confined tree: the checked files, its cgroups and limits, its uid. */
    private List<String> confinedOptions(HandlerBlob blob, String identity, Path seccomp, Sandbox sandbox,
            HandlerCgroup cgroup, String name) {
        List<String> options = new ArrayList<>(fileOptions(blob, identity));
        options.addAll(List.of("--fd", SECCOMP_FD + "=" + seccomp));
        for (Path folder : cgroup.folders()) {
            options.addAll(List.of("--cgroup", folder.toString()));
        }
        options.addAll(rlimits(sandbox, cgroup));
        host.dropTo().ifPresent(id -> options.addAll(List.of("--user", id + ":" + id)));
        if (host.dropTo().isPresent()) {
            // A root JVM can give the tree a pid namespace of its own, watched from outside: the
            // kernel then kills it whole, even if the JVM dies while bubblewrap builds the sandbox.
            options.addAll(List.of("--pid-namespace", "--name", name));
        }
        options.add("--no-new-privs");
        return options;
    }

    /**
     * The handler as the JVM's user, in the JVM's namespaces; still its file as checked, and in a
     * cgroup of its own where one can be had, so that its whole tree can be killed at once.
     */
    private Launch unconfined(String driver, int instance, DriverDescriptor descriptor, HandlerBlob blob,
            String identity) throws IOException {
        Map<String, String> environment = HandlerEnvironment.of(driver, instance, blob.directory(),
                descriptor.environment());
        List<String> command = new ArrayList<>(descriptor.wrapper());
        if (!throughShim) {
            command.add(blob.executable().toString());
            return Launch.plain(command, blob.directory(), environment);
        }
        List<String> options = new ArrayList<>(fileOptions(blob, identity));
        Optional<HandlerCgroup> group = cgroups.createKillGroup(driver + "." + instance);
        group.ifPresent(g -> g.folders().forEach(f -> options.addAll(List.of("--cgroup", f.toString()))));
        if (!blob.runsFromDescriptor()) {
            // A script of a handler tree runs by its real path, so that it finds its siblings.
            command.add(blob.executable().toString());
        } else if (descriptor.wrapper().isEmpty()) {
            // Run the opened file itself, the handler's path as its argv[0].
            options.addAll(List.of("--exec-fd", Integer.toString(HANDLER_FD)));
            command.add(blob.executable().toString());
        } else {
            command.add("/proc/self/fd/" + HANDLER_FD);
        }
        command.addAll(blob.command().arguments(descriptor.sandbox(), false));
        return new Launch(options, command, blob.directory(), environment,
                group.<Confinement>map(g -> g).orElse(Confinement.NONE));
    }

    /** What ps shows for the process the manager holds, as the kernel names a driver's process after it. */
    static String processName(String driver, String instance) {
        return "umd:" + driver + "#" + instance;
    }

    /** The handler opened by the shim, checked to be the file the manager hashed. */
    private static List<String> fileOptions(HandlerBlob blob, String identity) {
        List<String> options = new ArrayList<>(List.of("--fd", HANDLER_FD + "=" + blob.executable()));
        if (!identity.isEmpty()) {
            options.addAll(List.of("--identity", HANDLER_FD + "=" + identity));
        }
        return options;
    }

    private static List<String> rlimits(Sandbox sandbox, HandlerCgroup cgroup) {
        List<String> options = new ArrayList<>(List.of("--rlimit", "nofile=" + sandbox.openFiles(),
                "--rlimit", "fsize=" + sandbox.fileSize()));
        if (sandbox.cpuTimeSeconds() > 0) {
            options.addAll(List.of("--rlimit", "cpu=" + sandbox.cpuTimeSeconds()));
        }
        if (!cgroup.limitsMemory()) {
            // No memory cgroup: bound each process's data instead (the tree as a whole is then unbounded).
            options.addAll(List.of("--rlimit", "data=" + sandbox.memory()));
        }
        return options;
    }

    /**
     * The read-only binds a handler tree and a Java handler need: the tree at {@code /umd/<folder>},
     * and what the handler's command names. Under a root JVM, bubblewrap runs as the sandbox uid
     * and resolves each source on the host, so the private directories on the way to the tree are
     * opened to the sandbox's group for traversal only (0710).
     */
    List<String> handlerBinds(HandlerBlob blob) throws IOException {
        List<String> binds = new ArrayList<>();
        if (blob.tree().isPresent()) {
            io.github.umdosgi.impl.blob.HandlerTree tree = blob.tree().get();
            if (host.dropTo().isPresent()) {
                io.github.umdosgi.impl.blob.DriverDirectories.openForTraversal(blob.directory().getParent(),
                        tree.root().getParent(), host.dropTo().get());
            }
            binds.addAll(List.of("--ro-bind", tree.root().toString(), HANDLER_DIR + "/" + tree.folder()));
        }
        List<String> pairs = blob.command().readOnlyBinds();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            Path source = Path.of(pairs.get(i));
            if (host.dropTo().isPresent() && source.startsWith(blob.directory())) {
                io.github.umdosgi.impl.blob.DriverDirectories.openForTraversal(blob.directory().getParent(),
                        source.getParent(), host.dropTo().get());
            }
            binds.addAll(List.of("--ro-bind", pairs.get(i), pairs.get(i + 1)));
        }
        return binds;
    }

    /** The bubblewrap command line up to the handler's own words. */
    List<String> bubblewrap(Sandbox sandbox, String inside) {
        return bubblewrap(sandbox, inside, List.of());
    }

    /** The bubblewrap command line up to the handler's own words, with extra binds before the handler's. */
    List<String> bubblewrap(Sandbox sandbox, String inside, List<String> handlerBinds) {
        return bubblewrap(sandbox, inside, handlerBinds, SCRATCH);
    }

    /** As {@link #bubblewrap(Sandbox, String, List)}, starting in {@code workDir}. */
    private List<String> bubblewrap(Sandbox sandbox, String inside, List<String> handlerBinds, String workDir) {
        List<String> b = new ArrayList<>(List.of(host.bwrap().toString(),
                "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup"));
        if (sandbox.network() == Sandbox.Network.NONE) {
            b.add("--unshare-net");
        }
        b.addAll(List.of("--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--hostname", "umd"));
        b.addAll(systemMounts());
        if (sandbox.network() == Sandbox.Network.HOST) {
            for (String path : HOST_NETWORK_ETC) {
                b.addAll(List.of("--ro-bind-try", path, path));
            }
        }
        b.addAll(List.of("--proc", "/proc", "--tmpfs", "/dev"));
        for (String device : DEVICES) {
            b.addAll(List.of("--dev-bind", "/dev/" + device, "/dev/" + device));
        }
        b.addAll(List.of("--symlink", "/proc/self/fd", "/dev/fd", "--symlink", "/proc/self/fd/0", "/dev/stdin",
                "--symlink", "/proc/self/fd/1", "/dev/stdout", "--symlink", "/proc/self/fd/2", "/dev/stderr"));
        b.addAll(List.of("--size", Long.toString(sandbox.scratch()), "--tmpfs", SCRATCH));
        for (String path : sandbox.readOnlyPaths()) {
            b.addAll(List.of("--ro-bind", path, path));
        }
        b.addAll(handlerBinds);
        // A copy read from the descriptor the shim checked: bubblewrap resolves a bound path on the host,
        // which the sandbox uid may not traverse (the private directory is 0700), and a copy cannot be
        // changed from outside while it runs.
        b.addAll(List.of("--perms", "0555", "--ro-bind-data", Integer.toString(HANDLER_FD), inside,
                "--seccomp", Integer.toString(SECCOMP_FD), "--chdir", workDir, "--remount-ro", "/", "--"));
        return b;
    }

    /** The read-only system directories, shaped as on the host (merged /usr or not). */
    static List<String> systemMounts() {
        List<String> mounts = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : TOP_LEVEL) {
            Path path = Path.of(top);
            try {
                if (Files.isSymbolicLink(path)) {
                    mounts.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), top));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    mounts.addAll(List.of("--ro-bind", top, top));
                }
            } catch (IOException e) {
                // Unreadable: left out, as a missing one is.
            }
        }
        for (String path : ETC) {
            mounts.addAll(List.of("--ro-bind-try", path, path));
        }
        return mounts;
    }
}
