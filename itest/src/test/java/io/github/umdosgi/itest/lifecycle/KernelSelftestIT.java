package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;


/**
 * Issue 10, section 2: the kernel's UMD selftest, {@code umd_mgmt.sh}, as the distribution ships it
 * in Gogo ({@code scripts/umd_mgmt.gosh}), run by the real launcher: 500 checks at random offsets,
 * the loader bundle stopped every 50. Each check after a stop passes only if the sample manager
 * bundle (which carries {@code sample:check}) survived the stop and the UMD manager loaded the
 * driver again by starting its loader, as the kernel's {@code request_module} does. With the
 * command inside the loader bundle, check 51 would fail with "Command not found".
 */
public class KernelSelftestIT {

    private Path work;
    private Process run;

    @After
    public void cleanUp() throws Exception {
        Distribution.cleanUp(run, work);
    }

    @Test
    public void theSelftestScriptPassesEveryCheckThroughTheLazyLoadPath() throws Exception {
        Path launcher = Distribution.launcher(getClass());
        Path script = launcher.getParent().getParent().resolve("scripts").resolve("umd_mgmt.gosh");
        assertTrue("the distribution ships the selftest script " + script, Files.isRegularFile(script));
        work = Distribution.freshWork(getClass().getSimpleName());
        ProcessBuilder pb = new ProcessBuilder(List.of(launcher.toString(),
                "-Dio.github.umdosgi.root=" + work.resolve("root"),
                "-Dorg.osgi.framework.storage=" + work.resolve("cache"),
                "-Dfelix.fileinstall.dir=" + Files.createDirectories(work.resolve("deploy")),
                "-c", "source " + script + "; lb -s io.github.umdosgi.sample"))
                .directory(work.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("err").toFile());
        // Gogo keeps every command a script runs, with its pipe buffers (about 40 KB), until the
        // top-level command ends: 500 iterations hold some 230 MB (measured), which a 192 MB heap cannot.
        pb.environment().put("JAVA_OPTS", "-Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        run = pb.start();
        assertTrue("the selftest ended within 5 minutes", run.waitFor(5, TimeUnit.MINUTES));
        String out = Files.readString(work.resolve("out"), StandardCharsets.UTF_8);
        String both = "--- stdout:\n" + out + "--- stderr:\n"
                + Files.readString(work.resolve("err"), StandardCharsets.UTF_8);
        System.out.println("[KernelSelftestIT] " + both);

        assertEquals("exit status\n" + both, 0, run.exitValue());
        Matcher summary = Pattern.compile("umd_mgmt: (\\d+) checks passed, the loader stopped (\\d+) times")
                .matcher(out);
        assertTrue("the script's summary\n" + both, summary.find());
        assertEquals("checks", "500", summary.group(1));
        assertEquals("loader stops", "10", summary.group(2));
        // The last stop came after the last check: the loader is left resolved, not active.
        assertTrue("the loader bundle is stopped at the end\n" + both,
                Pattern.compile("(?m)^\\s*\\d+\\|Resolved\\s*\\|.*io\\.github\\.umdosgi\\.sample \\(").matcher(out).find());
    }
}
