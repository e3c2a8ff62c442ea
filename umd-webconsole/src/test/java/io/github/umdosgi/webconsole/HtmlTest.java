package io.github.umdosgi.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void markupBecomesInertText() {
        assertEquals("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34; &#39;a&#39;",
                Html.text("<script>alert(1)</script> & \"q\" 'a'"));
    }

    @Test
    void controlsAndBidiOverridesAreMadeVisibleBeforeEncoding() {
        String shown = Html.text("a\u001b[2Jb\u202ec\nd");
        assertEquals("a\\e[2Jb\\u202ec\\nd", shown);
    }

    @Test
    void longFieldsAreCut() {
        String shown = Html.text("x".repeat(Html.MAX_FIELD + 500));
        assertTrue(shown.startsWith("x".repeat(Html.MAX_FIELD)), shown);
        assertTrue(shown.contains("500 more"), shown);
    }

    @Test
    void linesAreEscapedOneByOneAndJoinedByLineFeeds() {
        assertEquals("&lt;b&gt;\n\\e[1m", Html.lines(List.of("<b>", "\u001b[1m")));
    }

    @Test
    void queryValuesArePercentEncoded() {
        String q = Html.query("a b&c\"<");
        assertFalse(q.contains(" ") || q.contains("&") || q.contains("\"") || q.contains("<"), q);
    }
}
