package io.github.umdosgi.itest.trees;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Java handlers built from the handler kit, run by the framework's own JVM in the default sandbox:
 * the README's example as written, the JVM's defaults seen from inside, the class-data-sharing
 * archive mapped by the starts after it was made, and {@code max-calls} replacing the process.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JavaHandlerIT extends UmdTestSupport {

    /** A handler that reports what it sees: the JVM, its limits, its sandbox. */
    private static final String PROBE = "package itest;\n"
            + "import java.nio.charset.StandardCharsets;\n"
            + "import java.nio.file.*;\n"
            + "import io.github.umdosgi.kit.JavaHandler;\n"
            + "public final class Probe extends JavaHandler {\n"
            + "    private static final String TOKEN = Long.toHexString(new java.util.Random().nextLong());\n"
            + "    @Override public byte[] handle(byte[] request) throws Exception {\n"
            + "        if (new String(request, StandardCharsets.UTF_8).equals(\"token\")) {\n"
            + "            return TOKEN.getBytes(StandardCharsets.UTF_8);\n"
            + "        }\n"
            + "        String writable;\n"
            + "        try { Files.writeString(Path.of(\"/umd/lib/planted\"), \"x\"); writable = \"yes\"; }\n"
            + "        catch (Exception e) { writable = \"no\"; }\n"
            + "        String uid = Files.readAllLines(Path.of(\"/proc/self/status\")).stream()\n"
            + "            .filter(l -> l.startsWith(\"Uid:\")).findFirst().orElse(\"Uid: ?\").split(\"\\\\s+\")[1];\n"
            + "        String facts = \"java.home=\" + System.getProperty(\"java.home\")\n"
            + "            + \"\\nuser.dir=\" + System.getProperty(\"user.dir\")\n"
            + "            + \"\\nprocessors=\" + Runtime.getRuntime().availableProcessors()\n"
            + "            + \"\\nmaxMemory=\" + Runtime.getRuntime().maxMemory()\n"
            + "            + \"\\nargs=\" + String.join(\" \", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())\n"
            + "            + \"\\ncds=\" + Files.readString(Path.of(\"/proc/self/maps\")).contains(\"/cds/handler.jsa\")\n"
            + "            + \"\\ntreeWritable=\" + writable\n"
            + "            + \"\\nuid=\" + uid;\n"
            + "        return facts.getBytes(StandardCharsets.UTF_8);\n"
            + "    }\n"
            + "}\n";

    private Path work(String name) {
        return Path.of(System.getProperty("itest.work"), getClass().getSimpleName(), name);
    }

    private Bundle probeBundle(String driver, String extra) throws Exception {
        byte[] jar = JavaHandlerBuild.compile(work(driver), Map.of("itest/Probe.java", PROBE));
        return install("itest:java-" + driver, BundleJar.named("itest.java." + driver)
                .driverHeader(driver + ";java=itest.Probe;tree=lib" + extra)
                .entry("lib/probe.jar", jar)
                .entry("lib/umd-handler-kit.jar", Files.readAllBytes(JavaHandlerBuild.kitJar())), driver);
    }

    private Map<String, String> facts(String driver) throws Exception {
        String text = new String(umd.call(driver, "facts".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        Map<String, String> facts = new HashMap<>();
        text.lines().forEach(l -> facts.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return facts;
    }

    @Test
    public void theReadmeJavaHandlerWorksAsWritten() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("itest.readme")), StandardCharsets.UTF_8);
        String marker = "```java\n// com/example/Upper.java";
        int start = readme.indexOf(marker);
        assertTrue("the README has the Java handler", start >= 0);
        String source = readme.substring(start + "```java\n".length(), readme.indexOf("\n```", start) + 1);
        String manifest = readme.substring(readme.indexOf("    # MANIFEST.MF", start));
        String header = manifest.lines().map(String::strip).filter(l -> l.startsWith("UMD-Driver: ")).findFirst()
                .orElseThrow().substring("UMD-Driver: ".length());
        String sent = readme.substring(readme.indexOf("`umd:send jupper '", start) + "`umd:send jupper '".length());
        sent = sent.substring(0, sent.indexOf('\''));
        String printed = readme.substring(readme.indexOf("prints\n`", start) + "prints\n`".length());
        printed = printed.substring(0, printed.indexOf('`'));

        byte[] jar = JavaHandlerBuild.compile(work("readme"), Map.of("com/example/Upper.java", source));
        Bundle b = install("itest:readme-jupper", BundleJar.named("com.example.jupper").driverHeader(header)
                .entry("lib/upper.jar", jar)
                .entry("lib/umd-handler-kit.jar", Files.readAllBytes(JavaHandlerBuild.kitJar())), "jupper");
        b.start();
        awaitState("jupper", DriverState.IDLE);
        assertEquals("HELLO, JAVA", printed);
        assertEquals(printed, new String(umd.call("jupper", sent.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8));
        b.uninstall();
        assertNothingLeft("jupper");
    }

    @Test
    public void theFrameworksJvmRunsItInTheDefaultSandboxAndTheArchiveServesLaterStarts() throws Exception {
        Bundle b = probeBundle("jprobe", "");
        b.start();
        DriverInfo info = awaitState("jprobe", DriverState.IDLE);
        assertEquals(Sandbox.DEFAULT, info.settings().orElseThrow().sandbox());

        Map<String, String> facts = facts("jprobe");
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        assertEquals(home.toString(), facts.get("java.home"));
        assertEquals("/tmp", facts.get("user.dir"));
        assertEquals("the cpus limit of 1", "1", facts.get("processors"));
        long max = Long.parseLong(facts.get("maxMemory"));
        assertTrue("heap " + max + " within half the 512 MiB limit", max <= 256L << 20 && max > 128L << 20);
        assertTrue(facts.get("args"), facts.get("args").contains("-XX:+UseSerialGC"));
        assertTrue(facts.get("args"), facts.get("args").contains("-XX:ActiveProcessorCount=1"));
        assertEquals("the tree is read-only", "no", facts.get("treeWritable"));
        if (System.getProperty("user.name").equals("root")) {
            assertNotEquals("the sandbox uid, not root", "0", facts.get("uid"));
        }
        assertEquals("the first start runs before the archive exists", "false", facts.get("cds"));

        List<Path> dirs = HandlerProcesses.privateDirs(root(), "jprobe");
        assertEquals(dirs.toString(), 1, dirs.size());
        Path archive = dirs.get(0).resolve("cds/handler.jsa");
        Waits.waitFor("the archive " + archive, Waits.NO_HANG, () -> Files.isRegularFile(archive));
        admin.kill("jprobe");
        assertEquals("a later start maps the archive", "true", facts("jprobe").get("cds"));
        assertEquals("the restart after the kill", 2, info("jprobe").starts());

        b.uninstall();
        assertNothingLeft("jprobe");
    }

    @Test
    public void maxCallsReplacesTheProcessAfterNCalls() throws Exception {
        Bundle b = probeBundle("jcalls", ";max-calls=3");
        b.start();
        awaitState("jcalls", DriverState.IDLE);
        Map<String, Integer> tokens = new LinkedHashMap<>();
        List<String> order = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String token = new String(umd.call("jcalls", "token".getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            tokens.merge(token, 1, Integer::sum);
            order.add(token);
        }
        assertEquals("three processes served 3, 3 and 1 calls: " + order, List.of(3, 3, 1),
                List.copyOf(tokens.values()));
        DriverInfo info = info("jcalls");
        assertEquals(3, info.starts());
        assertEquals(7, info.calls());
        assertEquals("planned replacements are not failures", 0, info.failures());
        assertEquals(DriverState.IDLE, info.state());
        b.uninstall();
        assertNothingLeft("jcalls");
    }
}
