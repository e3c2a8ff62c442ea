package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The handler's environment is exactly the promised minimal one: PATH=/usr/local/bin:/usr/bin:/bin,
 * LANG=C, HOME=TMPDIR=/tmp (the sandbox's scratch directory), UMD_DRIVER, UMD_INSTANCE, UMD_PROTOCOL, and nothing
 * of the JVM's own environment unless the header allowlists it with {@code env}; the sandbox's outer process
 * works in the private directory. itest/pom.xml puts {@code UMD_TEST_SECRET=s3cr3t} into the test JVM's
 * environment (failsafe {@code environmentVariables}).
 *
 * <p>Two views: /proc/pid/environ of the process the manager started (the exact set it passed,
 * which bubblewrap hands on unchanged) and what a shell handler itself sees inside the sandbox
 * ({@code env} sent back as its first reply; the shell adds PWD).
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HandlerEnvironmentIT extends SecurityTestSupport {

    private static final String SECRET_NAME = "UMD_TEST_SECRET";
    private static final String SECRET = "s3cr3t";
    private static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    /** Answers its first request (one byte) with its environment as one frame, then echoes frames. */
    private static final String ENV_SCRIPT = "#!/bin/sh\n"
            + "head -c 5 >/dev/null\n"
            + "e=$(env)\n"
            + "n=${#e}\n"
            + "byte() { printf \"\\\\$(printf %03o \"$1\")\"; }\n"
            + "byte $((n >> 24 & 255)); byte $((n >> 16 & 255)); byte $((n >> 8 & 255)); byte $((n & 255))\n"
            + "printf %s \"$e\"\n"
            + "exec cat\n";

    /** The scratch directory inside the sandbox: working directory, HOME and TMPDIR. */
    private static final String SCRATCH = "/tmp";

    @Test
    public void directHandlerGetsExactlyTheMinimalEnvironment() throws Exception {
        assumeSecretInJvm();
        echoDriver("envexact", "");
        Map<String, String> env = environOf("envexact");
        Path dir = privateDir("envexact");
        System.out.println("[HandlerEnvironmentIT] envexact environ: " + env);
        assertEquals("the complete environment", expected("envexact"), env);
        assertCwd("envexact", dir);
    }

    @Test
    public void shellHandlerSeesNoSecret() throws Exception {
        assumeSecretInJvm();
        Bundle b = install("itest:envscript", BundleJar.named("itest.envscript")
                .driverHeader("envscript;handler=bin/env.sh").entry("bin/env.sh", ENV_SCRIPT), "envscript");
        b.start();
        Map<String, String> seen = parse(new String(umd.call("envscript", "e".getBytes()), StandardCharsets.UTF_8), "\n");
        assertArrayEquals("then the script echoes", "e".getBytes(), umd.call("envscript", "e".getBytes()));
        System.out.println("[HandlerEnvironmentIT] envscript sees: " + seen);
        assertFalse("the secret leaked to the handler: " + seen, seen.containsKey(SECRET_NAME));
        Map<String, String> expected = expected("envscript");
        // dash adds PWD, the working directory; nothing else may appear.
        expected.put("PWD", SCRATCH);
        assertEquals("what the shell handler sees", expected, seen);
    }

    @Test
    public void allowlistedVariableIsPassedOn() throws Exception {
        assumeSecretInJvm();
        echoDriver("envallow", ";env=\"" + SECRET_NAME + "\"");
        Map<String, String> env = environOf("envallow");
        Map<String, String> expected = expected("envallow");
        expected.put(SECRET_NAME, SECRET);
        assertEquals("minimal environment plus the allowlisted variable", expected, env);
    }

    /** The allowlist adds variables; it cannot replace the fixed ones. */
    @Test
    public void allowlistCannotOverrideTheFixedVariables() throws Exception {
        assumeSecretInJvm();
        assumeTrue("the test JVM has PATH and HOME", System.getenv("PATH") != null && System.getenv("HOME") != null);
        echoDriver("envoverride", ";env=\"PATH,HOME,TMPDIR,UMD_DRIVER," + SECRET_NAME + "\"");
        Map<String, String> env = environOf("envoverride");
        Map<String, String> expected = expected("envoverride");
        expected.put(SECRET_NAME, SECRET);
        System.out.println("[HandlerEnvironmentIT] envoverride environ: " + env + " (JVM PATH=" + System.getenv("PATH")
                + ", HOME=" + System.getenv("HOME") + ")");
        assertEquals("fixed variables keep their values", expected, env);
    }

    // ---- helpers

    private static void assumeSecretInJvm() {
        assumeTrue(SECRET_NAME + " is not in the test JVM's environment (itest/pom.xml sets it for failsafe)",
                SECRET.equals(System.getenv(SECRET_NAME)));
    }

    private Bundle echoDriver(String driver, String extraAttributes) throws Exception {
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver)
                .driverHeader(driver + ";handler=bin/echo-handler" + extraAttributes)
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), driver);
        b.start();
        assertArrayEquals("the handler works", "e".getBytes(), umd.call(driver, "e".getBytes()));
        return b;
    }

    /** The initial environment of the driver's handler, from /proc/pid/environ. */
    private Map<String, String> environOf(String driver) throws IOException {
        DriverInfo d = info(driver);
        long pid = d.pid().orElseThrow(() -> new AssertionError("no handler: " + d));
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        return parse(new String(raw, StandardCharsets.UTF_8), "\0");
    }

    /** The promised environment of a handler of {@code driver}, instance 0. */
    private static Map<String, String> expected(String driver) {
        Map<String, String> m = new TreeMap<>();
        m.put("PATH", PATH);
        m.put("LANG", "C");
        m.put("HOME", SCRATCH);
        m.put("TMPDIR", SCRATCH);
        m.put("UMD_DRIVER", driver);
        m.put("UMD_INSTANCE", "0");
        m.put("UMD_PROTOCOL", "1");
        return m;
    }

    private void assertCwd(String driver, Path dir) throws IOException {
        long pid = info(driver).pid().getAsLong();
        assertEquals("working directory", dir.toRealPath(),
                Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
    }

    private Path privateDir(String driver) {
        List<Path> dirs = HandlerProcesses.privateDirs(root(), driver);
        assertEquals("one private directory of " + driver + ": " + dirs, 1, dirs.size());
        return dirs.get(0);
    }

    private static Map<String, String> parse(String text, String separator) {
        Map<String, String> m = new TreeMap<>();
        for (String entry : text.split(separator)) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            m.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        return m;
    }
}
