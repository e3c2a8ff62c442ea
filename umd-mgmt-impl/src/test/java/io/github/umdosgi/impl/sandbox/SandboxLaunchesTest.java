package io.github.umdosgi.impl.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.blob.IntegrityException;
import io.github.umdosgi.impl.blob.Sha256;
import io.github.umdosgi.impl.process.Confinement;
import io.github.umdosgi.impl.process.Launch;

/** The policy as data: the shim options and bubblewrap command line each setting gives. */
class SandboxLaunchesTest {

    @TempDir
    Path dir;

    private HandlerBlob blob;
    private Map<Sandbox.Profile, SandboxHost.Program> programs;

    @BeforeEach
    void setUp() throws IOException {
        Path source = dir.resolve("source");
        Files.writeString(source, "#!/bin/sh\nexec cat\n");
        Path home = Files.createDirectory(dir.resolve("driver"));
        blob = HandlerBlob.extract(source.toUri().toURL(), "bin/h", Optional.empty(), home, "echo");
        programs = Map.of(Sandbox.Profile.DEFAULT, program("default.bpf"), Sandbox.Profile.STRICT, program("strict.bpf"));
    }

    private SandboxHost.Program program(String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, new byte[] {1, 2, 3, (byte) name.length()});
        return new SandboxHost.Program(file, Sha256.of(file));
    }

    private SandboxLaunches launches(Optional<Integer> dropTo, String unavailable) {
        return new SandboxLaunches(new SandboxHost(Path.of("/usr/bin/bwrap"), programs, dropTo, unavailable),
                Cgroups.none(), true);
    }

    private Launch plan(Sandbox sandbox) throws IOException {
        return launches(Optional.of(65500), null).plan("echo", 0,
                DriverDescriptor.builder("echo", "bin/h").sandbox(sandbox).build(), blob, "1:2:3:4");
    }

    @Test
    void aJavaHandlersArchiveDumpRunsInItsSandboxWithTheArchiveFolderItsOnlyWritableBind() throws IOException {
        Path archive = Files.createDirectory(dir.resolve("driver").resolve("cds"));
        DriverDescriptor descriptor = DriverDescriptor.builder("echo", "bin/h").build();
        List<String> java = List.of("/usr/lib/jvm/x/bin/java", "-Xshare:dump", "-XX:SharedArchiveFile=handler.jsa.part");
        Launch launch = launches(Optional.empty(), null).planArchiveDump("echo", descriptor, blob, archive, java);

        List<String> c = launch.command();
        assertEquals("/usr/bin/bwrap", c.get(0));
        assertTrue(c.containsAll(List.of("--unshare-user", "--unshare-pid", "--unshare-net", "--disable-userns")), c.toString());
        assertTrue(Collections.indexOfSubList(c, List.of("--seccomp", "4")) >= 0, c.toString());
        assertTrue(Collections.indexOfSubList(c, List.of("--bind", archive.toString(), "/cds")) >= 0, c.toString());
        assertEquals(1, Collections.frequency(c, "--bind"), "one writable bind");
        assertTrue(Collections.indexOfSubList(c, List.of("--chdir", "/cds", "--remount-ro", "/", "--")) >= 0, c.toString());
        assertEquals(java, c.subList(c.size() - java.size(), c.size()));
        assertTrue(launch.shimOptions().contains("4=" + dir.resolve("default.bpf")), launch.shimOptions().toString());

        assertThrows(SandboxUnavailableException.class, () -> launches(Optional.empty(), "no bubblewrap here")
                .planArchiveDump("echo", descriptor, blob, archive, java));
    }

    @Test
    void theDefaultConfinesEveryNamespaceAndRunsTheCheckedCopy() throws IOException {
        Launch launch = plan(Sandbox.DEFAULT);
        List<String> o = launch.shimOptions();
        assertTrue(o.containsAll(List.of("--fd", "3=" + blob.executable(), "--identity", "3=1:2:3:4")), o.toString());
        assertTrue(o.contains("4=" + dir.resolve("default.bpf")), o.toString());
        assertTrue(Collections.indexOfSubList(o, List.of("--user", "65500:65500")) >= 0, o.toString());
        assertTrue(o.contains("--no-new-privs") && o.contains("nofile=256") && o.contains("fsize=" + (64 << 20)));
        // No memory cgroup here: each process's data is bounded instead.
        assertTrue(o.contains("data=" + (512L << 20)), o.toString());

        List<String> c = launch.command();
        assertEquals("/usr/bin/bwrap", c.get(0));
        for (String flag : List.of("--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup", "--unshare-net", "--disable-userns", "--die-with-parent", "--new-session")) {
            assertTrue(c.contains(flag), flag + " in " + c);
        }
        assertTrue(Collections.indexOfSubList(c, List.of("--cap-drop", "ALL")) >= 0);
        assertTrue(Collections.indexOfSubList(c, List.of("--ro-bind", "/usr", "/usr")) >= 0);
        assertTrue(Collections.indexOfSubList(c, List.of("--size", Long.toString(64L << 20), "--tmpfs", "/tmp")) >= 0);
        assertTrue(Collections.indexOfSubList(c, List.of("--ro-bind-data", "3", "/umd/echo")) >= 0, c.toString());
        assertTrue(Collections.indexOfSubList(c, List.of("--seccomp", "4")) >= 0);
        assertFalse(c.contains("/dev/tty") || c.contains("--dev"), "no tty and no full /dev: " + c);
        // Without a pids cgroup the process limit is set inside the sandbox's own user namespace.
        assertEquals(List.of("--", "/usr/bin/prlimit", "--nproc=128", "--", "/umd/echo"),
                c.subList(c.lastIndexOf("--") - 3, c.size()));
        assertEquals("/tmp", launch.environment().get("HOME"));
        assertEquals("/tmp", launch.environment().get("TMPDIR"));
        assertTrue(launch.confinement().killsWholeTree());
        // The host paths of the driver never appear inside: only the descriptor does.
        assertFalse(c.contains(blob.executable().toString()));
    }

    @Test
    void strictUsesTheAllowlistAndNeedsNoProcessLimitInside() throws IOException {
        Launch launch = plan(Sandbox.builder().profile(Sandbox.Profile.STRICT).build());
        assertTrue(launch.shimOptions().contains("4=" + dir.resolve("strict.bpf")));
        assertFalse(launch.command().contains("/usr/bin/prlimit"));
    }

    @Test
    void hostNetworkAndExtraPathsAreOnlyThereWhenAsked() throws IOException {
        List<String> c = plan(Sandbox.builder().network(Sandbox.Network.HOST).readOnlyPaths(List.of("/opt/data"))
                .cpuTimeSeconds(30).build()).command();
        assertFalse(c.contains("--unshare-net"));
        assertTrue(Collections.indexOfSubList(c, List.of("--ro-bind", "/opt/data", "/opt/data")) >= 0);
        assertTrue(Collections.indexOfSubList(c, List.of("--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf")) >= 0);
        assertTrue(plan(Sandbox.DEFAULT).command().contains("--unshare-net"));
    }

    @Test
    void noneRunsTheCheckedFileItselfWithoutBubblewrap() throws IOException {
        Launch launch = plan(Sandbox.builder().profile(Sandbox.Profile.NONE).build());
        assertEquals(List.of("--fd", "3=" + blob.executable(), "--identity", "3=1:2:3:4", "--exec-fd", "3"),
                launch.shimOptions());
        assertEquals(List.of(blob.executable().toString()), launch.command());
        assertEquals(Confinement.NONE, launch.confinement());
        assertEquals(blob.directory().toString(), launch.environment().get("HOME"));
    }

    @Test
    void aHostThatCannotSandboxFailsClosedNamingTheReason() {
        SandboxLaunches refusing = launches(Optional.empty(), "bubblewrap is not installed at /usr/bin/bwrap");
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class, () -> refusing.plan("echo", 0,
                DriverDescriptor.of("echo", "bin/h"), blob, ""));
        assertTrue(e.getMessage().contains("bubblewrap is not installed"), e.getMessage());
    }

    @Test
    void aChangedSeccompProgramIsRefused() throws IOException {
        Files.write(dir.resolve("default.bpf"), new byte[] {0});
        IntegrityException e = assertThrows(IntegrityException.class, () -> plan(Sandbox.DEFAULT));
        assertTrue(e.getMessage().contains("was modified"), e.getMessage());
    }
}
