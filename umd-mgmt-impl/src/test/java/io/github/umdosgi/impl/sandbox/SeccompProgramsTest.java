package io.github.umdosgi.impl.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seccomp programs this module's build writes, loaded by bubblewrap in
 * front of real programs: the probe ({@code src/test/c/seccomp-probe.c}),
 * which tries one attack and says whether the kernel let it, and the
 * repository's own handlers.
 *
 * Every attack is run twice in the same sandbox, with and without the
 * program, so that the test shows the attack working and the program
 * being what stops it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeccompProgramsTest {

    /** What the test takes from a run that the kernel ended with SIGSYS (the program's kill). */
    private static final String KILLED = "killed by SIGSYS";

    private static final Path BUILD = Path.of("target/seccomp-test");

    private static Path bwrap;
    private static Path programs;
    private static Path probe;
    private static boolean root;

    @BeforeAll
    static void build() throws Exception {
        bwrap = onPath("bwrap");
        assumeTrue(bwrap != null, "bubblewrap (bwrap) is not installed");
        programs = Path.of("target/classes/native", run(List.of("uname", "-m")).strip(), "seccomp").toAbsolutePath();
        assertTrue(Files.isRegularFile(programs.resolve("default.bpf")) && Files.isRegularFile(programs.resolve("strict.bpf")),
                "the build wrote no seccomp programs into " + programs);
        Files.createDirectories(BUILD);
        probe = compile("src/test/c/seccomp-probe.c", "seccomp-probe", "-pthread");
        root = Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
    }

    // ---- default.bpf: each attack works without it and is refused with it ----

    /** Where an attack runs: the user namespace the handlers get, or the host's root user for what only it may do. */
    enum Sandbox {
        USER_NAMESPACE(List.of("--unshare-user")),
        USER_NAMESPACE_SYS_ADMIN(List.of("--unshare-user", "--cap-add", "CAP_SYS_ADMIN")),
        // Unprivileged BPF is off here (kernel.unprivileged_bpf_disabled), and distributions
        // often forbid unprivileged perf events: only the host's capabilities make them work.
        HOST_ROOT_BPF(List.of("--cap-add", "CAP_BPF")),
        HOST_ROOT_PERFMON(List.of("--cap-add", "CAP_PERFMON"));

        final List<String> options;

        Sandbox(List<String> options) {
            this.options = options;
        }
    }

    /**
     * @param sandbox where the attack works without a filter
     * @param needsRoot the attack works there only when this test runs as root
     * @param unfiltered what the probe says without a filter (a regular expression)
     * @param refused what it says with default.bpf
     */
    record Attack(String name, Sandbox sandbox, boolean needsRoot, String unfiltered, String refused) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Attack> attacks() throws IOException {
        // Pushing a byte into one's own controlling terminal works only where the kernel still
        // allows it (dev.tty.legacy_tiocsti); elsewhere the kernel says EIO, never EPERM.
        Path legacy = Path.of("/proc/sys/dev/tty/legacy_tiocsti");
        String tiocsti = Files.exists(legacy) && Files.readString(legacy).strip().equals("0") ? "NO EIO" : "OK";
        Sandbox user = Sandbox.USER_NAMESPACE;
        return Stream.of(
                new Attack("ptrace", user, false, "OK", "NO EPERM"),
                new Attack("unshare-user", user, false, "OK", "NO EPERM"),
                new Attack("clone-newuser", user, false, "OK", "NO EPERM"),
                new Attack("clone-newns", Sandbox.USER_NAMESPACE_SYS_ADMIN, false, "OK", "NO EPERM"),
                // clone3's flags are out of the program's sight: ENOSYS makes glibc fall back to clone.
                new Attack("clone3-newuser", user, false, "OK", "NO ENOSYS"),
                new Attack("add-key", user, false, "OK", "NO EPERM"),
                new Attack("keyctl", user, false, "OK", "NO EPERM"),
                new Attack("bpf", Sandbox.HOST_ROOT_BPF, true, "OK", "NO EPERM"),
                new Attack("perf-event-open", Sandbox.HOST_ROOT_PERFMON, true, "OK", "NO EPERM"),
                new Attack("userfaultfd", user, false, "OK", "NO EPERM"),
                new Attack("io-uring-setup", user, false, "OK", "NO EPERM"),
                // Kernels built without the x32 ABI answer ENOSYS: the call still reaches them,
                // where the program kills the caller before the kernel looks.
                new Attack("x32-getpid", user, false, "OK|NO ENOSYS", KILLED),
                new Attack("i386-getpid", user, false, "OK", KILLED),
                new Attack("tiocsti", user, false, tiocsti, "NO EPERM"),
                new Attack("tiocsti-high-bits", user, false, tiocsti, "NO EPERM"),
                // A pseudo-terminal is no virtual console: the kernel refuses TIOCLINUX with ENOTTY,
                // the program with EPERM before the kernel sees it.
                new Attack("tioclinux", user, false, "NO ENOTTY", "NO EPERM"),
                new Attack("personality-read-implies-exec", user, false, "OK", "NO EPERM"),
                new Attack("personality-no-randomize", user, false, "OK", "NO EPERM"),
                new Attack("personality-high-bits", user, false, "OK", "NO EPERM"),
                new Attack("personality-all-but-one-bit", user, false, "OK", "NO EPERM"),
                // Run by anyone but root, bwrap puts the sandbox in a second user namespace
                // that has no say over its mounts, so the mount fails there even unfiltered.
                new Attack("mount-tmpfs", Sandbox.USER_NAMESPACE_SYS_ADMIN, true, "OK", "NO EPERM"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void defaultRefusesTheAttackThatWorksWithoutIt(Attack attack) throws Exception {
        boolean privileged = !attack.needsRoot() || root;
        Sandbox sandbox = privileged ? attack.sandbox() : Sandbox.USER_NAMESPACE;

        String refused = probe(attack.name(), sandbox, "default.bpf");
        assumeFalse(refused.startsWith("SKIP"), refused);
        assertEquals(attack.refused(), refused, "under default.bpf");

        assumeTrue(privileged, "the attack works only for root, so only root can see it work without the filter");
        String unfiltered = probe(attack.name(), sandbox, null);
        assertTrue(unfiltered.matches(attack.unfiltered()),
                "without a filter the probe says '" + unfiltered + "', expected " + attack.unfiltered());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "fork", "fork-exec", "thread", "personality-allowed" })
    void defaultKeepsWhatOrdinaryProgramsDo(String what) throws Exception {
        assertEquals("OK", probe(what, Sandbox.USER_NAMESPACE, null), "without a filter");
        assertEquals("OK", probe(what, Sandbox.USER_NAMESPACE, "default.bpf"), "under default.bpf");
    }

    // ---- strict.bpf: handlers that read, write and allocate still serve; nothing else ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "fork", "thread", "open", "socket" })
    void strictKillsAHandlerThatDoesMore(String what) throws Exception {
        assertEquals("OK", probe(what, Sandbox.USER_NAMESPACE, null), "without a filter");
        assertEquals(KILLED, probe(what, Sandbox.USER_NAMESPACE, "strict.bpf"), "under strict.bpf");
    }

    @Test
    void theEchoHandlerServesUnderStrict() throws Exception {
        Path echo = compile("../sample-handler/src/main/c/echo-handler.c", "echo-handler");
        Process p = start(Sandbox.USER_NAMESPACE, echo, List.of(), "strict.bpf");
        try (DataOutputStream out = new DataOutputStream(p.getOutputStream());
                DataInputStream in = new DataInputStream(p.getInputStream())) {
            // 5 MiB goes through malloc's mmap and realloc's mremap, not only brk.
            for (int size : new int[] {0, 3, 200_000, 5 << 20}) {
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) (size % 251));
                out.writeInt(size);
                out.write(payload);
                out.flush();
                assertEquals(size, in.readInt(), "reply length");
                byte[] reply = new byte[size];
                in.readFully(reply);
                assertArrayEquals(payload, reply, "reply of " + size + " bytes");
            }
        }
        assertExitsWith(0, p);
    }

    @Test
    void theSampleHandlerServesUnderStrict() throws Exception {
        Path sample = compile("../sample-handler/src/main/c/sample-handler.c", "sample-handler");
        Process p = start(Sandbox.USER_NAMESPACE, sample, List.of(), "strict.bpf");
        try (DataOutputStream out = new DataOutputStream(p.getOutputStream());
                DataInputStream in = new DataInputStream(p.getInputStream())) {
            out.writeInt(4);
            out.writeInt(4242);
            out.flush();
            assertEquals(131072, in.readInt(), "reply length");
            byte[] reply = new byte[131072];
            in.readFully(reply);
            assertEquals(1, reply[4242]);
        }
        assertExitsWith(0, p);
    }

    // ---- running things ----

    /** Runs the probe's ATTACK in SANDBOX under PROGRAM (null: none) and returns its verdict. */
    private static String probe(String attack, Sandbox sandbox, String program) throws Exception {
        Process p = start(sandbox, probe, List.of(attack), program);
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        List<String> lines = out.lines().toList();
        assertTrue(!lines.isEmpty() && lines.get(0).equals("TRY " + attack),
                "the probe started (stdout '" + out + "', stderr '" + err + "', exit " + p.exitValue() + ")");
        if (lines.size() == 1 && p.exitValue() == 128 + 31) {
            // bwrap passes on a death by signal N as 128 + N; SIGSYS is 31.
            return KILLED;
        }
        assertEquals(2, lines.size(), "one verdict (stderr '" + err + "', exit " + p.exitValue() + ")");
        return lines.get(1);
    }

    /**
     * Starts EXECUTABLE (mounted as /probe) with ARGS under bwrap in SANDBOX,
     * and under PROGRAM from the build unless it is null. The shell opens the
     * program as descriptor 9, which bwrap's --seccomp reads.
     */
    private static Process start(Sandbox sandbox, Path executable, List<String> args, String program) throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                // No core files from the program's kills.
                "ulimit -c 0; bpf=$1; shift; if [ -n \"$bpf\" ]; then exec 9<\"$bpf\"; fi; exec \"$@\"", "sh",
                program == null ? "" : programs.resolve(program).toString(), bwrap.toString()));
        command.addAll(sandbox.options);
        command.addAll(List.of("--unshare-pid", "--die-with-parent", "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--proc", "/proc", "--dev", "/dev", "--dir", "/mnt", "--ro-bind", executable.toString(), "/probe"));
        if (program != null) {
            command.addAll(List.of("--seccomp", "9"));
        }
        command.add("/probe");
        command.addAll(args);
        return new ProcessBuilder(command).start();
    }

    private static void assertExitsWith(int status, Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the handler ended at end of input");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(status, p.exitValue(), "exit status (stderr '" + err + "')");
    }

    /** Compiles one C file statically into the test's build folder; returns the executable. */
    private static Path compile(String source, String name, String... flags) throws Exception {
        Path out = BUILD.resolve(name).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-o", out.toString(), source));
        run(command);
        return out;
    }

    /** Runs COMMAND to its end, failing the test unless it exits 0; returns its stdout. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " ended");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
