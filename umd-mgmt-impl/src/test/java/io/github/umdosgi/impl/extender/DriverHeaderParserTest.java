package io.github.umdosgi.impl.extender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.RestartPolicy;
import io.github.umdosgi.api.UmdManager;

class DriverHeaderParserTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static String error(String header) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverHeaderParser.parse(header), "header must be refused: " + header);
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        return e.getMessage();
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "expected '" + part + "' in: " + text);
        }
    }

    @Test
    void minimalClauseGetsDefaults() {
        List<DriverDeclaration> list = DriverHeaderParser.parse("sample;handler=bin/handler");
        assertEquals(1, list.size());
        DriverDescriptor d = list.get(0).descriptor();
        assertEquals("sample", d.name());
        assertEquals("bin/handler", d.handler());
        assertEquals(Optional.empty(), d.sha256());
        assertEquals(UmdManager.DEFAULT_CALL_TIMEOUT, d.callTimeout());
        assertEquals(DriverDescriptor.DEFAULT_START_TIMEOUT, d.startTimeout());
        assertEquals(UmdManager.DEFAULT_MAX_MESSAGE_SIZE, d.maxMessageSize());
        assertEquals(1, d.instances());
        assertEquals(Optional.empty(), list.get(0).postStartClass());
    }

    @Test
    void everyAttributeIsMapped() {
        DriverDeclaration decl = DriverHeaderParser.parse("sample.driver-1;handler=native/linux/x86_64/h;sha256="
                + SHA + ";timeout=1500;start-timeout=2500;max-message=131072;instances=4;"
                + "post-start=com.example.sample.Hook").get(0);
        DriverDescriptor d = decl.descriptor();
        assertEquals("sample.driver-1", d.name());
        assertEquals("native/linux/x86_64/h", d.handler());
        assertEquals(Optional.of(SHA), d.sha256());
        assertEquals(Duration.ofMillis(1500), d.callTimeout());
        assertEquals(Duration.ofMillis(2500), d.startTimeout());
        assertEquals(131072, d.maxMessageSize());
        assertEquals(4, d.instances());
        assertEquals(Optional.of("com.example.sample.Hook"), decl.postStartClass());
    }

    @Test
    void attributeOrderAndWhitespaceDoNotMatter() {
        DriverDeclaration decl = DriverHeaderParser.parse(
                "  sample ; timeout = 7 ;  instances=2 ; handler = h ").get(0);
        assertEquals("sample", decl.descriptor().name());
        assertEquals("h", decl.descriptor().handler());
        assertEquals(Duration.ofMillis(7), decl.descriptor().callTimeout());
        assertEquals(2, decl.descriptor().instances());
    }

    @Test
    void upperCaseDigestIsNormalisedToLowerCase() {
        DriverDescriptor d = DriverHeaderParser.parse("s;handler=h;sha256=" + SHA.toUpperCase()).get(0).descriptor();
        assertEquals(Optional.of(SHA), d.sha256());
    }

    @Test
    void multipleClausesKeepTheirOrderAndAttributes() {
        List<DriverDeclaration> list = DriverHeaderParser.parse(
                "alpha;handler=a;timeout=100, beta;handler=b/b;instances=3 ,gamma;handler=g;post-start=x.Y");
        assertEquals(List.of("alpha", "beta", "gamma"), list.stream().map(x -> x.descriptor().name()).toList());
        assertEquals(Duration.ofMillis(100), list.get(0).descriptor().callTimeout());
        assertEquals(1, list.get(0).descriptor().instances());
        assertEquals("b/b", list.get(1).descriptor().handler());
        assertEquals(3, list.get(1).descriptor().instances());
        assertEquals(UmdManager.DEFAULT_CALL_TIMEOUT, list.get(1).descriptor().callTimeout());
        assertEquals(Optional.of("x.Y"), list.get(2).postStartClass());
        assertEquals(Optional.empty(), list.get(1).postStartClass());
    }

    @Test
    void quotedValuesAreUnquotedAndMayHoldSeparators() {
        DriverDeclaration decl = DriverHeaderParser.parse(
                "q;handler=\"bin/my handler\";timeout=\"250\";post-start=\"a.b.C\"").get(0);
        assertEquals("bin/my handler", decl.descriptor().handler());
        assertEquals(Duration.ofMillis(250), decl.descriptor().callTimeout());
        assertEquals(Optional.of("a.b.C"), decl.postStartClass());

        // Commas and semicolons inside quotes do not split clauses or attributes.
        List<DriverDeclaration> list = DriverHeaderParser.parse("q;handler=\"dir,x;y/h\", r;handler=r");
        assertEquals(2, list.size());
        assertEquals("dir,x;y/h", list.get(0).descriptor().handler());
        assertEquals("r", list.get(1).descriptor().handler());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void emptyHeaderIsRefused(String header) {
        assertContains(error(header), "UMD-Driver", "empty");
    }

    @Test
    void nullHeaderIsRefused() {
        assertContains(error(null), "empty");
    }

    @Test
    void missingHandlerIsRefused() {
        assertContains(error("sample;timeout=10"), "sample", "handler", "required");
    }

    @Test
    void unknownAttributeIsRefusedNamingIt() {
        String message = error("sample;handlr=bin/h");
        assertContains(message, "sample", "unknown attribute 'handlr'", "handler");
    }

    @Test
    void attributeNamesAreCaseSensitive() {
        assertContains(error("sample;Handler=h"), "unknown attribute 'Handler'");
    }

    @Test
    void duplicateAttributeIsRefused() {
        assertContains(error("sample;handler=a;handler=b"), "sample", "'handler'", "twice");
        assertContains(error("sample;handler=a;timeout=1;timeout=2"), "'timeout'", "twice");
    }

    @Test
    void duplicateDriverNameIsRefused() {
        assertContains(error("same;handler=a, other;handler=b, same;handler=c"), "'same'", "twice");
    }

    private static final Platform LINUX_X64 = new Platform("linux", "x86-64");
    private static final String PER_PLATFORM = "tool;handler=bin/mac/tool;osname=\"Mac OS X\";processor=arm64,"
            + " tool;handler=bin/linux-arm/tool;osname=Linux;processor=aarch64,"
            + " tool;handler=bin/linux-x64/tool;osname=Linux;processor=\"amd64, x86_64\";instances=2,"
            + " tool;handler=bin/other/tool,"
            + " solo;handler=bin/solo;osname=win32";

    @Test
    void thePlatformPicksTheFirstMatchingClauseWithBundleNativeCodeAliases() {
        DriverHeaderParser.Selection linux = DriverHeaderParser.parse(PER_PLATFORM, LINUX_X64);
        assertEquals(1, linux.declarations().size());
        DriverDescriptor tool = linux.declarations().get(0).descriptor();
        assertEquals("bin/linux-x64/tool", tool.handler(), "x86_64 and amd64 are x86-64");
        assertEquals(2, tool.instances(), "the chosen clause's own attributes");

        DriverHeaderParser.Selection mac = DriverHeaderParser.parse(PER_PLATFORM, new Platform("macosx", "aarch64"));
        assertEquals("bin/mac/tool", mac.declarations().get(0).descriptor().handler());
        DriverHeaderParser.Selection other = DriverHeaderParser.parse(PER_PLATFORM, new Platform("freebsd", "x86-64"));
        assertEquals("bin/other/tool", other.declarations().get(0).descriptor().handler(), "the catch-all last clause");
        DriverHeaderParser.Selection windows = DriverHeaderParser.parse(PER_PLATFORM,
                new Platform(Platform.normaliseOs("Windows 11"), "x86-64"));
        assertEquals(List.of("tool", "solo"), windows.declarations().stream().map(d -> d.descriptor().name()).toList());
    }

    @Test
    void aDriverWithoutAClauseForThisPlatformIsUnavailableWithTheOffers() {
        DriverHeaderParser.Selection linux = DriverHeaderParser.parse(PER_PLATFORM, LINUX_X64);
        String reason = linux.unavailable().get("solo");
        assertContains(reason, "no handler for this platform (linux/x86-64)", "win32/any processor");
        assertEquals(List.of("solo"), List.copyOf(linux.unavailable().keySet()));
    }

    @Test
    void aClauseForEveryPlatformMustComeLast() {
        assertContains(error("tool;handler=a, tool;handler=b;osname=linux"), "'tool'", "twice", "osname or processor");
        assertContains(error("tool;handler=a;processor=x86-64, tool;handler=b, tool;handler=c"), "'tool'", "twice");
    }

    @Test
    void platformNamesAreNormalisedAsTheFrameworkDoes() {
        assertEquals("x86-64", Platform.normaliseProcessor("AMD64"));
        assertEquals("aarch64", Platform.normaliseProcessor("arm64"));
        assertEquals("x86", Platform.normaliseProcessor("i686"));
        assertEquals("macosx", Platform.normaliseOs("Mac OS X"));
        assertEquals("linux", Platform.normaliseOs("Linux"));
        assertEquals("win32", Platform.normaliseOs("Windows Server 2022"));
        assertTrue(LINUX_X64.matches(List.of(), List.of()), "no selector matches any platform");
        assertTrue(!LINUX_X64.matches(List.of("linux"), List.of("aarch64")));
    }

    @Test
    void theProtocolAHeaderRequiresMustBeTheOneSpoken() {
        assertEquals("h", DriverHeaderParser.parse("p;handler=h;protocol=1").get(0).descriptor().handler());
        assertContains(error("p;handler=h;protocol=2"), "'p'", "protocol=2", "speaks protocol 1");
        assertContains(error("p;handler=h;protocol=one"), "'p'", "protocol='one'", "positive integer");
    }

    @Test
    void partWithoutEqualsIsRefused() {
        assertContains(error("sample;handler=h;verbose"), "sample", "verbose", "key=value");
        assertContains(error("sample;handler=h;=x"), "key=value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-leading-dash", "has space", "sl/ash", "ü-umlaut", ".hidden",
            "x12345678901234567890123456789012345678901234567890123456789012345"})
    void badNameIsRefused(String name) {
        assertContains(error(name + ";handler=h"), "invalid driver name");
    }

    @Test
    void clauseWithoutNameIsRefused() {
        assertContains(error("handler=h"), "must start with a driver name");
        assertContains(error(";handler=h"), "must start with a driver name");
        // A trailing comma leaves an empty clause.
        assertContains(error("a;handler=h,"), "must start with a driver name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../h", "bin/../../etc/passwd", "bin/..", "/bin/sh", "bin\\h", "bin//h", "./h", "bin/"})
    void escapingOrMalformedHandlerPathIsRefused(String path) {
        assertContains(error("sample;handler=\"" + path + "\""), "invalid handler path", path);
    }

    @Test
    void emptyHandlerIsRefused() {
        assertContains(error("sample;handler="), "invalid handler path");
        assertContains(error("sample;handler=\"\""), "invalid handler path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout", "start-timeout", "max-message", "instances"})
    void nonPositiveOrNonNumericNumbersAreRefused(String key) {
        for (String bad : new String[] {"0", "-1", "abc", "1.5", "", "10ms", "0x10", "99999999999999999999"}) {
            String message = error("sample;handler=h;" + key + "=" + bad);
            assertContains(message, "sample", key + "='" + bad + "'",
                    key.equals("instances") ? "not an integer between 1 and 64"
                            : key.equals("max-message") ? "not an integer between 1 and 1073741824" : "not a positive integer");
        }
    }

    @Test
    void tooManyInstancesAreRefused() {
        assertContains(error("sample;handler=h;instances=65"), "instances", "64");
        assertEquals(64, DriverHeaderParser.parse("sample;handler=h;instances=64").get(0).descriptor().instances());
    }

    @Test
    void badDigestIsRefused() {
        for (String digest : new String[] {"abc", "xyz" + SHA, SHA.substring(1), SHA.replace('a', 'g'), SHA + "0", ""}) {
            assertContains(error("sample;handler=h;sha256=" + digest), "sha256", "sample", "64 hex digits");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1Hook", "com..Hook", "com.example.", ".Hook", "com/example/Hook", "Hook()", "a-b.C", "a b"})
    void badPostStartClassIsRefused(String className) {
        assertContains(error("sample;handler=h;post-start=\"" + className + "\""),
                "sample", "post-start '" + className + "'", "not a class name");
    }

    @Test
    void goodPostStartClassNamesAreAccepted() {
        for (String className : new String[] {"Hook", "a.b.C", "$Gen", "_x.y_1.Z$Inner", "ü.Klasse"}) {
            assertEquals(Optional.of(className),
                    DriverHeaderParser.parse("s;handler=h;post-start=" + className).get(0).postStartClass());
        }
    }

    @Test
    void unbalancedQuoteIsRefused() {
        assertContains(error("sample;handler=\"bin/h"), "unbalanced quote");
        assertContains(error("a;handler=a, b;handler=\"b"), "unbalanced quote");
    }

    @Test
    void namesOfAValidHeader() {
        assertEquals(List.of("alpha", "beta"), DriverHeaderParser.names("alpha;handler=a, beta;handler=b"));
    }

    @Test
    void namesOfABrokenHeaderStillFindsTheNames() {
        // Each of these fails parse(), but names() reports what it can.
        String header = "alpha;handlr=a, beta;handler=/abs;instances=0, ;handler=x, handler=y, gamma";
        assertThrows(IllegalArgumentException.class, () -> DriverHeaderParser.parse(header));
        assertEquals(List.of("alpha", "beta", "gamma"), DriverHeaderParser.names(header));
    }

    @Test
    void namesOfEmptyOrNullHeaderIsEmpty() {
        assertEquals(List.of(), DriverHeaderParser.names(null));
        assertEquals(List.of(), DriverHeaderParser.names(""));
        assertEquals(List.of(), DriverHeaderParser.names(" , ,"));
    }

    @Test
    void namesIncludesSyntacticallyBadNamesForTheCallerToFilter() {
        // The extender filters with DriverDescriptor.isValidName; names() just splits.
        assertEquals(List.of("bad name", "ok"), DriverHeaderParser.names("bad name;handler=h, ok;handler=h"));
    }

    @Test
    void namesOfAHeaderWithAnUnbalancedQuote() {
        // names() exists for headers that fail to parse; one with an unbalanced
        // quote is such a header. It throws instead of reporting the names it can read.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverHeaderParser.names("alpha;handler=h, beta;handler=\"x"));
        assertContains(e.getMessage(), "unbalanced quote");
    }

    @Test
    void restartPolicyAttributesAreMapped() {
        DriverDescriptor d = DriverHeaderParser.parse("s;handler=h;restart-intensity=3;restart-period=60000")
                .get(0).descriptor();
        assertEquals(3, d.restartPolicy().intensity());
        assertEquals(Duration.ofMinutes(1), d.restartPolicy().period());
        // The backoff is not configurable in the header and keeps its default.
        assertEquals(RestartPolicy.DEFAULT.backoffBase(), d.restartPolicy().backoffBase());
        assertEquals(RestartPolicy.DEFAULT.backoffMax(), d.restartPolicy().backoffMax());
    }

    @Test
    void restartIntensityAloneKeepsTheDefaultPeriodAndViceVersa() {
        DriverDescriptor a = DriverHeaderParser.parse("s;handler=h;restart-intensity=5").get(0).descriptor();
        assertEquals(5, a.restartPolicy().intensity());
        assertEquals(RestartPolicy.DEFAULT.period(), a.restartPolicy().period());
        DriverDescriptor b = DriverHeaderParser.parse("s;handler=h;restart-period=500").get(0).descriptor();
        assertEquals(RestartPolicy.DEFAULT.intensity(), b.restartPolicy().intensity());
        assertEquals(Duration.ofMillis(500), b.restartPolicy().period());
        assertEquals(RestartPolicy.DEFAULT, DriverHeaderParser.parse("s;handler=h").get(0).descriptor().restartPolicy());
    }

    @Test
    void badRestartNumbersAreRefused() {
        assertContains(error("s;handler=h;restart-period=0"), "restart-period='0'", "not a positive integer");
        assertContains(error("s;handler=h;restart-intensity=x"), "restart-intensity='x'", "not a non-negative integer");
    }

    @Test
    void restartIntensityZeroMeansNeverRestart() {
        DriverDescriptor d = DriverHeaderParser.parse("s;handler=h;restart-intensity=0").get(0).descriptor();
        assertEquals(0, d.restartPolicy().intensity());
    }

    @Test
    void envAndWrapperAreWordLists() {
        DriverDescriptor d = DriverHeaderParser.parse("s;handler=h;env=\"JAVA_HOME, TZ  LC_ALL\";"
                + "wrapper=\"/usr/bin/prlimit --as=268435456 --\"").get(0).descriptor();
        assertEquals(List.of("JAVA_HOME", "TZ", "LC_ALL"), d.environment());
        assertEquals(List.of("/usr/bin/prlimit", "--as=268435456", "--"), d.wrapper());

        DriverDescriptor plain = DriverHeaderParser.parse("s;handler=h;env=TZ").get(0).descriptor();
        assertEquals(List.of("TZ"), plain.environment());
        assertEquals(List.of(), plain.wrapper());
    }

    @Test
    void badEnvNameIsRefused() {
        assertContains(error("s;handler=h;env=\"TZ 1BAD\""), "invalid environment variable name '1BAD'", "'s'");
        assertContains(error("s;handler=h;env=A-B"), "invalid environment variable name 'A-B'");
    }

    @Test
    void relativeWrapperIsRefused() {
        assertContains(error("s;handler=h;wrapper=\"prlimit --as=1 --\""), "wrapper", "absolute path", "prlimit");
    }

    @Test
    void wordsSplitsOnSpacesAndCommas() {
        assertEquals(List.of("a", "b", "c"), DriverHeaderParser.words("  a,b ,, c  "));
        assertEquals(List.of(), DriverHeaderParser.words("   "));
    }

    @Test
    void tooManyInstancesMessageNamesTheDriverAndTheValueWritten() {
        assertContains(error("a;handler=h, second;handler=h;instances=65"), "second", "65");
        assertContains(error("second;handler=h;instances=5000"), "second", "5000");
    }
}
