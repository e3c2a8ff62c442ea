package io.github.umdosgi.webconsole;

import java.util.List;

import org.owasp.encoder.Encode;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Turns untrusted text (anything a handler wrote or a bundle declared: names,
 * last errors, stderr lines, settings) into HTML that shows it literally.
 * Two steps, each for its own audience: {@link SafeText} makes what a
 * terminal or a reader would act on visible (controls, bidirectional
 * overrides, invisible format characters) and bounds the length; the OWASP
 * encoder then makes the markup characters inert, for element content and
 * for quoted attribute values alike. Stateless.
 */
final class Html {

    /** The longest field shown; a last error or a stderr line beyond it is cut with a marker. */
    static final int MAX_FIELD = 2000;

    private Html() {
    }

    /**
     * @param untrusted any text; null gives "null"
     * @return it escaped for element content or a double- or single-quoted attribute value
     */
    static String text(CharSequence untrusted) {
        return Encode.forHtml(SafeText.field(untrusted, MAX_FIELD));
    }

    /**
     * @param untrusted lines, e.g. a handler's recent stderr
     * @return each line escaped as by {@link #text}, joined by line feeds (for a {@code pre})
     */
    static String lines(List<String> untrusted) {
        StringBuilder out = new StringBuilder();
        for (String line : untrusted) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(text(line));
        }
        return out.toString();
    }

    /**
     * @param untrusted a value for a URL query
     * @return it percent-encoded, safe inside a quoted attribute as well
     */
    static String query(CharSequence untrusted) {
        return Encode.forUriComponent(SafeText.field(untrusted, MAX_FIELD));
    }
}
