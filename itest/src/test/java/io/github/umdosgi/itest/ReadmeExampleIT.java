package io.github.umdosgi.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The README's complete driver bundle, taken from the README itself (the Python handler and the
 * manifest's header), so the documentation cannot drift from what works.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReadmeExampleIT extends UmdTestSupport {

    @Test
    public void thePythonDriverOfTheReadmeWorksAsWritten() throws Exception {
        Assume.assumeTrue("the example's interpreter", Files.isExecutable(Path.of("/usr/bin/python3")));
        String readme = Files.readString(Path.of(System.getProperty("itest.readme")), StandardCharsets.UTF_8);
        int start = readme.indexOf("```python\n");
        assertTrue("the README has a python block", start >= 0);
        String handler = readme.substring(start + "```python\n".length(), readme.indexOf("\n```", start) + 1);
        List<String> manifest = readme.substring(readme.indexOf("    # MANIFEST.MF")).lines()
                .takeWhile(l -> !l.isBlank()).map(String::strip).toList();
        String header = manifest.stream().filter(l -> l.startsWith("UMD-Driver: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no UMD-Driver line in the README's manifest: " + manifest))
                .substring("UMD-Driver: ".length());
        String path = header.substring(header.indexOf("handler=") + "handler=".length());

        Bundle b = install("itest:readme-upper", BundleJar.named("com.example.upper")
                .driverHeader(header).entry(path, handler), "upper");
        b.start();
        awaitState("upper", DriverState.IDLE);

        assertArrayEquals("HELLO, DRIVER".getBytes(StandardCharsets.UTF_8),
                umd.call("upper", "hello, driver".getBytes(StandardCharsets.UTF_8)));
        b.uninstall();
        assertNothingLeft("upper");
    }
}
