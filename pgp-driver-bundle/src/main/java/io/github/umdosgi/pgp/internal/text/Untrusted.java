package io.github.umdosgi.pgp.internal.text;

/**
 * Makes untrusted text (what the parser or a key file says) safe for a terminal or a log line: one
 * line, bounded, every control, format (bidi) or unpaired surrogate character written as
 * {@code \\uXXXX}, backslashes doubled. The same rules as the manager's SafeText, which this bundle
 * cannot import (the manager exports nothing).
 */
public final class Untrusted {

    /** Longest escaped text kept, in characters of the input. */
    public static final int MAX = 256;

    private Untrusted() {
    }

    /**
     * @param text untrusted text, or null
     * @return the text quoted in single quotes and escaped, at most {@link #MAX} input characters
     */
    public static String quoted(CharSequence text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX) + 8).append('\'');
        int n = Math.min(text.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                sb.append(c).append(text.charAt(++i));
            } else if (c == '\\') {
                sb.append("\\\\");
            } else if (needsEscape(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(text.length() > n ? "...'" : "'").toString();
    }

    private static boolean needsEscape(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE;
    }
}
