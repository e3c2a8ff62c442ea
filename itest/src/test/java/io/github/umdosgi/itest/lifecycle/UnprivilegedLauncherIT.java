package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;


/**
 * The real distribution run by an unprivileged user: the manager then builds every sandbox
 * through unprivileged user namespaces, cannot create cgroups and falls back to rlimits, and the
 * sample driver still loads sandboxed, answers, survives a kill and restarts. Run from a root test
 * JVM, which starts the launcher through {@code setpriv} as a uid no account uses, with a work
 * directory that uid owns. Skipped when this JVM is not root (it cannot switch users then).
 */
public class UnprivilegedLauncherIT {

    private static final int UID = 64999;

    private Process run;
    private Path work;

    @After
    public void cleanUp() throws IOException {
        Distribution.cleanUp(run, work);
    }

    @Test
    public void theSampleDriverRunsSandboxedWhenTheJvmIsNotRoot() throws Exception {
        assumeTrue("switching to an unprivileged user needs root",
                ProcessHandle.current().info().user().map("root"::equals).orElse(false));
        assumeTrue("setpriv (util-linux) is needed", Files.isExecutable(Path.of("/usr/bin/setpriv")));
        Path launcher = Distribution.launcher(getClass());
        // Under /tmp: every directory above it is traversable for any user.
        work = Files.createTempDirectory("umd-unprivileged-");
        Files.setAttribute(work, "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(work, "unix:gid", UID, LinkOption.NOFOLLOW_LINKS);

        ProcessBuilder pb = new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=" + UID, "--regid=" + UID,
                "--clear-groups", "--", launcher.toString(),
                "-Dio.github.umdosgi.root=" + work.resolve("root"),
                "-Dorg.osgi.framework.storage=" + work.resolve("cache"),
                "-Dfelix.fileinstall.dir=" + work.resolve("deploy"),
                "-c", "sample:check 4096; umd:info sample; umd:kill sample; sample:check 8192; umd:info sample"))
                .directory(work.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("err").toFile());
        pb.environment().put("HOME", work.toString());
        pb.environment().put("JAVA_OPTS", "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Files.createDirectories(work.resolve("deploy"));
        Files.setAttribute(work.resolve("deploy"), "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
        run = pb.start();
        assertTrue("the run ended within 60 s", run.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(work.resolve("out"), StandardCharsets.UTF_8);
        String err = Files.readString(work.resolve("err"), StandardCharsets.UTF_8);
        String both = "--- stdout:\n" + out + "--- stderr:\n" + err;
        System.out.println("[UnprivilegedLauncherIT] " + both);

        assertEquals("exit status\n" + both, 0, run.exitValue());
        assertEquals("two checks passed\n" + both, 2, out.lines().filter("OK"::equals).count());
        assertTrue("the driver ran in the default sandbox\n" + both,
                out.lines().anyMatch(l -> l.matches("sandbox:\\s+default, network none, .*")));
        assertTrue("the kill forced a second start\n" + both, out.lines().anyMatch(l -> l.matches("starts:\\s+2")));
        assertFalse("the host could sandbox\n" + both, err.contains("cannot be sandboxed"));
        try (Stream<Path> left = Files.list(work.resolve("root"))) {
            assertEquals("no private directory left", 0, left.count());
        }
    }
}
