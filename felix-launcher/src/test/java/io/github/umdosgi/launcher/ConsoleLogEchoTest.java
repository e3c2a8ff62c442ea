package io.github.umdosgi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsoleLogEchoTest {

    @Test
    void anEchoedLineHasTheMessageAndItsCausesEscaped() {
        IllegalStateException cause = new IllegalStateException("hook says \u001b]0;owned\u0007");
        String line = ConsoleLogEcho.line(1, "driver 'x' failed: \u001b[2J\rfake\u009b\u202e", new RuntimeException(cause));
        assertEquals("umd-osgi ERROR: driver 'x' failed: \\e[2J\\rfake\\u009b\\u202e (java.lang.RuntimeException: "
                + "java.lang.IllegalStateException: hook says \\e]0;owned\\x07) (java.lang.IllegalStateException: "
                + "hook says \\e]0;owned\\x07)", line);
    }

    @Test
    void aCycleOfCausesEndsAfterAFewLinks() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        String line = ConsoleLogEcho.line(ConsoleLogEcho.WARNING, "m", a);
        assertTrue(line.startsWith("umd-osgi WARNING: m (java.lang.Exception: a)"), line);
        assertEquals(ConsoleLogEcho.MAX_CAUSES, line.split("\\(java").length - 1, line);
    }
}
