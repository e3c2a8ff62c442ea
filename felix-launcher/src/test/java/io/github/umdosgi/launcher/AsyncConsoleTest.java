package io.github.umdosgi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Asynchronous lines go to stderr, or above the prompt once a reader is attached. */
class AsyncConsoleTest {

    /** Has what the console needs of jline's LineReader: printAbove(String). */
    public static final class Reader {
        final List<String> above = new ArrayList<>();
        boolean closed;

        public void printAbove(String line) {
            if (closed) {
                throw new IllegalStateException("reader closed");
            }
            above.add(line);
        }
    }

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AsyncConsole console = new AsyncConsole(new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void withoutAReaderLinesGoToStderr() {
        console.println("umd-osgi WARNING: x");
        assertEquals("umd-osgi WARNING: x" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withAReaderLinesGoAboveThePromptAndBackToStderrWhenItIsGone() {
        Reader reader = new Reader();
        assertNull(console.attachprompt(reader));
        console.println("one");
        assertEquals(List.of("one"), reader.above);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing into the prompt line");
        reader.closed = true;
        console.println("two");
        assertEquals("two" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void somethingElseIsRefusedWithAReason() {
        assertTrue(console.attachprompt("not a reader").contains("messages stay on stderr"));
        assertTrue(console.attachprompt(null).contains("messages stay on stderr"));
        console.println("still stderr");
        assertEquals("still stderr" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }
}
