package io.github.umdosgi.impl.extender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.umdosgi.api.DriverDescriptor;

/** The header attributes of handler trees, Java handlers and max-calls. */
class DriverHeaderTreeAttributesTest {

    private static final String SHA = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";

    private static DriverDescriptor parse(String header) {
        return DriverHeaderParser.parse(header).get(0).descriptor();
    }

    @Test
    void aScriptWithItsTree() {
        DriverDescriptor d = parse("py;handler=py/upper.py;tree=py;tree-sha256=" + SHA + ";max-calls=3");
        assertEquals("py/upper.py", d.handler());
        assertEquals(Optional.of("py"), d.tree());
        assertEquals(Optional.of(SHA.toLowerCase(java.util.Locale.ROOT)), d.treeSha256());
        assertEquals(Optional.empty(), d.javaMain());
        assertEquals(3, d.maxCalls());
    }

    @Test
    void aJavaHandlerHasItsTreeAsHandler() {
        DriverDescriptor d = parse("upper;java=com.example.Upper;tree=lib;jvm-options=\"-Xss256k -Dx=y\"");
        assertEquals(Optional.of("com.example.Upper"), d.javaMain());
        assertEquals("lib", d.handler());
        assertEquals(Optional.of("lib"), d.tree());
        assertEquals(List.of("-Xss256k", "-Dx=y"), d.jvmOptions());
        assertEquals(0, d.maxCalls(), "no reuse limit by default");
        assertEquals(d, d.toBuilder().build(), "the builder keeps the new settings");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x;java=com.example.Upper|needs tree=",
        "x;java=com.example.Upper;tree=lib;handler=bin/h|either handler",
        "x;java=1bad;tree=lib|is not a class name",
        "x;java=a.B;tree=lib;jvm-options=--add-opens|neither -X... nor -D...",
        "x;handler=bin/h;jvm-options=-Xmx1m|jvm-options needs java",
        "x;handler=bin/h;tree=../up|invalid tree path '../up'",
        "x;handler=bin/h;tree=/abs|invalid tree path '/abs'",
        "x;handler=bin/h;tree=a//b|invalid tree path",
        "x;handler=bin/h;tree-sha256=" + SHA + "|a tree digest but no tree",
        "x;handler=bin/h;tree=t;tree-sha256=abc|invalid tree-sha256",
        "x;handler=bin/h;max-calls=-1|max-calls='-1' is not a non-negative integer",
        "x;handler=bin/h;max-calls=many|max-calls='many' is not a non-negative integer",
    })
    void badValuesAreRefusedNamingWhatIsWrong(String header, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriverHeaderParser.parse(header));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("'x'") || e.getMessage().contains("tree path"), e.getMessage());
    }

    @Test
    void javaBuilderMatchesTheHeader() {
        assertEquals(parse("j;java=a.B;tree=lib"), DriverDescriptor.javaBuilder("j", "lib", "a.B").build());
    }
}
