package io.github.umdosgi.impl.text;

/**
 * Makes text from handlers and bundles safe to print on an operator's
 * terminal: every character a terminal would act on instead of showing
 * (C0 and C1 controls, DEL, bidirectional overrides and isolates, line and
 * paragraph separators, other invisible format characters, lone surrogates)
 * becomes a visible escape: {@code \e}, {@code \r}, {@code \n}, {@code \t},
 * {@code \xHH} for the other ASCII controls and DEL, a backslash, {@code u} and four
 * hex digits for the rest (U+202E gives backslash-u-202e; written out here
 * because Java would decode it even in a comment), and {@code u{...}} after
 * the backslash above U+FFFF. Text beyond a bound is replaced by
 * {@code …(N more chars)}.
 *
 * <p>Backslashes are left alone, so that escaping escaped text changes
 * nothing: a message passes several layers (a handler's stderr line, the
 * driver's last error, the log, the console echo) and each may escape it
 * without piling up backslashes. The price is that a handler can print a
 * literal {@code \e}; it is visible either way, which is all this promises.
 *
 * <p>No dependencies: the launcher compiles this same file into its own jar
 * (see felix-launcher's pom), as it cannot see the manager bundle's classes.
 * Stateless.
 */
public final class SafeText {

    /** The bound when none is given: long enough for any message worth reading on a terminal. */
    public static final int DEFAULT_MAX = 8192;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SafeText() {
    }

    /**
     * Escapes one field: a line, a name, a message. Line breaks and tabs are
     * escaped too, so a field can neither start a line of its own nor
     * misalign a table.
     *
     * @param text any text; null gives "null"
     * @return the text escaped and cut at {@link #DEFAULT_MAX} characters
     */
    public static String field(CharSequence text) {
        return field(text, DEFAULT_MAX);
    }

    /**
     * As {@link #field(CharSequence)}, with a bound.
     *
     * @param text any text; null gives "null"
     * @param max the most characters kept before the marker; an escape is kept whole or not at all
     * @return the escaped text, at most {@code max} characters plus the marker
     */
    public static String field(CharSequence text, int max) {
        return escape(text, max, false);
    }

    /**
     * As {@link #field(CharSequence, int)}, in single quotes, so that a
     * message shows where untrusted text begins and ends.
     *
     * @param text any text; null gives "(none)"
     * @param max the most characters kept before the marker
     * @return {@code 'escaped text'}
     */
    public static String quoted(CharSequence text, int max) {
        return text == null ? "(none)" : "'" + escape(text, max, false) + "'";
    }

    /**
     * Escapes a block of lines, such as a command's output: line feeds, tabs
     * and the carriage return of a CRLF stay, as they only lay the text out;
     * a carriage return alone, which would overwrite the line, is escaped.
     *
     * @param text any text; null gives "null"
     * @param max the most characters kept before the marker
     * @return the escaped text
     */
    public static String lines(CharSequence text, int max) {
        return escape(text, max, true);
    }

    /**
     * @param c a code point; a surrogate stands for one that is not part of a pair
     * @return whether {@link #field} escapes it
     */
    public static boolean needsEscape(int c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return true;
        }
        if (c < 0xa0) {
            return false;
        }
        return switch (Character.getType(c)) {
            // FORMAT covers the bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9), zero-width
            // characters and the BOM; the separators are U+2028 and U+2029.
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
            default -> false;
        };
    }

    private static String escape(CharSequence text, int max, boolean keepLines) {
        if (text == null) {
            text = "null";
        }
        if (max < 0) {
            throw new IllegalArgumentException("negative bound " + max);
        }
        int length = text.length();
        if (length <= max && isClean(text, keepLines)) {
            // The common case: nothing to do, and no copy.
            return text.toString();
        }
        StringBuilder out = new StringBuilder(Math.min(length, max) + 24);
        int i = 0;
        while (i < length) {
            int c = Character.codePointAt(text, i);
            int width = Character.charCount(c);
            int before = out.length();
            if (!needsEscape(c) || (keepLines && kept(text, i, c))) {
                out.appendCodePoint(c);
            } else {
                appendEscape(out, c);
            }
            if (out.length() > max) {
                out.setLength(before);
                out.append("…(").append(Character.codePointCount(text, i, length)).append(" more chars)");
                break;
            }
            i += width;
        }
        return out.toString();
    }

    private static boolean isClean(CharSequence text, boolean keepLines) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                int pair = Character.toCodePoint(c, text.charAt(++i));
                if (needsEscape(pair)) {
                    return false;
                }
            } else if (needsEscape(c) && !(keepLines && kept(text, i, c))) {
                return false;
            }
        }
        return true;
    }

    /** In a block of lines: LF, TAB, and a CR right before LF. */
    private static boolean kept(CharSequence text, int i, int c) {
        return c == '\n' || c == '\t' || (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n');
    }

    private static void appendEscape(StringBuilder out, int c) {
        switch (c) {
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case 0x1b -> out.append("\\e");
            default -> {
                if (c < 0x80) {
                    out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                } else if (c <= 0xffff) {
                    out.append("\\u");
                    hex(out, c, 4);
                } else {
                    out.append("\\u{").append(Integer.toHexString(c)).append('}');
                }
            }
        }
    }

    private static void hex(StringBuilder out, int c, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(HEX[(c >> shift) & 0xf]);
        }
    }
}
