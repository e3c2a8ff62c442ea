package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The operator's shell in a real Felix, through the real Gogo
 * {@code CommandProcessor}: {@code umd:log} and {@code UmdAdmin.stderr} (a
 * bounded per-load stderr buffer, whatever the log level: this class leaves
 * the log admin at its default, WARN, so the log service drops every stderr
 * line), counters that start again at a bundle update, the last stderr lines
 * in a start failure, {@code umd:health}, the usage errors, {@code umd:send}'s
 * hex, file and bounded output, {@code umd:info} after {@code umd:kill}, and
 * {@code help}.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT extends SecurityTestSupport {

    /** Says two lines on stderr (the second hostile), then echoes frames: cat copies each frame back. */
    private static final String TALKER = "#!/bin/sh\n"
            + "echo \"hello from instance $UMD_INSTANCE\" >&2\n"
            + "printf 'clear \\033[2J now\\n' >&2\n"
            + "exec cat\n";

    /** Dies at once after three lines: its driver fails, quoting them. */
    private static final String DYING = "#!/bin/sh\necho 'cannot open /dev/thing' >&2\necho 'errno 2' >&2\n"
            + "echo 'giving up' >&2\nexit 1\n";

    private Bundle talker(String name) throws Exception {
        Bundle b = install("itest:shell-" + name, BundleJar.named("itest.shell." + name)
                .driverHeader(name + ";handler=bin/h;timeout=5000").entry("bin/h", TALKER), name);
        b.start();
        awaitState(name, DriverState.IDLE);
        return b;
    }

    @Test
    public void stderrIsKeptPerLoadWhateverTheLogLevelAndCountersStartAgainAtAnUpdate() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            Bundle b = talker("talker");
            List<String> raw = Waits.waitFor("both stderr lines in the buffer", Waits.SOON,
                    () -> stderr("talker"), l -> l.size() == 2);
            assertEquals("raw, as written", List.of("hello from instance 0", "clear \u001b[2J now"), raw);
            assertEquals("newest last", List.of("clear \u001b[2J now"), admin.stderr("talker", 1));
            assertFalse("the log service (WARN) kept none of it: " + operator.log(),
                    operator.log().stream().anyMatch(m -> m.contains("hello from instance")));

            String log = operator.run("umd:log talker");
            assertEquals("hello from instance 0\nclear \\e[2J now", log);
            assertEquals("clear \\e[2J now", operator.run("umd:log -n 1 talker"));

            operator.run("umd:send talker one");
            operator.run("umd:send talker two");
            DriverInfo before = info("talker");
            assertEquals(2, before.calls());

            // A bundle update is a new load: its counters and its stderr are its own.
            b.update(new ByteArrayInputStream(BundleJar.named("itest.shell.talker")
                    .driverHeader("talker;handler=bin/h;timeout=5000").entry("bin/h", TALKER).build()));
            DriverInfo after = Waits.waitFor("the updated driver loaded", Waits.SOON, () -> info("talker"),
                    d -> d.state() == DriverState.IDLE && d.pid().isPresent() && d.pid().getAsLong() != before.pid().getAsLong());
            assertEquals("calls of the new load: " + after, 0, after.calls());
            assertEquals("failures of the new load: " + after, 0, after.failures());
            assertEquals("starts of the new load: " + after, 1, after.starts());
            List<String> fresh = Waits.waitFor("the new load's stderr", Waits.SOON, () -> stderr("talker"),
                    l -> l.size() == 2);
            assertEquals("only the new load's lines", List.of("hello from instance 0", "clear \u001b[2J now"), fresh);
        }
    }

    @Test
    public void aStartFailureQuotesTheLastStderrLinesAndHealthFails() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            assertTrue(operator.run("umd:health").startsWith("healthy: "));
            Bundle b = install("itest:shell-dying", BundleJar.named("itest.shell.dying")
                    .driverHeader("dying;handler=bin/h").entry("bin/h", DYING), "dying");
            b.start();
            DriverInfo failed = awaitState("dying", DriverState.FAILED);
            String reason = failed.lastError().orElse("");
            assertTrue("the reason quotes the last lines: " + reason,
                    reason.contains("exited with status 1") && reason.contains(
                            "its last stderr lines: cannot open /dev/thing | errno 2 | giving up"));
            assertEquals("the failed load's stderr stays readable", "cannot open /dev/thing\nerrno 2\ngiving up",
                    operator.run("umd:log dying"));
            Exception unhealthy = Waits.expectThrows(Exception.class, "umd:health with a FAILED driver",
                    () -> operator.run("umd:health"));
            assertTrue(unhealthy.getMessage(), unhealthy.getMessage().startsWith("1 of ")
                    && unhealthy.getMessage().contains("FAILED: dying (")
                    && unhealthy.getMessage().contains("giving up"));
            b.uninstall();
            Waits.waitFor("healthy again", Waits.SOON, () -> {
                try {
                    return operator.run("umd:health").startsWith("healthy: ");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    public void usageErrorsAreOneLineAndHelpDescribesEveryCommand() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            for (String[] c : new String[][] {{"umd:info", "umd:info NAME"}, {"umd:info a b", "umd:info NAME"},
                    {"umd:kill", "umd:kill NAME"}, {"umd:restart", "umd:restart NAME"}, {"umd:list x", "umd:list"},
                    {"umd:log", "umd:log [-n LINES] [-f] NAME"},
                    {"umd:send", "umd:send [-x] [-f FILE] [-m BYTES] NAME [TEXT...]"}}) {
                Exception e = Waits.expectThrows(Exception.class, c[0], () -> operator.run(c[0]));
                assertTrue(c[0] + ": " + e, e.getMessage().startsWith("usage: " + c[1] + " (got "));
                assertFalse(c[0] + ": " + e, e.getMessage().contains("Cannot coerce"));
                assertEquals(c[0] + ": one line", 1, e.getMessage().lines().count());
            }
            for (String command : List.of("list", "info", "send", "restart", "kill", "log", "health", "names")) {
                String help = operator.run("help umd:" + command);
                assertTrue(command + ": " + help, help.contains(command + " - ") && help.contains("scope: umd"));
            }
            String send = operator.run("help umd:send");
            assertTrue(send, send.contains("-x, --hex") && send.contains("-f, --file") && send.contains("NAME [TEXT...]"));
            String log = operator.run("help umd:log");
            assertTrue(log, log.contains("-n, --lines") && log.contains("-f, --follow"));
        }
    }

    @Test
    public void sendTakesHexAndFilesAndPrintsABoundedReply() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            talker("echoer");
            assertEquals("00 ff 10", operator.run("umd:send -x echoer 00 ff10"));
            assertEquals("hello, driver", operator.run("umd:send echoer hello, driver"));
            Path file = Files.createTempFile("umd-send", ".bin");
            try {
                Files.write(file, new byte[] {(byte) 0xca, (byte) 0xfe});
                assertEquals("ca fe", operator.run("umd:send -f " + file + " echoer"));
            } finally {
                Files.delete(file);
            }
            String cut = operator.run("umd:send -m 5 echoer " + "y".repeat(100_000));
            assertEquals("yyyyy\n…(99995 more bytes not shown; 100000 bytes in all)", cut);
            Exception bad = Waits.expectThrows(Exception.class, "bad hex",
                    () -> operator.run("umd:send -x echoer " + "ab".repeat(50_000) + "zz"));
            assertTrue("names the problem without repeating the request: " + bad,
                    bad.getMessage().length() < 100 && bad.getMessage().contains("not hex"));
        }
    }

    @Test
    public void infoShowsOriginsAndResourcesAndSaysWhatAKillDid() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            talker("killme");
            String info = operator.run("umd:info killme");
            assertTrue(info, info.lines().anyMatch(l -> l.matches(" +timeout +5000 ms +header")));
            assertTrue(info, info.lines().anyMatch(l -> l.matches(" +instances +1 +default")));
            assertTrue(info, info.lines().anyMatch(l -> l.startsWith("handler:    /")));
            assertTrue(info, info.lines().anyMatch(l -> l.matches("sha256: +[0-9a-f]{64}")));
            assertTrue(info, info.lines().anyMatch(l -> l.matches(
                    "instance 0: pid \\d+, idle, up \\d+ s, rss \\d+ KiB, cpu \\d+ ms \\(\\d+ process(es)?\\), 0 calls,"
                            + " 1 starts, last exit: -")));
            long pid = info("killme").pid().getAsLong();

            assertEquals("sent SIGKILL to 1 handler process(es) of driver 'killme'", operator.run("umd:kill killme"));
            assertProcessGone(pid);
            AtomicReference<String> shown = new AtomicReference<>();
            Waits.waitFor("umd:info tells the kill", Waits.SOON, () -> {
                try {
                    shown.set(operator.run("umd:info killme"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return shown.get().contains("by an operator (umd:kill)");
            });
            String killed = shown.get();
            assertTrue(killed, killed.contains("state:      IDLE (handler was killed by signal 9")
                    && killed.contains("the next call starts one)"));
            assertTrue(killed, killed.contains("instance 0: no process, 0 calls, 1 starts, last exit: was killed by"
                    + " signal 9"));
        }
    }

    @Test
    public void followPrintsNewLinesUntilInterrupted() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            talker("follow");
            Waits.waitFor("stderr", Waits.SOON, () -> stderr("follow"), l -> l.size() == 2);
            // A kill makes the next call start a new handler, which says hello again while we follow.
            Thread caller = new Thread(() -> {
                try {
                    Waits.waitFor("the follow started", Waits.SOON, () -> followStarted);
                    operator.run("umd:kill follow");
                    operator.run("umd:send follow x");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            caller.start();
            String printed = operator.runUntilInterrupted("umd:log -f -n 1 follow", out -> {
                followStarted = out.contains("clear");
                return out.contains("hello from instance 0");
            });
            caller.join(Waits.NO_HANG.toMillis());
            assertEquals("the newest line, then the new handler's lines as they came, escaped",
                    "clear \\e[2J now\nhello from instance 0\n", printed.substring(0, printed.indexOf("hello") + 22));
        }
    }

    // Written by the follow's output check, read by the thread that makes new stderr.
    private volatile boolean followStarted;

    private List<String> stderr(String driver) {
        try {
            return admin.stderr(driver, 100);
        } catch (Exception e) {
            return List.of("not yet: " + e);
        }
    }
}
