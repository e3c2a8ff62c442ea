package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * A handler and its bundle write terminal control sequences everywhere they
 * can: on stderr (clear screen, set the window title, a CR that overwrites
 * the line, a C1 CSI, a right-to-left override), in replies, in their last
 * words before dying, and in the bundle's own names. What the operator sees,
 * the {@code umd:} commands' output and errors through the Gogo shell and
 * the manager's log entries, holds only visible escapes.
 *
 * <p>Without the escaping each of these assertions fails: the raw ESC, CR,
 * U+009B and U+202E reach the command's output and the log (try it: make
 * {@code SafeText.field} return its argument).
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostileOutputIT extends SecurityTestSupport {

    /** The hostile text as the escaper shows it. */
    private static final String SHOWN = "\\e[2J\\e]0;owned\\x07\\rFAKE \\u009b31m \\u202eevil";

    /** The same as printf(1) octal escapes: ESC [2J, ESC ]0;owned BEL, CR, U+009B, U+202E. */
    private static final String PRINTF = "\\033[2J\\033]0;owned\\007\\rFAKE \\302\\23331m \\342\\200\\256evil";

    /**
     * Says hostile things on stderr at start; replies to the first one-byte request with text that
     * carries a CR and a bidi override, to the second with ESC [2J; then echoes.
     */
    private static final String TALKER = "#!/bin/sh\n"
            + "printf 'starting " + PRINTF + "\\n' >&2\n"
            + "head -c 5 >/dev/null\n"
            // 11 bytes: "ok", CR, "FAKE", U+202E (3 bytes), "x".
            + "printf '\\000\\000\\000\\013ok\\rFAKE\\342\\200\\256x'\n"
            + "head -c 5 >/dev/null\n"
            + "printf '\\000\\000\\000\\004\\033[2J'\n"
            + "exec cat\n";

    /** Dies at once, its last stderr line hostile: the reason of its driver's failure quotes it. */
    private static final String DYING = "#!/bin/sh\nprintf 'dying " + PRINTF + "\\n' >&2\nexit 3\n";

    private static final String ESC = "\u001b";
    private static final String HOSTILE_NAME = "itest.hostile" + ESC + "[2J\u009b\u202e";

    /** Stderr lines are logged at INFO, which the log admin drops by default. */
    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
    }

    /** Fails naming the first character a terminal would act on. */
    private static void assertInert(String what, String shown) {
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            boolean layout = c == '\n';
            boolean acts = c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.getType(c) == Character.FORMAT
                    || c == '\u2028' || c == '\u2029';
            assertFalse(String.format("%s holds U+%04X raw at %d: %s", what, (int) c, i, shown.replace(ESC, "<ESC>")),
                    acts && !layout);
        }
    }

    @Test
    public void hostileStderrRepliesAndBundleNamesReachNeitherTheShellNorTheLog() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            BundleJar spec = BundleJar.named(HOSTILE_NAME)
                    .header("Bundle-Name", "Hostile " + ESC + "]0;owned\u0007\u202e")
                    .driverHeader("talker;handler=bin/talker")
                    .entry("bin/talker", TALKER);
            Bundle b;
            boolean nameAccepted = true;
            try {
                b = install("itest:hostile-talker", spec, "talker");
            } catch (BundleException refused) {
                // Felix may refuse such a name: then the rest is shown under a plain one.
                System.out.println("[HostileOutputIT] Felix refused the symbolic name: " + refused.getMessage());
                nameAccepted = false;
                b = install("itest:hostile-talker", BundleJar.named("itest.hostile")
                        .driverHeader("talker;handler=bin/talker").entry("bin/talker", TALKER), "talker");
            }
            b.start();
            awaitState("talker", DriverState.IDLE);

            List<String> log = Waits.waitFor("the handler's first stderr line in the log", Waits.SOON,
                    operator::log, l -> l.stream().anyMatch(m -> m.contains("starting ")));
            String stderrLine = log.stream().filter(m -> m.contains("starting ")).findFirst().orElseThrow();
            assertTrue("the stderr line, escaped: " + stderrLine, stderrLine.endsWith("starting " + SHOWN));

            String list = operator.run("umd:list");
            String first = operator.run("umd:send talker a");
            String second = operator.run("umd:send talker a");
            String info = operator.run("umd:info talker");
            System.out.println("[HostileOutputIT] umd:list\n" + list + "\n[HostileOutputIT] umd:info talker\n" + info
                    + "\n[HostileOutputIT] replies: " + first + " | " + second + "\n[HostileOutputIT] log: "
                    + operator.log());

            assertInert("umd:list", list);
            assertInert("umd:info", info);
            assertEquals("a text reply: CR and U+202E escaped", "ok\\rFAKE\\u202ex", first);
            assertEquals("a reply with an escape sequence: hex", "1b 5b 32 4a", second);
            if (nameAccepted) {
                String shownName = "itest.hostile\\e[2J\\u009b\\u202e [" + b.getBundleId() + "]";
                assertTrue("umd:list shows the bundle's name escaped:\n" + list, list.contains(shownName));
                assertTrue("umd:info shows the bundle's name escaped:\n" + info,
                        info.contains("bundle:     " + shownName));
                assertTrue("the load was logged with the name escaped: " + operator.log(),
                        operator.log().stream().anyMatch(m -> m.contains("loaded from bundle itest.hostile\\e[2J")));
            }
            for (String entry : operator.log()) {
                assertInert("log entry", entry);
            }
        }
    }

    @Test
    public void aHandlersHostileLastWordsAreEscapedInTheReasonTheErrorAndTheLog() throws Exception {
        try (OperatorSurfaces operator = OperatorSurfaces.open(bundleContext)) {
            Bundle b = install("itest:hostile-dying", BundleJar.named("itest.dying")
                    .driverHeader("dying;handler=bin/dying").entry("bin/dying", DYING), "dying");
            b.start();
            awaitState("dying", DriverState.FAILED);

            String info = operator.run("umd:info dying");
            assertInert("umd:info", info);
            assertTrue("the last error quotes the last stderr line, escaped:\n" + info,
                    info.contains("its last stderr line: dying " + SHOWN));

            Exception failed = Waits.expectThrows(Exception.class, "umd:send to the failed driver",
                    () -> operator.run("umd:send dying a"));
            System.out.println("[HostileOutputIT] umd:send dying a: " + failed);
            assertInert("the failure the shell prints", failed.toString());
            assertInert("the failure's message", String.valueOf(failed.getMessage()));
            assertTrue("the failure quotes the reason, escaped: " + failed, failed.getMessage().contains(SHOWN));

            List<String> log = Waits.waitFor("the failure in the log", Waits.SOON, operator::log,
                    l -> l.stream().anyMatch(m -> m.startsWith("ERROR") && m.contains("'dying' failed to load")));
            for (String entry : log) {
                assertInert("log entry", entry);
            }
            assertTrue("the logged reason, escaped: " + log, log.stream().anyMatch(m -> m.contains("dying " + SHOWN)));
        }
    }
}
