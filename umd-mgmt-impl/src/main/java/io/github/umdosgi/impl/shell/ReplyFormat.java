package io.github.umdosgi.impl.shell;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Renders a reply for a terminal: printable UTF-8 as text, anything else
 * (bytes that are not UTF-8, control characters) as hex, never decoded into
 * U+FFFD. At most a given number of bytes is shown, and what was left out is
 * said. Text keeps its lines and tabs; what could still act on the terminal
 * (a lone CR, bidi overrides, invisible format characters) is escaped by
 * {@link SafeText}. Stateless.
 */
final class ReplyFormat {

    /** Bytes of a reply shown when the command does not say otherwise. */
    static final int DEFAULT_MAX_BYTES = 4096;

    /** Longer binary replies are cut in the display, with their full size stated. */
    static final int MAX_HEX_BYTES = 256;

    /** Longer text replies are cut in the display, with the count of characters left out. */
    static final int MAX_TEXT_CHARS = 64 << 10;

    private ReplyFormat() {
    }

    static String format(byte[] reply) {
        return format(reply, Integer.MAX_VALUE);
    }

    /**
     * @param reply the reply
     * @param maxBytes at most this many bytes are shown (as text or hex)
     * @return the display, ending in a note of the bytes left out when the reply was cut
     */
    static String format(byte[] reply, int maxBytes) {
        int shown = Math.min(reply.length, maxBytes);
        String text = printable(reply, textEnd(reply, shown));
        String body;
        int used;
        if (text != null) {
            body = SafeText.lines(text, MAX_TEXT_CHARS);
            used = textEnd(reply, shown);
        } else {
            used = Math.min(shown, MAX_HEX_BYTES);
            body = HexFormat.ofDelimiter(" ").formatHex(reply, 0, used);
        }
        if (used == reply.length) {
            return body;
        }
        return body + (text != null ? "\n" : " ") + "…(" + (reply.length - used) + " more bytes not shown; "
                + reply.length + " bytes in all)";
    }

    /** @return where to cut for text: {@code at}, moved back so that no UTF-8 sequence is split */
    private static int textEnd(byte[] bytes, int at) {
        if (at >= bytes.length) {
            return bytes.length;
        }
        int end = at;
        // Back over at most three continuation bytes to the start of the sequence they belong to.
        while (end > 0 && at - end < 3 && (bytes[end] & 0xc0) == 0x80) {
            end--;
        }
        return end;
    }

    /** @return the text, or null when the bytes are not valid UTF-8 or hold control characters */
    static String printable(byte[] bytes) {
        return printable(bytes, bytes.length);
    }

    private static String printable(byte[] bytes, int length) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return null;
            }
        }
        return text;
    }
}
