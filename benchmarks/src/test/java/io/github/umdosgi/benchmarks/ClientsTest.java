package io.github.umdosgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C client and the plain Java client against the real echo handler (from the sample-handler jar). */
class ClientsTest {

    @TempDir
    static Path dir;
    static Path handler;

    @BeforeAll
    static void extractHandler() throws IOException {
        try (InputStream in = ClientsTest.class.getClassLoader().getResourceAsStream(DriverBundles.HANDLER_ENTRY)) {
            if (in == null) {
                throw new IllegalStateException("the sample-handler jar is not on the test class path");
            }
            handler = dir.resolve("echo-handler");
            Files.write(handler, in.readAllBytes());
        }
        Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("rwx------"));
    }

    private static CClient client() {
        return new CClient(Path.of(System.getProperty("bench.client", "target/bench/bin/umd-bench-client")));
    }

    @Test
    void cClientTimesRoundTripsAndStarts() throws IOException {
        long[] rtt = client().roundTrips(100_000, 2, 5, List.of(handler.toString()));
        assertEquals(5, rtt.length);
        for (long s : rtt) {
            assertTrue(s > 0, "sample " + s);
        }
        long[] spawns = client().spawns(3, List.of(handler.toString()));
        assertEquals(3, spawns.length);
    }

    @Test
    void pdeathsigExecRunsTheCommandOrSaysWhyNot() throws Exception {
        Path wrapper = Path.of(System.getProperty("bench.client", "target/bench/bin/umd-bench-client"))
                .resolveSibling("pdeathsig-exec");
        assertEquals(0, new ProcessBuilder(wrapper.toString(), "/bin/true").start().waitFor());
        assertEquals(1, new ProcessBuilder(wrapper.toString(), "/bin/false").start().waitFor());
        assertEquals(127, new ProcessBuilder(wrapper.toString(), dir.resolve("missing").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor());
        // a handler behind the wrapper still answers: the wrapper execs it in place
        long[] spawns = client().spawns(2, List.of(wrapper.toString(), handler.toString()));
        assertEquals(2, spawns.length);
    }

    @Test
    void cClientFailsLoudlyOnABrokenHandler() {
        // /bin/true exits at once: the request meets a closed pipe or no reply ever comes
        IOException e = assertThrows(IOException.class, () -> client().roundTrips(16, 0, 1, List.of("/bin/true")));
        assertTrue(e.getMessage().contains("before a whole reply arrived") || e.getMessage().contains("Broken pipe"),
                e.getMessage());
    }

    @Test
    void sampleParsingChecksCountAndFormat() throws IOException {
        assertArrayEquals(new long[] {1, 22, 333}, CClient.parseSamples("1\n22\n333\n", 3));
        assertThrows(IOException.class, () -> CClient.parseSamples("1\n2\n", 3));
        assertThrows(IOException.class, () -> CClient.parseSamples("1\nx\n", 2));
        assertThrows(IOException.class, () -> CClient.parseSamples("-5\n", 1));
    }

    @Test
    void javaEchoRoundTrips() throws IOException {
        try (JavaEcho echo = JavaEcho.start(List.of(handler.toString()))) {
            byte[] big = new byte[300_000];
            big[299_999] = 7;
            assertArrayEquals(big, echo.call(big));
            assertArrayEquals(new byte[0], echo.call(new byte[0]));
        }
    }

    @Test
    void driverBundleCarriesHeaderAndHandler() throws IOException {
        String header = DriverBundles.header(List.of("a", "b"), DriverBundles.attributes("instances", "2"));
        assertEquals("a;handler=bin/echo-handler;instances=2, b;handler=bin/echo-handler;instances=2", header);
        byte[] jar = DriverBundles.bundle("x.y", header, Files.readAllBytes(handler));
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            Manifest manifest = in.getManifest();
            assertEquals(header, manifest.getMainAttributes().getValue("UMD-Driver"));
            assertEquals("x.y", manifest.getMainAttributes().getValue("Bundle-SymbolicName"));
            boolean found = false;
            for (var e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.getName().equals(DriverBundles.HANDLER_ENTRY)) {
                    assertArrayEquals(Files.readAllBytes(handler), in.readAllBytes());
                    found = true;
                }
            }
            assertTrue(found);
        }
        assertThrows(IllegalArgumentException.class, () -> DriverBundles.clause("bad name", java.util.Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> DriverBundles.clause("a", DriverBundles.attributes("env", "A,B")));
    }

    @Test
    void optionsParseAndValidate() {
        Options o = Options.parse(List.of("--label", "pinned", "--out", "o.tsv", "--home", "h", "--quick",
                "--sections", "scale,rtt"));
        assertEquals(List.of("rtt", "scale"), List.copyOf(o.sections()));
        assertEquals(Path.of("h/umd/umd-mgmt-impl.jar"), o.managerJar());
        assertEquals(20, o.iterations(100));
        assertEquals(3, o.iterations(5));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--label", "x")));
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(List.of("--label", "a b", "--out", "o", "--home", "h")));
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(List.of("--label", "a", "--out", "o", "--home", "h", "--sections", "x")));
    }
}
