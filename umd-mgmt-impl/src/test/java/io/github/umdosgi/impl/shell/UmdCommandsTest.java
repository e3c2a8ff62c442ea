package io.github.umdosgi.impl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.config.ConfigurationErrors;
import io.github.umdosgi.impl.config.ConfigurationValidator;
import io.github.umdosgi.impl.config.InvalidConfigurationException;
import io.github.umdosgi.impl.text.SafeText;

/** What the umd: commands print when a handler and its bundle are hostile. */
class UmdCommandsTest {

    private static final String ESC = "\u001b";
    /** What a hostile handler or bundle writes: clear screen, title, CR overwrite, C1 CSI, bidi override. */
    private static final String HOSTILE = ESC + "[2J" + ESC + "]0;owned\u0007\rOK\u009b31m\u202e";

    private static final DriverInfo HOSTILE_DRIVER = new DriverInfo("evil", 42, "bsn" + HOSTILE, DriverState.FAILED,
            List.of(new InstanceInfo(0, OptionalLong.of(99), false, 1, 2)), 3, 4, 5,
            Optional.of("handler exited with status 3; its last stderr line: " + HOSTILE), Optional.empty());

    /** Commands on a manager that knows one driver, replies with {@code reply} and fails calls to "boom". */
    private static UmdCommands commands(byte[] reply) {
        Object both = manager(reply);
        return new UmdCommands((UmdManager) both, (UmdAdmin) both);
    }

