package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The handler path of the header cannot leave the bundle: parent segments, absolute paths, empty
 * and '.' segments and backslashes are refused. Each such driver is FAILED with a reason naming
 * the path, calls fail with {@link HandlerStartException}, and nothing is extracted or run.
 *
 * <p>Not covered: a bundle entry that is a symbolic link. Jar entries cannot be links (the zip
 * format in a jar has no link entries the framework would follow), so there is nothing to test.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HeaderPathsIT extends SecurityTestSupport {

    /** A handler that would leave a trace if it ever ran. */
    private static final String SCRIPT = "#!/bin/sh\ntouch ran-escaped\nexec cat\n";

    @Test
    public void parentSegment() throws Exception {
        assertRefused("esc1", "../x", "x");
    }

    @Test
    public void parentSegmentInside() throws Exception {
        assertRefused("esc2", "bin/../../x", "bin/x");
    }

    @Test
    public void absolutePath() throws Exception {
        assertRefused("esc3", "/bin/sh", "bin/sh");
    }

    @Test
    public void emptySegment() throws Exception {
        assertRefused("esc4", "a//b", "a/b");
    }

    @Test
    public void dotSegment() throws Exception {
        assertRefused("esc5", "./x", "x");
    }

    @Test
    public void backslash() throws Exception {
        assertRefused("esc6", "bin\\..\\x", "bin/x");
    }

    /**
     * Installs and starts a bundle declaring {@code driver} with handler path {@code path} (and a
     * harmless entry {@code entry}, so a lookup would have something to find).
     */
    private void assertRefused(String driver, String path, String entry) throws Exception {
        LeakProbe before = LeakProbe.take(root());
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver)
                .driverHeader(driver + ";handler=" + path).entry(entry, SCRIPT), driver);
        String header = b.getHeaders("").get("UMD-Driver");

        b.start();

        assertEquals("the bundle itself starts", Bundle.ACTIVE, b.getState());
        DriverInfo d = awaitState(driver, DriverState.FAILED);
        String error = d.lastError().orElse("");
        System.out.println("[HeaderPathsIT] " + header + " -> " + error);
        String shown = b.getHeaders("").get("UMD-Driver").replaceFirst("^[^=]*=", "");
        assertTrue("lastError names the path '" + shown + "': '" + error + "'", error.contains(shown));
        assertTrue("lastError says what is wrong with it: '" + error + "'",
                Pattern.compile("(?i)(handler path|relative|segment|inside the bundle)").matcher(error).find());
        assertTrue("no pid: " + d, d.pid().isEmpty());
        assertNothingLeft(driver);

        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "call on " + driver,
                () -> umd.call(driver, new byte[] {1}));
        assertEquals(driver, e.driverName());
        assertTrue("the call's exception gives the reason: " + e.getMessage(), e.getMessage().contains(shown));

        b.uninstall();
        assertNothingLeft(driver);
        LeakProbe.assertNoGrowth(driver, root(), before, 8);
        assertEquals("nothing ran", List.of(), markers());
    }

    /** Any "ran-escaped" file anywhere under the root's parent. */
    private List<Path> markers() throws Exception {
        List<Path> found = new ArrayList<>();
        try (var walk = Files.walk(root().getParent())) {
            walk.filter(p -> p.getFileName().toString().equals("ran-escaped")).forEach(found::add);
        }
        return found;
    }
}
