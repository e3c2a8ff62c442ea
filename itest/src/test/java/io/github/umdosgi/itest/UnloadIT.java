package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverState;

/**
 * Module unload: stopping the loader bundle kills the handler and deletes its private directory;
 * uninstalling it makes the driver unknown. Per method, because one test uninstalls the provisioned
 * sample bundle.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UnloadIT extends UmdTestSupport {

    @Before
    public void sampleLoaded() {
        awaitSampleReady();
    }

    @Test
    public void loadedDriverHasPrivateDirectory() throws Exception {
        DriverInfo d = info(SAMPLE);
        long pid = d.pid().getAsLong();
        Path dir = onlyPrivateDir();
        assertEquals("private directory mode", "rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        List<Path> files = HandlerProcesses.entries(dir);
        assertEquals("the private directory holds the handler file only: " + files, 1, files.size());
        // Readable and executable by all: a sandbox runs it as another uid; the 0700 directory keeps others out.
        assertEquals("handler file mode", "r-xr-xr-x",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        List<ProcessHandle> handlers = HandlerProcesses.ofDriver(root(), SAMPLE);
        assertEquals("one handler process runs from the private directory: "
                + HandlerProcesses.describe(handlers), 1, handlers.size());
        // The manager reports the process it started: the handler itself, or the shim watching the
        // sandbox the handler runs in (then an ancestor of the handler, below this JVM).
        List<Long> lineage = new ArrayList<>();
        for (Optional<ProcessHandle> p = Optional.of(handlers.get(0)); p.isPresent(); p = p.get().parent()) {
            lineage.add(p.get().pid());
        }
        assertTrue("the manager reports that process or the sandbox it runs in: " + pid + ", lineage " + lineage,
                lineage.contains(pid) && lineage.indexOf(pid) < lineage.indexOf(ProcessHandle.current().pid()));
    }

    @Test
    public void stopKillsHandlerAndDeletesDirectory() throws Exception {
        long pid = info(SAMPLE).pid().getAsLong();
        Path dir = onlyPrivateDir();

        sampleBundle().stop();

        DriverInfo d = info(SAMPLE);
        assertEquals("an installed but stopped loader still lists its driver: " + d,
                DriverState.NOT_LOADED, d.state());
        assertFalse("no pid after unload: " + d, d.pid().isPresent());
        assertTrue("listed in drivers(): " + umd.drivers(),
                umd.drivers().stream().anyMatch(x -> x.name().equals(SAMPLE)));
        assertProcessGone(pid);
        Waits.waitFor("private directory " + dir + " deleted", Waits.SOON, () -> !Files.exists(dir));
        assertNothingLeft(SAMPLE);
    }

    @Test
    public void uninstallForgetsDriver() throws Exception {
        long pid = info(SAMPLE).pid().getAsLong();
        Bundle loader = sampleBundle();

        loader.uninstall();

        assertFalse("driver(sample) after uninstall: " + umd.driver(SAMPLE), umd.driver(SAMPLE).isPresent());
        assertTrue("drivers() after uninstall: " + umd.drivers(),
                umd.drivers().stream().noneMatch(x -> x.name().equals(SAMPLE)));
        assertProcessGone(pid);
        assertNothingLeft(SAMPLE);
        DriverNotLoadedException e = Waits.expectThrows(DriverNotLoadedException.class, "call after uninstall",
                () -> umd.call(SAMPLE, Payloads.offset(0)));
        assertEquals(SAMPLE, e.driverName());
    }

    @Test
    public void unloadByNameIsUndoneByTheNextCallAndByAnOperatorRestart() throws Exception {
        // Issue 8, bug 2: the declaring bundle stays active after unload(name); the driver was stuck.
        long pid = info(SAMPLE).pid().getAsLong();
        admin.unload(SAMPLE);
        assertProcessGone(pid);
        assertEquals(DriverState.NOT_LOADED, info(SAMPLE).state());
        assertEquals(null, Payloads.sampleReplyProblem(umd.call(SAMPLE, Payloads.offset(4096)), 4096));
        assertEquals(DriverState.IDLE, info(SAMPLE).state());

        admin.unload(SAMPLE);
        DriverInfo restarted = admin.restart(SAMPLE);
        assertEquals(DriverState.IDLE, restarted.state());
        assertEquals(null, Payloads.sampleReplyProblem(umd.call(SAMPLE, Payloads.offset(0)), 0));
    }

    private Path onlyPrivateDir() {
        List<Path> dirs = HandlerProcesses.privateDirs(root(), SAMPLE);
        assertEquals("private directories of the sample driver in " + root() + ": " + dirs, 1, dirs.size());
        assertTrue(Files.isDirectory(dirs.get(0)));
        return dirs.get(0);
    }
}