    /** One proxy for the client and the operator service: the commands use both. */
    private static Object manager(byte[] reply) {
        return Proxy.newProxyInstance(UmdManager.class.getClassLoader(), new Class<?>[] {UmdManager.class, UmdAdmin.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "drivers" -> List.of(HOSTILE_DRIVER);
                    case "driver" -> args[0].equals("evil") ? Optional.of(HOSTILE_DRIVER) : Optional.empty();
                    case "call" -> {
                        if (args[0].equals("boom")) {
                            throw new HandlerStartException("boom", "post-start hook failed: " + HOSTILE);
                        }
                        yield reply;
                    }
                    case "kill" -> 1;
                    case "stderr" -> List.of("plain", HOSTILE).subList(Math.max(0, 2 - (Integer) args[1]), 2);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void assertInert(String shown) {
        shown.codePoints().forEach(c -> assertFalse(SafeText.needsEscape(c) && c != '\n',
                () -> String.format("U+%04X printed raw in: %s", c, shown.replace(ESC, "<ESC>"))));
    }

    @Test
    void listAndInfoPrintHostileNamesAndErrorsEscaped() throws Exception {
        UmdCommands commands = commands(new byte[0]);
        String list = commands.list();
        String info = commands.info("evil");
        assertInert(list);
        assertInert(info);
        String escaped = "\\e[2J\\e]0;owned\\x07\\rOK\\u009b31m\\u202e";
        assertTrue(list.contains("bsn" + escaped + " [42]"), list);
        assertTrue(info.contains("bundle:     bsn" + escaped + " [42]"), info);
        assertTrue(info.contains("last error: handler exited with status 3; its last stderr line: " + escaped), info);
        assertEquals(9, info.lines().count(), "one line per field: " + info);
    }

    @Test
    void infoShowsARejectedConfigurationOfTheDriverEscaped() throws Exception {
        ConfigurationErrors errors = new ConfigurationErrors();
        InvalidConfigurationException rejected = assertThrows(InvalidConfigurationException.class,
                () -> ConfigurationValidator.validate(Map.of("service.pid", "io.github.umdosgi.driver~evil",
                        "name", "evil", "timeout", "abc" + ESC + "[2J")));
        Object both = manager(new byte[0]);
        UmdCommands commands = new UmdCommands((UmdManager) both, (UmdAdmin) both, errors);
        assertFalse(commands.info("evil").contains("config:"), "no line while nothing is rejected");

        errors.reject("io.github.umdosgi.driver~evil", rejected);
        String info = commands.info("evil");
        assertInert(info);
        assertTrue(info.lines().anyMatch(l -> l.equals("config:     configuration io.github.umdosgi.driver~evil for"
                + " driver 'evil' is invalid and not applied: timeout='abc\\e[2J' is not a whole number from 1 to"
                + " 2147483647 (milliseconds); leave it out to keep the declared value")), info);
        assertEquals(10, info.lines().count(), "the one extra line: " + info);
    }

    @Test
    void sendPrintsAHostileTextReplyEscapedAndKeepsItsLines() throws Exception {
        byte[] reply = ("line one\nline two \u202eowt\rover").getBytes(StandardCharsets.UTF_8);
        String shown = commands(reply).send(false, "", "4096", "evil", "x");
        assertEquals("line one\nline two \\u202eowt\\rover", shown);
        // Control bytes make it hex, as before.
        assertEquals("1b 5b 32 4a", commands((ESC + "[2J").getBytes(StandardCharsets.UTF_8))
                .send(false, "", "4096", "evil", "x"));
    }

    @Test
    void aFailingCommandsMessageIsEscapedAndPrintsUnderTheOriginalType() {
        UmdCommands commands = commands(new byte[0]);
        CommandFailedException failed = assertThrows(CommandFailedException.class, () -> commands.send(false, "", "4096", "boom", "x"));
        assertInert(failed.getMessage());
        assertInert(failed.toString());
        assertEquals("io.github.umdosgi.api.HandlerStartException: driver 'boom': post-start hook failed: "
                + "\\e[2J\\e]0;owned\\x07\\rOK\\u009b31m\\u202e", failed.toString());
        assertNull(failed.getCause(), "the raw original would be printed as the cause");
        assertTrue(failed.getStackTrace().length > 0, "the original's stack trace is kept");

        CommandFailedException unknown = assertThrows(CommandFailedException.class,
                () -> commands.info("no" + ESC + "[2Jsuch"));
        assertEquals("no driver named 'no\\e[2Jsuch'", unknown.getMessage());
        assertEquals(IllegalArgumentException.class.getName(), unknown.originalType());
    }

    @Test
    void killEchoesTheNameEscaped() throws Exception {
        assertEquals("sent SIGKILL to 1 handler process(es) of driver 'a\\rb'",
                commands(new byte[0]).kill("a\rb"));
    }

    @Test
    void wrongOperandCountsGiveAOneLineUsage() {
        UmdCommands commands = commands(new byte[0]);
        CommandFailedException none = assertThrows(CommandFailedException.class, () -> commands.info());
        assertEquals("usage: umd:info NAME (got no operand; see 'help umd:info')", none.getMessage());
        assertEquals(none.getMessage(), none.toString(), "the shell prints the usage line alone");
        CommandFailedException two = assertThrows(CommandFailedException.class, () -> commands.kill("a", "b"));
        assertEquals("usage: umd:kill NAME (got 2 operand(s); see 'help umd:kill')", two.getMessage());
        CommandFailedException option = assertThrows(CommandFailedException.class,
                () -> commands.send(false, "", "4096", "-z", "evil"));
        assertTrue(option.getMessage().startsWith("usage: umd:send [-x] [-f FILE] [-m BYTES] NAME [TEXT...]"
                + " (got unknown option -z"), option.getMessage());
        CommandFailedException extra = assertThrows(CommandFailedException.class, () -> commands.list("x"));
        assertTrue(extra.getMessage().startsWith("usage: umd:list "), extra.getMessage());
        assertEquals(1, extra.getMessage().lines().count());
    }

    @Test
    void hexInputIsParsedAndBadHexIsNamedWithoutQuotingTheRequest() throws Exception {
        assertEquals(List.of((byte) 0, (byte) 0xff, (byte) 0x10), bytes(UmdCommands.RequestInput.hex("00 ff\t10")));
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> UmdCommands.RequestInput.hex("abc"));
        assertEquals("-x: the request is not hex: an odd number of digits (3)", odd.getMessage());
        String big = "ab".repeat(1 << 20) + "zz";
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> UmdCommands.RequestInput.hex(big));
        assertEquals("-x: the request is not hex: 'z' at digit " + (2 << 20), bad.getMessage());
        CommandFailedException fromCommand = assertThrows(CommandFailedException.class,
                () -> commands(new byte[0]).send(true, "", "4096", "evil", big));
        assertTrue(fromCommand.getMessage().length() < 100, "the error does not repeat the request");
    }

    @Test
    void fileInputSendsTheFilesBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("req.bin");
        java.nio.file.Files.write(file, new byte[] {1, 2, (byte) 0xff});
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 0xff),
                bytes(UmdCommands.RequestInput.bytes(false, file.toString(), "", "u")));
        assertThrows(IllegalArgumentException.class,
                () -> UmdCommands.RequestInput.bytes(false, dir.resolve("missing").toString(), "", "u"));
        assertThrows(IllegalArgumentException.class,
                () -> UmdCommands.RequestInput.bytes(false, file.toString(), "more text", "u"));
    }

    @Test
    void textThatHasNoUtf8FormIsRefusedNotSentAsQuestionMarks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UmdCommands.RequestInput.utf8("a\ud800b"));
        assertTrue(e.getMessage().contains("-x or -f"), e.getMessage());
    }

    @Test
    void theReplyIsCutAtMaxBytes() throws Exception {
        String shown = commands("0123456789".getBytes(StandardCharsets.UTF_8)).send(false, "", "4", "evil", "x");
        assertEquals("0123\n…(6 more bytes not shown; 10 bytes in all)", shown);
        assertThrows(CommandFailedException.class,
                () -> commands(new byte[0]).send(false, "", "0", "evil", "x"));
    }

    @Test
    void healthFailsNamingTheFailedDriverAndWhy() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> commands(new byte[0]).health());
        assertInert(e.getMessage());
        assertTrue(e.getMessage().startsWith("1 of 1 drivers FAILED: evil (handler exited with status 3;"),
                e.getMessage());
    }

    @Test
    void logPrintsTheRawLinesEscaped() throws Exception {
        String shown = commands(new byte[0]).log("20", false, "evil");
        assertInert(shown);
        assertEquals("plain\n\\e[2J\\e]0;owned\\x07\\rOK\\u009b31m\\u202e", shown);
        assertEquals("\\e[2J\\e]0;owned\\x07\\rOK\\u009b31m\\u202e", commands(new byte[0]).log("1", false, "evil"));
        assertThrows(CommandFailedException.class, () -> commands(new byte[0]).log("x", false, "evil"));
    }

    @Test
    void followEndsOnInterruptAndPrintsNewLinesEscaped() throws Exception {
        io.github.umdosgi.impl.process.StderrTail tail = new io.github.umdosgi.impl.process.StderrTail();
        tail.add("old");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);
        Thread follower = new Thread(() -> UmdCommands.follow(tail, 5, out));
        follower.start();
        tail.add("new " + ESC + "[2J");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!bytes.toString(StandardCharsets.UTF_8).contains("new") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        follower.interrupt();
        follower.join(5000);
        assertFalse(follower.isAlive(), "an interrupt (Ctrl-C) ends the follow");
        assertEquals("old\nnew \\e[2J\n", bytes.toString(StandardCharsets.UTF_8));
    }

    private static List<Byte> bytes(byte[] b) {
        List<Byte> out = new java.util.ArrayList<>();
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }
}
