package io.github.umdosgi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LauncherOptionsTest {

    @Test
    void noArgumentsMeansInteractive() throws Exception {
        LauncherOptions o = LauncherOptions.parse();
        assertFalse(o.nonInteractive());
        assertFalse(o.help());
        assertTrue(o.commands().isEmpty());
    }

    @Test
    void helpShortAndLong() throws Exception {
        assertTrue(LauncherOptions.parse("-h").help());
        assertTrue(LauncherOptions.parse("--help").help());
    }

    @Test
    void commandIsSplitOnSemicolonsAndTrimmed() throws Exception {
        LauncherOptions o = LauncherOptions.parse("-c", "sample:check 4096;  umd:list ;");
        assertTrue(o.nonInteractive());
        assertEquals(List.of("sample:check 4096", "umd:list"), o.commands());
    }

    @Test
    void commandIsSplitOnNewlines() throws Exception {
        assertEquals(List.of("lb", "umd:list", "echo done"),
                LauncherOptions.parse("-c", "lb\numd:list\r\n\n echo done \n").commands());
    }

    @Test
    void repeatedCommandOptionsKeepTheirOrder() throws Exception {
        LauncherOptions o = LauncherOptions.parse("-c", "a; b", "--command", "c", "--command=d;e");
        assertEquals(List.of("a", "b", "c", "d", "e"), o.commands());
    }

    @Test
    void quotedAndBracketedSemicolonsAreNotSeparators() throws Exception {
        assertEquals(List.of("echo 'a;b'", "echo \"c;d\"", "each [1 2] { echo $it; echo x }", "echo (x; y)",
                "echo e\\;f"),
                LauncherOptions.parse("-c", "echo 'a;b'; echo \"c;d\"; each [1 2] { echo $it; echo x }; "
                        + "echo (x; y); echo e\\;f").commands());
    }

    @Test
    void systemPropertiesAreCollected() throws Exception {
        Map<String, String> p = LauncherOptions.parse("-Dfelix.fileinstall.poll=500", "-Dflag", "-Da=b=c")
                .properties();
        assertEquals(Map.of("felix.fileinstall.poll", "500", "flag", "true", "a", "b=c"), p);
    }

    @Test
    void missingCommandArgumentIsAClearError() {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse("-c"));
        assertEquals("option -c needs an argument (the commands to run)", e.getMessage());
    }

    @Test
    void emptyCommandIsAnError() {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse("-c", " ; \n"));
        assertEquals("option -c was given no command", e.getMessage());
    }

    @Test
    void unknownOptionIsNamed() {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse("--verbose"));
        assertEquals("unknown option: --verbose", e.getMessage());
    }

    @Test
    void bareWordSuggestsMinusC() {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse("lb"));
        assertEquals("unexpected argument: lb (to run a command use -c \"lb\")", e.getMessage());
    }

    @Test
    void unterminatedQuoteIsAnError() {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse("-c", "echo 'oops"));
        assertTrue(e.getMessage().startsWith("unterminated ' quote"), e.getMessage());
    }

    @Test
    void propertyWithoutNameIsAnError() {
        assertThrows(UsageException.class, () -> LauncherOptions.parse("-D=x"));
    }
}
