package io.github.umdosgi.impl.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeTextTest {

    /** Nothing in the output may be a character a terminal acts on. */
    private static void assertInert(String shown) {
        shown.codePoints().forEach(c -> assertFalse(SafeText.needsEscape(c),
                () -> String.format("U+%04X left raw in %s", c, shown.replace("\u001b", "<ESC>"))));
    }

    @Test
    void quotedMarksWhereUntrustedTextBeginsAndEnds() {
        assertEquals("'a\\e[2J\\nb'", SafeText.quoted("a\u001b[2J\nb", 256));
        assertEquals("(none)", SafeText.quoted(null, 256));
    }

    @Test
    void plainTextIsReturnedAsItIsWithoutACopy() {
        String plain = "driver 'sample' loaded from bundle io.github.umdosgi.sample [14]";
        assertSame(plain, SafeText.field(plain));
    }

    @Test
    void terminalEscapeSequencesBecomeVisible() {
        // Clear screen, set the window title (OSC ... BEL), and a CSI through the C1 control.
        assertEquals("\\e[2J\\e]0;title\\x07\\u009b31m", SafeText.field("\u001b[2J\u001b]0;title\u0007\u009b31m"));
    }

    @Test
    void everyC0ControlAndDelIsEscaped() {
        assertEquals("\\x00\\x01\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x1a\\e\\x1f\\x7f",
                SafeText.field("\u0000\u0001\u0007\u0008\t\n\u000b\u000c\r\u001a\u001b\u001f\u007f"));
        for (int c = 0; c < 0x20; c++) {
            String shown = SafeText.field("a" + (char) c + "b");
            assertTrue(shown.startsWith("a\\") && shown.endsWith("b"), shown);
            assertInert(shown);
        }
    }

    @Test
    void everyC1ControlIsEscaped() {
        for (int c = 0x80; c <= 0x9f; c++) {
            assertEquals(String.format("x\\u%04xy", c), SafeText.field("x" + (char) c + "y"));
        }
        assertEquals("\u00a0\u00e9", SafeText.field("\u00a0\u00e9"), "U+00A0 and above are printable");
    }

    @Test
    void bidiControlsAndSeparatorsAreEscaped() {
        int[] hidden = {0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
            0x2069, 0x2028, 0x2029, 0x200b, 0x200d, 0xfeff, 0x00ad};
        for (int c : hidden) {
            assertEquals(String.format("\\u%04x", c), SafeText.field(String.valueOf((char) c)));
        }
        // The classic: a file name that reads as "exe.txt" but is "txt.exe" reversed.
        assertEquals("invoice\\u202etxt.exe", SafeText.field("invoice\u202etxt.exe"));
    }

    @Test
    void multiByteTextAndSurrogatePairsStayIntact() {
        String text = "grüße, 日本語, ✓, 😀, 𝄞";
        assertSame(text, SafeText.field(text));
        // A pair next to controls is copied whole, never split into two escapes.
        assertEquals("\\e😀\\e", SafeText.field("\u001b😀\u001b"));
    }

    @Test
    void loneSurrogatesAreEscapedAndFormatCharactersAboveTheBmpToo() {
        assertEquals("a\\ud800b", SafeText.field("a\ud800b"));
        assertEquals("a\\udc00", SafeText.field("a\udc00"));
        assertEquals("\\ud83d", SafeText.field("\ud83d"), "a high surrogate at the end");
        // U+E0001 LANGUAGE TAG: invisible, a format character outside the BMP.
        assertEquals("x\\u{e0001}y", SafeText.field("x" + Character.toString(0xe0001) + "y"));
    }

    @Test
    void aStringOfOnlyControlsIsAllEscapes() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 0x20; c++) {
            all.append((char) c);
        }
        for (int c = 0x7f; c <= 0x9f; c++) {
            all.append((char) c);
        }
        String shown = SafeText.field(all);
        assertInert(shown);
        assertEquals(0, shown.replaceAll("\\\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnre])", "").length(), shown);
    }

    @Test
    void longTextIsCutWithAVisibleCountOfWhatIsLeft() {
        assertEquals("abc…(7 more chars)", SafeText.field("abcdefghij", 3));
        assertEquals("abcdefghij", SafeText.field("abcdefghij", 10), "exactly at the bound is not cut");
        assertEquals("…(1 more chars)", SafeText.field("a", 0));
        assertEquals(SafeText.DEFAULT_MAX + "…(5 more chars)".length(),
                SafeText.field("y".repeat(SafeText.DEFAULT_MAX + 5)).length());
    }

    @Test
    void theBoundCountsEscapesAndNeverCutsOneOrAPair() {
        // "\e" takes two characters: with room for three, the second escape does not fit.
        assertEquals("\\e…(2 more chars)", SafeText.field("\u001b\u001bx", 3));
        assertEquals("\\u202e…(1 more chars)", SafeText.field("\u202ex", 6));
        assertEquals("a…(1 more chars)", SafeText.field("a😀", 2), "the pair is two chars and does not fit in one");
        assertEquals("a😀", SafeText.field("a😀", 3));
        assertEquals("😀…(1 more chars)", SafeText.field("😀😀", 3), "the rest is counted in code points");
    }

    @Test
    void escapingTwiceChangesNothing() {
        String hostile = "\u001b[2J\r\n\u009b\u202e tab\there \\e literal";
        String once = SafeText.field(hostile);
        assertEquals(once, SafeText.field(once));
        String cut = SafeText.field(hostile, 10);
        assertEquals(cut, SafeText.field(cut, 100));
    }

    @Test
    void linesKeepTheirLayoutButNotACarriageReturnThatOverwrites() {
        assertEquals("a\tb\r\nc\n", SafeText.lines("a\tb\r\nc\n", 100));
        assertEquals("ok\\rFAKE\n", SafeText.lines("ok\rFAKE\n", 100));
        assertEquals("\\e[2J\nx\\u202e", SafeText.lines("\u001b[2J\nx\u202e", 100));
        assertEquals("\\r", SafeText.lines("\r", 100), "a CR at the end is alone");
    }

    @Test
    void nullIsShownAsNullAndANegativeBoundIsRefused() {
        assertEquals("null", SafeText.field(null));
        assertThrows(IllegalArgumentException.class, () -> SafeText.field("x", -1));
    }
}
