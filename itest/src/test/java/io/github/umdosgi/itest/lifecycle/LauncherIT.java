package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The operator surface end to end: the real distribution ({@code bin/umd-osgi}) in a separate JVM,
 * driven through its real Gogo shell, both with {@code -c} (non-interactive: output on stdout, the
 * first failure as one line on stderr, exit 0 only when every command succeeded) and
 * interactively from stdin. Every run gets a fresh manager root ({@code io.github.umdosgi.root}),
 * framework storage and FileInstall folder, so that the handler processes and private directories
 * it leaves (none, after an orderly stop) can be checked under that root.
 *
 * <p>A plain JUnit test (no framework in this JVM). Skipped, with a message, when the
 * distribution has not been built.
 */
public class LauncherIT {

    /** Upper bound for one launcher run; a run normally takes one to three seconds. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
    /** Upper bound for a launched JVM to bring the sample handler up. */
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    @Rule
    public final TestName testName = new TestName();

    private Path launcher;
    private Path work;
    private final List<Process> launched = new ArrayList<>();
    private final List<Path> roots = new ArrayList<>();

    /** What one finished run printed and returned. */
    private record Result(String name, int exit, String out, String err) {

        List<String> outLines() {
            return out.lines().collect(Collectors.toList());
        }

        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return name + ": exit " + exit + "\n--- stdout:\n" + out + "--- stderr:\n" + err + "---";
        }
    }

    /** One launch: its process and the directories it was given. */
    private record Run(String name, Process process, Path root) {
    }

    @Before
    public void locateDistribution() throws IOException {
        launcher = Distribution.launcher(getClass());
        work = Distribution.freshWork(getClass().getSimpleName(), testName.getMethodName());
    }

    @After
    public void killWhatIsLeft() {
        for (Process p : launched) {
            if (p.isAlive()) {
                System.out.println("[LauncherIT] cleanup: killing launcher " + p.pid());
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        for (Path root : roots) {
            for (ProcScan.Proc p : ProcScan.liveUnder(root)) {
                System.out.println("[LauncherIT] cleanup: killing leftover " + p);
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    // ---- 1. the README session, non-interactive

    @Test
    public void listCheckKillCheckInfo() throws Exception {
        Result r = runCommands("session", "umd:list; sample:check 4096; umd:kill sample; sample:check 4096;"
                + " umd:info sample");
        assertEquals("exit status\n" + r, 0, r.exit());
        assertTrue("no command failed\n" + r, r.errLines().stream().noneMatch(l -> l.startsWith("error in")));

        List<String> lines = r.outLines();
        int header = indexOf(lines, "^NAME\\s+STATE\\s+PIDS\\s+CALLS\\s+FAILURES\\s+STARTS\\s+SANDBOX\\s+BUNDLE\\s*$", 0, r);
        int row = indexOf(lines, "^sample\\s+IDLE\\s+\\d+\\s.*io\\.github\\.umdosgi\\.sample.*$", header + 1, r);
        long listedPid = Long.parseLong(lines.get(row).split("\\s+")[2]);
        int ok1 = indexOf(lines, "^OK$", row + 1, r);
        int killed = indexOf(lines, "^sent SIGKILL to 1 handler process\\(es\\)( of driver 'sample')?$", ok1 + 1, r);
        int ok2 = indexOf(lines, "^OK$", killed + 1, r);
        int info = indexOf(lines, "^name:\\s+sample$", ok2 + 1, r);
        assertEquals("exactly two OK lines\n" + r, 2, lines.stream().filter("OK"::equals).count());

        List<String> block = lines.subList(info, lines.size());
        indexOf(block, "^state:\\s+IDLE$", 0, r);
        indexOf(block, "^starts:\\s+2$", 0, r); // the kill forced a second start
        long infoPid = instancePid(block, 0, r);
        assertNotEquals("the check after the kill ran in a new handler process\n" + r, listedPid, infoPid);
        assertFalse("one instance only without a configuration\n" + r,
                block.stream().anyMatch(l -> l.startsWith("instance 1:")));

        assertNothingLeft(r.name());
    }

    // ---- 1b. -c for health scripts: stdout is only the commands' output, the exit status follows umd:health

    @Test
    public void healthDecidesTheExitStatusAndStdoutHoldsOnlyCommandOutput() throws Exception {
        Result healthy = runCommands("healthy", "umd:health");
        assertEquals("no driver FAILED: exit 0\n" + healthy, 0, healthy.exit());
        assertEquals("stdout is the command's output, nothing else\n" + healthy,
                List.of("healthy: 1 driver(s), none FAILED"), healthy.outLines());

        Path deploy = Files.createDirectories(work.resolve("deploy-health"));
        Files.write(deploy.resolve("broken.jar"), BundleJar.named("itest.health.broken")
                .driverHeader("broken;handler=bin/broken")
                .entry("bin/broken", "#!/bin/sh\necho 'no such device' >&2\necho 'giving up' >&2\nexit 1\n")
                .build());
        // FileInstall installs the bundle asynchronously; the shell's own sleep gives it the time.
        Result r = finish(start("unhealthy", deploy, "-c", "sleep 2; umd:list; umd:log broken; umd:health; umd:list"));
        System.out.println("[LauncherIT] unhealthy:\n" + r);
        assertEquals("a FAILED driver: exit 1\n" + r, 1, r.exit());
        for (String line : r.outLines()) {
            assertTrue("stdout holds only umd:list's table and umd:log's lines\n" + r,
                    line.matches("^NAME\\s+STATE\\s+PIDS.*") || line.matches("^(broken|sample)\\s+(FAILED|IDLE)\\s.*")
                            || line.equals("no such device") || line.equals("giving up"));
        }
        assertEquals("umd:list ran once: the runner stops at umd:health\n" + r, 1,
                r.outLines().stream().filter(l -> l.startsWith("NAME")).count());
        assertTrue("the failure's echo went to stderr\n" + r, r.errLines().stream()
                .anyMatch(l -> l.startsWith("umd-osgi ERROR: driver 'broken' failed to load")));
        assertTrue("umd:health's one line names the driver and why\n" + r, r.errLines().stream()
                .anyMatch(l -> l.startsWith("error in \"umd:health\": ") && l.contains("FAILED: broken (")
                        && l.contains("its last stderr lines: no such device | giving up")));
        assertNothingLeft(r.name());
    }

    @Test
    public void aPlainLogIsFelixsLogCommandNotUmdLog() throws Exception {
        // umd:log shares its function name with felix:log: the plain name keeps meaning the one Felix users know.
        Result r = runCommands("felixlog", "log 5 info; umd:log sample");
        assertEquals("both commands succeed\n" + r, 0, r.exit());
        assertNothingLeft(r.name());
    }

    @Test
    public void aFailedCommandsErrorLineDoesNotRepeatALongRequest() throws Exception {
        String request = "x".repeat(100_000); // one argument may hold at most 128 KiB (MAX_ARG_STRLEN)
        Result r = runCommands("longsend", "umd:send nosuch " + request);
        assertEquals("exit status\n" + r.exit(), 1, r.exit());
        List<String> err = r.errLines();
        assertEquals("one line\n" + err, 1, err.size());
        assertTrue("cut, not the whole request: " + err.get(0).length() + " chars",
                err.get(0).length() < 400 && err.get(0).startsWith("error in \"umd:send nosuch xxx"));
        assertNothingLeft(r.name());
    }

    // ---- 2. bad input: one line on stderr, exit 1, nothing left running

    @Test
    public void badInputFailsWithOneLineAndExitOne() throws Exception {
        // a trailing command that must not run: the runner stops at the first failure
        Result abc = expectOneLineFailure("abc", "sample:check abc; umd:list", "sample:check abc", "'abc'");
        assertFalse("umd:list after the failure must not run\n" + abc, abc.out().contains("NAME"));
        expectOneLineFailure("range", "sample:check 131072", "sample:check 131072", "131072", "out of range");
        expectOneLineFailure("info", "umd:info nosuch", "umd:info nosuch", "no driver named 'nosuch'");
        Result send = expectOneLineFailure("send", "umd:send nosuch hello", "umd:send nosuch hello", "'nosuch'");
        assertTrue("send names a driver nobody declares\n" + send, Pattern.compile(
                "(?i)not declared|declares this driver|not loaded|DriverNotLoaded").matcher(send.err()).find());
        expectOneLineFailure("kill", "umd:kill nosuch", "umd:kill nosuch", "'nosuch'");
        expectOneLineFailure("restart", "umd:restart nosuch", "umd:restart nosuch", "'nosuch'");
    }

    @Test
    public void badLauncherOptionExitsTwo() throws Exception {
        Result r = finish(start("option", null, "--bogus"));
        assertEquals("exit status for a bad option\n" + r, 2, r.exit());
        assertTrue("stderr names the option\n" + r, r.err().contains("--bogus"));
        assertNothingLeft(r.name());
    }

    // ---- 3. a text reply is printed as text

    @Test
    public void sendPrintsTextReplyAsText() throws Exception {
        Result r = runCommands("send", "umd:send sample abc");
        assertEquals("exit status\n" + r, 0, r.exit());
        List<String> lines = r.outLines();
        assertFalse("a reply was printed\n" + r, lines.isEmpty());
        assertTrue("the sample handler's EINVAL reply, as text\n" + r, lines.get(0).startsWith("EINVAL"));
        assertNothingLeft(r.name());
    }

    // ---- 4. a configuration dropped into the FileInstall folder

    @Test
    public void deployFolderConfigurationSetsInstances() throws Exception {
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.writeString(deploy.resolve("io.github.umdosgi.driver-sample.cfg"), "name=sample\ninstances=2\n",
                StandardCharsets.UTF_8);
        // Gogo's sleep here (gogo.jline's Posix sleep) counts seconds.
        Run run = start("config", deploy, "-c", "sleep 3; umd:info sample");
        // While it sleeps, two sample handlers must be up at the same time under its root.
        List<ProcScan.Proc> both = Waits.waitFor("two live sample handlers under " + run.root(), START_LIMIT, () -> {
            assertAlive(run);
            return sampleHandlers(run.root());
        }, procs -> procs.size() >= 2);
        System.out.println("[LauncherIT] config: sample handlers " + both);
        Result r = finish(run);
        assertEquals("exit status\n" + r, 0, r.exit());
        List<String> lines = r.outLines();
        indexOf(lines, "^name:\\s+sample$", 0, r);
        long pid0 = instancePid(lines, 0, r);
        long pid1 = instancePid(lines, 1, r);
        assertNotEquals("two handler processes\n" + r, pid0, pid1);
        assertFalse("no third instance\n" + r, lines.stream().anyMatch(l -> l.startsWith("instance 2:")));
        assertNothingLeft(r.name());
        // The operator's file is input, never rewritten: FileInstall's write-back once emptied it.
        assertEquals("the configuration file is untouched", "name=sample\ninstances=2\n",
                Files.readString(deploy.resolve("io.github.umdosgi.driver-sample.cfg"), StandardCharsets.UTF_8));

        // And it still works on the next start, from the same folder.
        Result again = finish(start("config-again", deploy, "-c", "sleep 2; umd:info sample"));
        assertEquals("exit status\n" + again, 0, again.exit());
        instancePid(again.outLines(), 1, again);
        assertNothingLeft(again.name());
    }

    /** A typo'd value in deploy/: one console line naming the file and the key, and umd:info shows it. */
    @Test
    public void invalidDeployConfigurationIsReportedWithItsFileAndKey() throws Exception {
        Path deploy = Files.createDirectories(work.resolve("deploy-invalid"));
        Path cfg = Files.writeString(deploy.resolve("io.github.umdosgi.driver-sample.cfg"),
                "name=sample\ninstances=2\ntimeout=abc\n", StandardCharsets.UTF_8);
        // Gogo's sleep: FileInstall delivers the file within its 200 ms poll after the start.
        Result r = finish(start("invalid-config", deploy, "-c", "sleep 2; umd:info sample"));
        assertEquals("exit status\n" + r, 0, r.exit());
        assertTrue("one console error naming the file and the key\n" + r, r.err().lines().anyMatch(
                l -> l.startsWith("umd-osgi ERROR: configuration io.github.umdosgi.driver~sample")
                        && l.contains(cfg.getFileName().toString()) && l.contains("timeout='abc'")));
        List<String> lines = r.outLines();
        indexOf(lines, "^config:\\s+configuration .*timeout='abc'.*$", 0, r);
        assertFalse("not applied: one instance, as declared\n" + r,
                lines.stream().anyMatch(l -> l.startsWith("instance 1:")));
        assertFalse("no stack trace on the console\n" + r, r.err().contains("\tat "));
        assertNothingLeft(r.name());
    }

    // ---- 5. SIGTERM stops the framework, which unloads the drivers

    /** A driver bundle with a broken header dropped into deploy/: the operator sees why on the console. */
    @Test
    public void driverProblemsAreEchoedToTheConsole() throws Exception {
        Path deploy = Files.createDirectories(work.resolve("deploy-bad"));
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "itest.typo");
        manifest.getMainAttributes().putValue("UMD-Driver", "typo;handlr=bin/x");
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(
                Files.newOutputStream(deploy.resolve("typo.jar")), manifest)) {
            jar.flush();
        }
        Run run = start("typo", deploy, "-c", "sleep 2; umd:info typo");
        Result r = finish(run);
        assertEquals("exit status\n" + r, 0, r.exit());
        assertTrue("the driver shows FAILED\n" + r, r.out().contains("FAILED"));
        assertTrue("stderr names the problem\n" + r, r.err().lines().anyMatch(
                l -> l.startsWith("umd-osgi ERROR: ") && l.contains("unknown attribute 'handlr'")));
        assertNothingLeft(r.name());
    }

    /**
     * A bundle dropped into deploy/ under a name full of terminal controls, whose handler dies with
     * hostile last words: the console's echo of the log, the command's output and the failed
     * command's message hold escapes only, byte for byte as the operator's terminal gets them.
     */
    @Test
    public void aHostileBundleAndHandlerReachTheConsoleEscaped() throws Exception {
        Path deploy = Files.createDirectories(work.resolve("deploy-hostile"));
        String printf = "\\033[2J\\033]0;owned\\007\\rFAKE \\302\\23331m \\342\\200\\256evil";
        Files.write(deploy.resolve("dying.jar"), BundleJar
                .named("itest.dying\u001b[2J\u009b\u202e")
                .driverHeader("dying;handler=bin/dying")
                .entry("bin/dying", "#!/bin/sh\nprintf 'dying " + printf + "\\n' >&2\nexit 3\n")
                .build());
        Result r = finish(start("hostile", deploy, "-c", "sleep 2; umd:info dying; umd:send dying a"));
        System.out.println("[LauncherIT] hostile:\n" + r);
        assertEquals("umd:send fails\n" + r, 1, r.exit());
        String shown = "dying \\e[2J\\e]0;owned\\x07\\rFAKE \\u009b31m \\u202eevil";
        assertTrue("umd:info shows the last words escaped\n" + r, r.out().contains("its last stderr line: " + shown));
        assertTrue("umd:info shows the bundle's name escaped\n" + r, r.out().contains("itest.dying\\e[2J\\u009b\\u202e"));
        assertTrue("the console echo of the failure, escaped\n" + r, r.err().lines().anyMatch(
                l -> l.startsWith("umd-osgi ERROR: driver 'dying' failed to load") && l.contains(shown)));
        assertTrue("the failed command's message, escaped\n" + r, r.err().lines().anyMatch(
                l -> l.startsWith("error in \"umd:send dying a\"") && l.contains(shown)));
        for (String stream : List.of(r.out(), r.err())) {
            for (int i = 0; i < stream.length(); i++) {
                char c = stream.charAt(i);
                boolean acts = (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)
                        || Character.getType(c) == Character.FORMAT;
                assertFalse(String.format("U+%04X reached the console raw\n%s", (int) c, r), acts);
            }
        }
        assertNothingLeft(r.name());
    }

    @Test
    public void sigtermUnloadsDrivers() throws Exception {
        Run run = start("sigterm", null, "-c", "sample:check 1; sleep 600");
        // The handler starts with the bundle; the check's OK on stdout means the shell now sleeps.
        Waits.waitFor("the check's OK on stdout", START_LIMIT, () -> {
            assertAlive(run);
            return readQuietly(work.resolve(run.name() + ".out")).lines().anyMatch("OK"::equals);
        }, ok -> ok);
        List<ProcScan.Proc> handlers = Waits.waitFor("a live sample handler under " + run.root(), START_LIMIT, () -> {
            assertAlive(run);
            return sampleHandlers(run.root());
        }, procs -> !procs.isEmpty());
        assertFalse("precondition: the sample driver has a private directory under the root",
                sampleDirs(run.root()).isEmpty());
        ProcessHandle jvm = Distribution.javaOf(run.process());
        System.out.println("[LauncherIT] sigterm: handlers " + handlers + "; sending SIGTERM to JVM " + jvm.pid());
        assertTrue("SIGTERM sent to " + jvm.pid(), jvm.destroy());
        Result r = finish(run);
        System.out.println("[LauncherIT] sigterm: exit status " + r.exit());
        assertNotEquals("SIGTERM ended the run, not a completed script\n" + r, 0, r.exit());
        assertNothingLeft(r.name());
    }

    // ---- 6. interactive mode fed from stdin

    @Test
    public void interactiveFromStdin() throws Exception {
        Path stdin = work.resolve("interactive.in");
        Files.writeString(stdin, "sample:check 0\numd:list\nstop 0\n", StandardCharsets.UTF_8);
        Result r = finish(startInteractive("interactive", stdin));
        assertEquals("exit status\n" + r, 0, r.exit());
        List<String> lines = r.outLines();
        int ok = indexOf(lines, "^(g! )?OK$", 0, r);
        int header = indexOf(lines, "^(g! )?NAME\\s+STATE\\s+PIDS\\s+CALLS\\s+FAILURES\\s+STARTS\\s+SANDBOX\\s+BUNDLE\\s*$",
                ok + 1, r);
        indexOf(lines, "^sample\\s+IDLE\\s+\\d+\\s+1\\s+0\\s.*io\\.github\\.umdosgi\\.sample.*$", header + 1, r);
        assertNothingLeft(r.name());
    }


    // ---- 7. a second launch on a distribution in use

    /**
     * A second {@code -c} launch on the storage of a running one refuses with one line and exit
     * status 3 before it touches anything; a third with its own storage but the same manager root
     * runs, and its sweep of a crashed run's leftovers spares the live run's directories. The first
     * run's handler file must still exist afterwards: a killed handler is started again from it.
     */
    @Test
    public void secondLaunchOnStorageInUseRefusesAndLeavesTheFirstIntact() throws Exception {
        Path root = work.resolve("shared-root");
        Path cache = work.resolve("shared-cache");
        Run first = launch("first", root, cache, null, ProcessBuilder.Redirect.PIPE);
        try (java.io.Writer shell = new java.io.OutputStreamWriter(first.process().getOutputStream(),
                StandardCharsets.UTF_8)) {
            Waits.waitFor("a live sample handler of the first run under " + root, START_LIMIT, () -> {
                assertAlive(first);
                return sampleHandlers(root);
            }, procs -> !procs.isEmpty());
            List<Path> firstDirs = sampleDirs(root);
            assertEquals("precondition: the first run's sample directory", 1, firstDirs.size());

            Result second = finish(launch("second", root, cache, null, ProcessBuilder.Redirect.from(new File("/dev/null")),
                    "-c", "umd:list"));
            assertEquals("exit status of a launch on storage in use\n" + second, 3, second.exit());
            assertEquals("one line on stderr\n" + second, 1, second.errLines().size());
            String line = second.errLines().get(0);
            assertTrue("it says the storage is in use\n" + second, line.contains("in use") && line.contains(cache.toString()));
            assertTrue("it says how to run a second one\n" + second, line.contains("-Dorg.osgi.framework.storage="));
            assertFalse("it ran no command\n" + second, second.out().contains("NAME"));

            Result third = finish(launch("third", root, work.resolve("third-cache"), null,
                    ProcessBuilder.Redirect.from(new File("/dev/null")), "-c", "umd:list"));
            assertEquals("exit status of a launch with its own storage\n" + third, 0, third.exit());
            assertTrue("the third run's manager listed its driver\n" + third, third.out().contains("sample"));
            for (Path dir : firstDirs) {
                assertTrue("the first run's private directory " + dir + " survived both launches", Files.isDirectory(dir));
            }

            shell.write("umd:kill sample\nsample:check 4096\nstop 0\n");
            shell.flush();
        }
        Result r = finish(first);
        assertEquals("exit status of the first run\n" + r, 0, r.exit());
        List<String> lines = r.outLines();
        int killed = indexOf(lines, "^(g! )?sent SIGKILL to 1 handler process\\(es\\)( of driver 'sample')?$", 0, r);
        indexOf(lines, "^(g! )?OK$", killed + 1, r);
        assertNothingLeft(r.name(), root);
    }

    // ---- helpers

    private Result expectOneLineFailure(String name, String commands, String failing, String... mentions)
            throws Exception {
        Result r = runCommands(name, commands);
        assertEquals("exit status of \"" + commands + "\"\n" + r, 1, r.exit());
        // Asynchronous warnings go to stderr too (in -c mode stdout is only the commands' output):
        // Event Admin, for one, may warn that the framework stopped while it delivered an event.
        List<String> err = r.errLines().stream().filter(l -> !ASYNC_WARNING.matcher(l).find())
                .collect(Collectors.toList());
        assertEquals("exactly one line on stderr besides asynchronous warnings\n" + r, 1, err.size());
        String line = err.get(0);
        assertTrue("stderr names the failing command\n" + r, line.contains(failing));
        assertFalse("the command exists\n" + r, line.toLowerCase().contains("command not found"));
        for (String m : mentions) {
            assertTrue("stderr mentions " + m + "\n" + r, line.contains(m));
        }
        assertNothingLeft(r.name());
        return r;
    }

    /** A warning that a bundle prints on its own, at any moment (e.g. Event Admin's at a framework stop). */
    private static final Pattern ASYNC_WARNING = Pattern.compile("^WARNING: EventAdmin: ");

    private Result runCommands(String name, String commands) throws Exception {
        return finish(start(name, null, "-c", commands));
    }

    /** Starts the distribution with stdin from /dev/null and a fresh root, storage and deploy folder. */
    private Run start(String name, Path deploy, String... args) throws IOException {
        return launch(name, deploy, null, args);
    }

    /** Starts the distribution in interactive mode (no arguments) with stdin from a file. */
    private Run startInteractive(String name, Path stdin) throws IOException {
        return launch(name, null, stdin);
    }

    private Run launch(String name, Path deploy, Path stdin, String... args) throws IOException {
        return launch(name, work.resolve(name + "-root"), work.resolve(name + "-cache"), deploy,
                ProcessBuilder.Redirect.from(stdin != null ? stdin.toFile() : new File("/dev/null")), args);
    }

    /** Starts the distribution on the given manager root and framework storage. */
    private Run launch(String name, Path root, Path cache, Path deploy, ProcessBuilder.Redirect stdin,
            String... args) throws IOException {
        Path dir = deploy != null ? deploy : Files.createDirectories(work.resolve(name + "-deploy"));
        roots.add(root);
        List<String> command = new ArrayList<>(List.of(launcher.toString(),
                "-Dio.github.umdosgi.root=" + root,
                "-Dorg.osgi.framework.storage=" + cache,
                "-Dfelix.fileinstall.dir=" + dir,
                "-Dfelix.fileinstall.poll=200",
                // The Web Console on a port of its own: two runs (here, or another checkout's) on the
                // default 8080 would print Jetty's bind failure on stderr, which these tests read.
                "-Dorg.osgi.service.http.port=0"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectInput(stdin)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        // Small and quick to start: this JVM shares the machine with the test JVM.
        pb.environment().put("JAVA_OPTS", "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Process p = pb.start();
        launched.add(p);
        System.out.println("[LauncherIT] " + name + ": pid " + p.pid() + " " + command.subList(6, command.size())
                + (stdin.file() != null ? " < " + stdin.file() : " < pipe"));
        return new Run(name, p, root);
    }

    /** Waits (bounded) for the run to end and reads what it printed. */
    private Result finish(Run run) throws Exception {
        Process p = run.process();
        if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail(run.name() + " did not end within " + RUN_LIMIT.toSeconds() + " s; killed\n" + read(run, "out", "err"));
        }
        return new Result(run.name(), p.exitValue(), readQuietly(work.resolve(run.name() + ".out")),
                readQuietly(work.resolve(run.name() + ".err")));
    }

    /** After a run ended: no live process under its root, and no sample private directory. */
    private void assertNothingLeft(String name) {
        assertNothingLeft(name, work.resolve(name + "-root"));
    }

    private void assertNothingLeft(String name, Path root) {
        Waits.waitFor(name + ": no live process under " + root, Waits.SOON, () -> ProcScan.liveUnder(root),
                List::isEmpty);
        assertEquals(name + ": no sample private directory left under " + root, List.of(), sampleDirs(root));
    }

    /**
     * Live sample handler processes: their executable is the extracted handler under the root (the
     * short-lived launch helper that execs it only has its cwd there).
     */
    /**
     * The sample's handler processes: sandboxed, the bubblewrap process that works in the driver's
     * private directory (one per handler; the handler inside sees only the sandbox's paths);
     * unconfined, the handler itself, run from there.
     */
    private static List<ProcScan.Proc> sampleHandlers(Path root) {
        return ProcScan.liveUnder(root).stream()
                .filter(p -> "sample".equals(ProcScan.driverOf(p, root)))
                .filter(p -> p.exe().endsWith("/bwrap")
                        || (p.exe().endsWith("/sample") && Path.of(p.exe()).startsWith(realPath(root))))
                .collect(Collectors.toList());
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static List<Path> sampleDirs(Path root) {
        return HandlerProcesses.privateDirs(root, "sample");
    }

    /** The pid of {@code instance N: pid P, ...} in an info block. */
    private static long instancePid(List<String> lines, int instance, Result r) {
        Pattern p = Pattern.compile("^instance " + instance + ": pid (\\d+)\\b.*$");
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no line 'instance " + instance + ": pid N'\n" + r);
    }

    /** The index of the first line at or after {@code from} matching {@code regex}; fails when none. */
    private static int indexOf(List<String> lines, String regex, int from, Result r) {
        Pattern p = Pattern.compile(regex);
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        throw new AssertionError("no line matching /" + regex + "/ from line " + from + "\n" + r);
    }

    private void assertAlive(Run run) {
        if (!run.process().isAlive()) {
            throw new AssertionError(run.name() + " ended early with status " + run.process().exitValue() + "\n"
                    + read(run, "out", "err"));
        }
    }

    private String read(Run run, String... kinds) {
        StringBuilder sb = new StringBuilder();
        for (String kind : kinds) {
            sb.append("--- ").append(kind).append(":\n").append(readQuietly(work.resolve(run.name() + "." + kind)));
        }
        return sb.toString();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
