package io.github.umdosgi.impl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ReplyFormatTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainAsciiIsText() {
        assertEquals("hello world", ReplyFormat.format(utf8("hello world")));
    }

    @Test
    void utf8IsText() {
        assertEquals("grüße, 日本, ✓ 🎉", ReplyFormat.format(utf8("grüße, 日本, ✓ 🎉")));
    }

    @Test
    void newlinesTabsAndCarriageReturnsAreText() {
        assertEquals("a\tb\r\nc\n", ReplyFormat.format(utf8("a\tb\r\nc\n")));
    }

    @Test
    void textThatCouldStillActOnTheTerminalIsEscaped() {
        // A lone CR overwrites the line; a bidi override reverses what follows; U+2028 breaks it.
        assertEquals("done\\rFAKE", ReplyFormat.format(utf8("done\rFAKE")));
        assertEquals("file \\u202etxt.exe", ReplyFormat.format(utf8("file \u202etxt.exe")));
        assertEquals("a\\u2028b", ReplyFormat.format(utf8("a\u2028b")));
    }

    @Test
    void longTextIsCutWithTheCountLeftOut() {
        String shown = ReplyFormat.format(utf8("z".repeat(ReplyFormat.MAX_TEXT_CHARS + 3)));
        assertEquals("z".repeat(ReplyFormat.MAX_TEXT_CHARS) + "…(3 more chars)", shown);
    }

    @Test
    void emptyReplyIsEmptyText() {
        assertEquals("", ReplyFormat.format(new byte[0]));
    }

    @Test
    void controlBytesMakeItHex() {
        assertEquals("68 69 00", ReplyFormat.format(new byte[] {'h', 'i', 0}));
        // An escape sequence must never reach the terminal as text.
        assertEquals("1b 5b 32 4a", ReplyFormat.format(new byte[] {0x1b, '[', '2', 'J'}));
        assertEquals("07", ReplyFormat.format(new byte[] {7}));
        assertEquals("7f", ReplyFormat.format(new byte[] {0x7f}));
        // C1 controls encoded as valid UTF-8 (U+009B is a CSI on some terminals).
        assertEquals("c2 9b", ReplyFormat.format(new byte[] {(byte) 0xc2, (byte) 0x9b}));
    }

    @Test
    void invalidUtf8IsHex() {
        assertNull(ReplyFormat.printable(new byte[] {(byte) 0xff}));
        assertEquals("ff", ReplyFormat.format(new byte[] {(byte) 0xff}));
        // Truncated multi-byte sequence.
        assertEquals("41 e2 9c", ReplyFormat.format(new byte[] {'A', (byte) 0xe2, (byte) 0x9c}));
        // Overlong encoding of '/'.
        assertEquals("c0 af", ReplyFormat.format(new byte[] {(byte) 0xc0, (byte) 0xaf}));
        // Lone surrogate encoded in UTF-8 (CESU style).
        assertEquals("ed a0 80", ReplyFormat.format(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
    }

    @Test
    void shortBinaryIsShownWhole() {
        byte[] reply = new byte[ReplyFormat.MAX_HEX_BYTES];
        reply[0] = 1;
        String shown = ReplyFormat.format(reply);
        assertEquals(ReplyFormat.MAX_HEX_BYTES * 3 - 1, shown.length());
        assertTrue(shown.startsWith("01 00 00"));
        assertTrue(!shown.contains("bytes"), shown);
    }

    @Test
    void longBinaryIsTruncatedWithItsSize() {
        byte[] reply = new byte[128 * 1024];
        reply[0] = (byte) 0xab;
        reply[ReplyFormat.MAX_HEX_BYTES - 1] = (byte) 0xcd;
        reply[ReplyFormat.MAX_HEX_BYTES] = (byte) 0xef;
        String shown = ReplyFormat.format(reply);
        assertTrue(shown.endsWith(" …(" + (131072 - ReplyFormat.MAX_HEX_BYTES) + " more bytes not shown; 131072 bytes in all)"),
                shown.substring(Math.max(0, shown.length() - 60)));
        String hex = shown.substring(0, shown.indexOf(" …"));
        String[] bytes = hex.split(" ");
        assertEquals(ReplyFormat.MAX_HEX_BYTES, bytes.length);
        assertEquals("ab", bytes[0]);
        assertEquals("cd", bytes[ReplyFormat.MAX_HEX_BYTES - 1]);
        assertTrue(!shown.contains("ef"), "byte " + ReplyFormat.MAX_HEX_BYTES + " is not shown");
    }

    @Test
    void longTextIsNotTruncated() {
        String text = "x".repeat(10_000);
        assertEquals(text, ReplyFormat.format(utf8(text)));
    }

    @Test
    void printableReturnsNullForBinaryAndTextOtherwise() {
        assertNull(ReplyFormat.printable(new byte[] {1, 2, 3}));
        assertEquals("ok", ReplyFormat.printable(utf8("ok")));
    }

    @Test
    void aLongTextReplyIsCutAtTheByteLimitSayingHowMuchWasLeftOut() {
        String shown = ReplyFormat.format(utf8("a".repeat(1 << 20)), 10);
        assertEquals("aaaaaaaaaa\n…(1048566 more bytes not shown; 1048576 bytes in all)", shown);
    }

    @Test
    void theByteLimitNeverSplitsAUtf8Sequence() {
        // "ü" is two bytes: a cut after byte 2 would split the second one, so the text stops before it.
        String shown = ReplyFormat.format(utf8("aüü"), 2);
        assertEquals("a\n…(4 more bytes not shown; 5 bytes in all)", shown);
    }

    @Test
    void notUtf8IsShownAsHexNeverAsReplacementCharacters() {
        String shown = ReplyFormat.format(new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe});
        assertEquals("6f 6b ff fe", shown);
        assertTrue(!shown.contains("\ufffd"), shown);
    }

    @Test
    void aShortReplyIsWholeUnderTheLimit() {
        assertEquals("hello", ReplyFormat.format(utf8("hello"), ReplyFormat.DEFAULT_MAX_BYTES));
    }
}
