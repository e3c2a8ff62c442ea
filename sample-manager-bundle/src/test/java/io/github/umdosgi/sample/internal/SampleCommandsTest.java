package io.github.umdosgi.sample.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.sample.SampleDriver;

class SampleCommandsTest {

    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "4096,4096", "131071,131071", "007,7", "000000000000131071,131071"})
    void parsesValidOffsets(String text, int expected) {
        assertEquals(expected, SampleCommands.parseOffset(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", " ", "4096 ", " 4096", "-1", "+1", "1.5", "0x10", "1e3", "12a",
            "\u0661\u0662", "4096\n"})
    void rejectsNonNumbers(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleCommands.parseOffset(text));
        assertTrue(e.getMessage().startsWith("invalid offset '"), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected a decimal integer in [0, 131072)"), e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0, "one line: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"131072", "131073", "999999", "2147483647", "2147483648", "99999999999999999999"})
    void rejectsOutOfRange(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleCommands.parseOffset(text));
        assertEquals("invalid offset '" + text + "': out of range, expected a decimal integer in [0, 131072)",
                e.getMessage());
    }

    @ParameterizedTest
    @NullSource
    void rejectsMissingArgument(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleCommands.parseOffset(text));
        assertTrue(e.getMessage().startsWith("invalid offset (none)"), e.getMessage());
    }

    @Test
    void abcMessageIsExact() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleCommands.parseOffset("abc"));
        assertEquals("invalid offset 'abc': expected a decimal integer in [0, 131072)", e.getMessage());
    }

    @Test
    void checkReturnsOkAndPassesTheOffset() throws Exception {
        List<Integer> seen = new ArrayList<>();
        SampleCommands commands = new SampleCommands(seen::add);
        assertEquals("OK", commands.check("4096"));
        assertEquals(List.of(4096), seen);
    }

    @Test
    void checkDoesNotCallTheDriverForInvalidInput() {
        List<Integer> seen = new ArrayList<>();
        SampleCommands commands = new SampleCommands(seen::add);
        assertThrows(IllegalArgumentException.class, () -> commands.check("131072"));
        assertEquals(List.of(), seen);
    }

    @Test
    void checkPropagatesDriverFailure() {
        ProtocolException failure = new ProtocolException(SampleDriver.DRIVER_NAME, "bad reply");
        SampleCommands commands = new SampleCommands(offset -> {
            throw failure;
        });
        UmdException e = assertThrows(UmdException.class, () -> commands.check("1"));
        assertSame(failure, e);
    }
}
