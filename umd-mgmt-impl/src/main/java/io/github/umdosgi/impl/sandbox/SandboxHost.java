package io.github.umdosgi.impl.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.IntegrityException;
import io.github.umdosgi.impl.blob.Sha256;

/**
 * What this host offers for sandboxing, found once when the manager starts:
 * the bubblewrap binary, the seccomp programs built for this architecture
 * (shipped in the manager bundle as {@code native/<arch>/seccomp/*.bpf}),
 * the uid handlers drop to when the JVM runs as root, and whether a real
 * sandbox could be made here. When it cannot, {@link #unavailable()} says
 * why and how to opt out, and every confined driver fails with that reason:
 * the sandbox fails closed.
 *
 * <p>Immutable.
 */
public final class SandboxHost {

    /** Framework property: the bubblewrap binary. */
    public static final String BWRAP_PROPERTY = "io.github.umdosgi.sandbox.bwrap";
    /** Framework property: the uid and gid handlers run as when the JVM runs as root. */
    public static final String UID_PROPERTY = "io.github.umdosgi.sandbox.uid";
    /** Default bubblewrap binary. */
    public static final Path DEFAULT_BWRAP = Path.of("/usr/bin/bwrap");
    /** Default sandbox uid and gid when the JVM runs as root: an id no account uses. */
    public static final int DEFAULT_UID = 65500;

    private final Path bwrap;
    private final Map<Sandbox.Profile, Program> programs;
    private final Optional<Integer> dropTo;
    private final String unavailable;

    /** A seccomp program file and the digest it had when installed, checked before each use. */
    record Program(Path file, String sha256) {
        Path verified() throws IntegrityException {
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Sha256.of(file).equals(sha256)) {
                    throw new IntegrityException("seccomp program " + file + " was modified after installation");
                }
            } catch (IOException e) {
                throw new IntegrityException("seccomp program " + file + " cannot be read: " + e.getMessage());
            }
            return file;
        }
    }

    SandboxHost(Path bwrap, Map<Sandbox.Profile, Program> programs, Optional<Integer> dropTo, String unavailable) {
        this.bwrap = bwrap;
        this.programs = Map.copyOf(programs);
        this.dropTo = dropTo;
        this.unavailable = unavailable;
    }

    /**
     * Installs the seccomp programs of the manager bundle and checks, by building one real
     * sandbox, that bubblewrap works here.
     *
     * @param bundle the manager bundle
     * @param directory the manager's private directory for them (created owner-only)
     * @param shim the installed launch shim, or empty
     * @param bwrap the bubblewrap binary
     * @param uid the sandbox uid and gid used when the JVM runs as root
     * @return the host's facts
     */
    public static SandboxHost probe(Bundle bundle, Path directory, Optional<Path> shim, Path bwrap, int uid) {
        Optional<Integer> dropTo = runningAsRoot() ? Optional.of(uid) : Optional.empty();
        Map<Sandbox.Profile, Program> programs = new EnumMap<>(Sandbox.Profile.class);
        String reason;
        try {
            reason = shim.isEmpty() ? "the manager's launch shim was not built for this machine ("
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ")"
                    : !Files.isExecutable(bwrap) ? "bubblewrap is not installed at " + bwrap
                            + " (Debian: apt-get install bubblewrap; or set " + BWRAP_PROPERTY + ")"
                    : install(bundle, directory, programs);
            if (reason == null) {
                reason = tryOnce(shim.get(), bwrap, dropTo);
            }
        } catch (IOException | RuntimeException e) {
            reason = "the sandbox could not be prepared: " + e.getMessage();
        }
        String unavailable = reason == null ? null
                : reason + "; to run a driver without a sandbox anyway, set sandbox=none in its header or configuration";
        return new SandboxHost(bwrap, programs, dropTo, unavailable);
    }

    /** @return why confined handlers cannot run here, or null when they can */
    public String unavailable() {
        return unavailable;
    }

    /** @return the bubblewrap binary */
    Path bwrap() {
        return bwrap;
    }

    /** @return the uid and gid to drop to (the JVM runs as root), or empty */
    Optional<Integer> dropTo() {
        return dropTo;
    }

    /**
     * @param profile a confining profile
     * @return its seccomp program, just checked against its digest
     * @throws IntegrityException the program was changed
     */
    Path program(Sandbox.Profile profile) throws IntegrityException {
        Program program = programs.get(profile);
        if (program == null) {
            throw new IntegrityException("no seccomp program for profile " + profile.key());
        }
        return program.verified();
    }

    private static String install(Bundle bundle, Path directory, Map<Sandbox.Profile, Program> programs)
            throws IOException {
        String arch = io.github.umdosgi.impl.process.LaunchShim.architecture();
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (Sandbox.Profile profile : List.of(Sandbox.Profile.DEFAULT, Sandbox.Profile.STRICT)) {
            String entry = "native/" + arch + "/seccomp/" + profile.key() + ".bpf";
            URL source = bundle.getEntry(entry);
            if (source == null) {
                return "the manager bundle has no seccomp program for " + arch + " (" + entry + ")";
            }
            byte[] bytes;
            try (InputStream in = source.openStream()) {
                bytes = in.readAllBytes();
            }
            Path file = directory.resolve(profile.key() + ".bpf");
            Files.deleteIfExists(file);
            Files.write(file, bytes);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
            programs.put(profile, new Program(file, Sha256.of(file)));
        }
        return null;
    }

    /** Builds one real, minimal sandbox through the shim: the one proof that namespaces work here. */
    private static String tryOnce(Path shim, Path bwrap, Optional<Integer> dropTo) throws IOException {
        List<String> command = new ArrayList<>(List.of(shim.toString()));
        dropTo.ifPresent(id -> command.addAll(List.of("--user", id + ":" + id, "--pid-namespace")));
        command.addAll(List.of("--no-new-privs", Long.toString(ProcessHandle.current().pid()), bwrap.toString(),
                "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net",
                "--unshare-cgroup", "--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        command.addAll(SandboxLaunches.systemMounts());
        command.addAll(List.of("--proc", "/proc", "--", "/bin/sh", "-c", "exit 0"));
        Process probe = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return "bubblewrap did not build a test sandbox within 10 s";
            }
        } catch (InterruptedException e) {
            probe.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted while trying the sandbox";
        }
        if (probe.exitValue() == 0) {
            return null;
        }
        String stderr = new String(probe.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
        String last = stderr.lines().reduce((a, b) -> b).orElse("").replaceAll("\\p{Cntrl}", "?");
        return "bubblewrap cannot build a sandbox here (exit " + probe.exitValue() + ": "
                + (last.length() > 300 ? last.substring(0, 300) : last) + ")";
    }

    /** Whether the JVM's real uid is 0, from /proc (no JDK-internal API). */
    private static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: assume not root, so nothing tries to change uid.
        }
        return false;
    }
}
