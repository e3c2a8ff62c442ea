package io.github.umdosgi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ScriptRunnerTest {

    /** Thrown by the fake shell for unknown commands, like Gogo's CommandNotFoundException. */
    static final class NotFound extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotFound(String name) {
            super("Command not found: " + name);
        }
    }

    /** Commands appear after {@code failuresBeforeFound} lookups, as SCR components do. */
    static final class FakeShell implements CommandShell {
        final Map<String, Object> results = new HashMap<>();
        final List<String> executed = new ArrayList<>();
        int failuresBeforeFound;

        @Override
        public Object execute(String command) throws Exception {
            if (failuresBeforeFound > 0) {
                failuresBeforeFound--;
                throw new NotFound(command);
            }
            if (command.startsWith("evil")) {
                throw new IllegalStateException("\u001b]0;owned\u0007 gone\rfake\u009b2J\nsecond line");
            }
            if (command.startsWith("fail")) {
                throw new IllegalStateException("it broke\nsecond line");
            }
            if (!results.containsKey(command)) {
                throw new NotFound(command);
            }
            executed.add(command);
            return results.get(command);
        }

        @Override
        public String format(Object result) {
            return "<" + result + ">";
        }

        @Override
        public boolean isCommandNotFound(Exception e) {
            return e instanceof NotFound;
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ScriptRunner runner(FakeShell shell, Duration grace) {
        return new ScriptRunner(shell, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), grace, () -> false);
    }

    @Test
    void printsFormattedResultsAndSkipsNulls() {
        FakeShell shell = new FakeShell();
        shell.results.put("a", "x");
        shell.results.put("b", null);
        assertTrue(runner(shell, Duration.ZERO).run(List.of("a", "b")));
        assertEquals("<x>" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stopsAtFirstFailureWithOneLineError() {
        FakeShell shell = new FakeShell();
        shell.results.put("a", "x");
        shell.results.put("c", "never");
        assertFalse(runner(shell, Duration.ZERO).run(List.of("a", "fail now", "c")));
        assertEquals(List.of("a"), shell.executed);
        assertEquals("error in \"fail now\": it broke" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void retriesCommandNotFoundWithinGrace() {
        FakeShell shell = new FakeShell();
        shell.results.put("late", 1);
        shell.failuresBeforeFound = 3;
        assertTrue(runner(shell, Duration.ofSeconds(10)).run(List.of("late")));
        assertEquals(List.of("late"), shell.executed);
    }

    @Test
    void unknownCommandFailsAfterGrace() {
        FakeShell shell = new FakeShell();
        long start = System.nanoTime();
        assertFalse(runner(shell, Duration.ofMillis(300)).run(List.of("nosuchcommand")));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        assertEquals("error in \"nosuchcommand\": Command not found: nosuchcommand" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stopsQuietlyWhenShuttingDown() {
        FakeShell shell = new FakeShell();
        shell.results.put("a", "x");
        ScriptRunner r = new ScriptRunner(shell, new PrintStream(out), new PrintStream(err), Duration.ZERO,
                () -> true);
        assertFalse(r.run(List.of("a")));
        assertTrue(shell.executed.isEmpty());
    }

    @Test
    void hostileResultsAndMessagesArePrintedEscaped() {
        FakeShell shell = new FakeShell();
        // What a bundle's command (or a listing of a hostile bundle's name) could return.
        shell.results.put("lb", "1|Active|a\u001b[2J\nb\u202e\tc\r\n");
        assertFalse(runner(shell, Duration.ZERO).run(List.of("lb", "evil \u001b[1m")));
        assertEquals("<1|Active|a\\e[2J\nb\\u202e\tc\r\n>" + System.lineSeparator(),
                out.toString(StandardCharsets.UTF_8), "lines and tabs kept, the rest escaped");
        assertEquals("error in \"evil \\e[1m\": \\e]0;owned\\x07 gone\\rfake\\u009b2J" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void oneLineUsesClassNameWithoutMessage() {
        assertEquals("NullPointerException", ScriptRunner.oneLine(new NullPointerException()));
    }
}
