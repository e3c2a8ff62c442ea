package io.github.umdosgi.impl.shell;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Renders a reply for a terminal: printable UTF-8 as text, anything else as
 * hex. Text keeps its lines and tabs; what could still act on the terminal
 * (a lone CR, bidi overrides, invisible format characters) is escaped by
 * {@link SafeText}. Stateless.
 */
final class ReplyFormat {

    /** Longer binary replies are cut in the display, with their full size stated. */
    static final int MAX_HEX_BYTES = 256;

    /** Longer text replies are cut in the display, with the count of characters left out. */
    static final int MAX_TEXT_CHARS = 64 << 10;

    private ReplyFormat() {
    }

    static String format(byte[] reply) {
        String text = printable(reply);
        if (text != null) {
            return SafeText.lines(text, MAX_TEXT_CHARS);
        }
        int shown = Math.min(reply.length, MAX_HEX_BYTES);
        String hex = HexFormat.ofDelimiter(" ").formatHex(reply, 0, shown);
        return shown < reply.length ? hex + " ... (" + reply.length + " bytes)" : hex;
    }

    /** @return the text, or null when the bytes are not valid UTF-8 or hold control characters */
    static String printable(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
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
