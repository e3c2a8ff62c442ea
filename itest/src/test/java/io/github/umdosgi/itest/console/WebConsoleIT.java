package io.github.umdosgi.itest.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.itest.lifecycle.Distribution;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The Web Console's {@code umd} page in the real distribution, driven by a
 * real headless chromium: the page lists the sample driver, its Restart
 * button gives it a new handler process, and what hostile handlers wrote
 * (markup and script on stderr, in a last error) is shown as text: no
 * element of theirs is in the DOM and no script of theirs ran. The restart
 * and kill POSTs are refused without the page's token, from another origin
 * and without credentials.
 *
 * <p>A plain JUnit test (no framework in this JVM). Skipped, with a message,
 * when the distribution is not built or chromium is not installed.
 */
public class WebConsoleIT {

    /**
     * What the hostile handlers write to stderr: a script, an image whose error handler runs
     * script, and plain markup, each with an id to look for in the DOM.
     */
    static final String PAYLOAD = "<script id=\"umd-injected-script\">window.umdOwned=\"script\"</script>"
            + "<img id=\"umd-injected-img\" src=\"x\" onerror=\"window.umdOwned=2\">"
            + "<b id=\"umd-injected-b\">bold</b>";

    @Rule
    public final TestName testName = new TestName();

    private Path launcher;
    private Path work;

    @Before
    public void locateDistribution() throws IOException {
        launcher = Distribution.launcher(getClass());
        work = Distribution.freshWork(getClass().getSimpleName(), testName.getMethodName());
    }

    /** Drivers beside the sample: one that shouts markup on stderr and then serves, one that dies so. */
    private Path hostileDeploy() throws IOException {
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        String say = "printf '%s\\n' '" + PAYLOAD + "' >&2\n";
        Files.write(deploy.resolve("shouter.jar"), BundleJar.named("itest.shouter")
                .driverHeader("shouter;handler=bin/shouter")
                .entry("bin/shouter", "#!/bin/sh\n" + say + "exec cat\n").build());
        Files.write(deploy.resolve("dying.jar"), BundleJar.named("itest.dying")
                .driverHeader("dying;handler=bin/dying")
                .entry("bin/dying", "#!/bin/sh\n" + say + "exit 3\n").build());
        return deploy;
    }

    @Test
    public void restartInTheBrowserGivesANewPidAndHandlerMarkupStaysText() throws Exception {
        Path shot = Paths.get(System.getProperty("itest.screenshot", work.resolve("webconsole-umd.png").toString()));
        try (ConsoleLaunch run = ConsoleLaunch.start(launcher, work, "browser", hostileDeploy());
                HeadlessChromium chromium = HeadlessChromium.start(work.resolve("chromium-profile"))) {
            run.awaitDrivers("sample", "shouter", "dying");
            // the shouter has written its line and the dying driver has given up
            Waits.waitFor("the shouter's stderr on its page", ConsoleLaunch.LIMIT,
                    () -> run.get("/system/console/umd?driver=shouter").body(), b -> b.contains("umd-injected-script"));
            Waits.waitFor("the dying driver FAILED", ConsoleLaunch.LIMIT,
                    () -> run.get("/system/console/umd").body(),
                    b -> b.matches("(?s).*data-driver=\"dying\".*?umd-state\">FAILED<.*"));

            ChromeDriver browser = chromium.driver();
            browser.get("http://" + ConsoleLaunch.USER + ":" + ConsoleLaunch.PASSWORD + "@127.0.0.1:" + run.port()
                    + "/system/console/umd");
            long before = pidOf(browser, "sample");
            assertTrue("the listed pid " + before + " is a live process", ProcessHandle.of(before).isPresent());

            browser.findElement(By.cssSelector("tr[data-driver='sample'] button.umd-restart")).click();
            String outcome = Waits.waitFor("the restart's outcome on the page", Waits.NO_HANG,
                    () -> textOf(browser, "#umd-outcome"), t -> !t.isEmpty());
            assertTrue("the page says the driver restarted: " + outcome,
                    outcome.startsWith("restarted driver 'sample'"));
            long after = pidOf(browser, "sample");
            assertNotEquals("a new handler process after Restart", before, after);
            assertTrue("the new pid " + after + " is a live process", ProcessHandle.of(after).isPresent());
            Waits.waitFor("the old handler " + before + " to be gone", Waits.SOON,
                    () -> ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
            Files.createDirectories(shot.toAbsolutePath().getParent());
            Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
            System.out.println("[WebConsoleIT] screenshot " + shot.toAbsolutePath());

            // The dying driver's last error quotes the payload: text in its cell, nothing in the DOM.
            assertNothingInjected(browser, "table page");
            String lastError = textOf(browser, "tr[data-driver='dying'] td.umd-last-error");
            assertTrue("the last error shows the markup literally: " + lastError,
                    lastError.contains("<script id=\"umd-injected-script\">"));

            browser.findElement(By.cssSelector("tr[data-driver='shouter'] td.umd-name a")).click();
            String stderr = Waits.waitFor("the shouter's detail view", Waits.NO_HANG,
                    () -> textOf(browser, "#umd-stderr"), t -> !t.isEmpty());
            assertNothingInjected(browser, "detail page");
            Object children = ((JavascriptExecutor) browser)
                    .executeScript("return document.querySelector('#umd-stderr').childElementCount;");
            assertEquals("the stderr view holds text only", 0L, children);
            assertTrue("the stderr view shows the line literally: " + stderr, stderr.contains(PAYLOAD));
            assertTrue("the detail view shows the effective sandbox",
                    textOf(browser, "#umd-settings").contains("memory 512 MiB"));

            List<ProcessHandle> killed = chromium.quit();
            assertEquals("chromium's processes ended when it quit (these had to be killed): " + killed,
                    List.of(), killed);
            assertEquals("the distribution stopped in order\n" + run.output(), 0, run.stop());
        }
    }

    @Test
    public void actionsNeedThePagesTokenTheConsolesOriginAndCredentials() throws Exception {
        try (ConsoleLaunch run = ConsoleLaunch.start(launcher, work, "guard", Files.createDirectories(work.resolve("deploy")))) {
            String page = run.awaitDrivers("sample").body();
            long pid = pidIn(page, "sample").orElseThrow(() -> new AssertionError("no pid for sample\n" + page));
            Matcher m = Pattern.compile("name=\"umd-token\" value=\"([A-Za-z0-9_-]+)\"").matcher(page);
            assertTrue("the page's forms carry a token\n" + page, m.find());
            String token = m.group(1);
            String kill = "action=kill&driver=sample";
            String auth = ConsoleLaunch.basicAuth();

            assertEquals("no credentials", 401, run.post(kill + "&umd-token=" + token));
            assertEquals("no token", 403, run.post(kill, "Authorization", auth));
            assertEquals("a wrong token", 403, run.post(kill + "&umd-token=x" + token, "Authorization", auth));
            assertEquals("another origin", 403, run.post(kill + "&umd-token=" + token, "Authorization", auth,
                    "Origin", "http://evil.example"));
            assertEquals("another site", 403, run.post(kill + "&umd-token=" + token, "Authorization", auth,
                    "Sec-Fetch-Site", "cross-site"));
            assertTrue("the refused requests left the handler alone", ProcessHandle.of(pid).isPresent());
            assertEquals("the refused requests left the handler's pid", OptionalLong.of(pid),
                    pidIn(run.get("/system/console/umd").body(), "sample"));

            assertEquals("the page's own request", 200, run.post(kill + "&umd-token="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8), "Authorization", auth,
                    "Origin", "http://127.0.0.1:" + run.port(), "Sec-Fetch-Site", "same-origin"));
            Waits.waitFor("the killed handler " + pid + " to be gone", Waits.SOON,
                    () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
            assertEquals("the distribution stopped in order\n" + run.output(), 0, run.stop());
        }
    }

    /** The README's way to set the console's credentials: a configuration file in deploy/. */
    @Test
    public void credentialsFromTheDeployFolderReplaceTheDefault() throws Exception {
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.writeString(deploy.resolve("org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg"),
                "username=operator\npassword=Correct-Horse-7\n", StandardCharsets.UTF_8);
        try (ConsoleLaunch run = ConsoleLaunch.start(launcher, work, "credentials", deploy)) {
            ConsoleLaunch.Page page = Waits.waitFor("the umd page with the configured credentials", ConsoleLaunch.LIMIT,
                    () -> {
                        run.assertAlive();
                        return run.get("/system/console/umd", "operator", "Correct-Horse-7");
                    }, p -> p.status() == 200 && p.body().contains("data-driver=\"sample\""));
            assertTrue(page.body().contains("umd-drivers"));
            assertEquals("the default credentials no longer open it", 401, run.get("/system/console/umd").status());
            assertEquals("the distribution stopped in order\n" + run.output(), 0, run.stop());
        }
    }

    /** No element of the payload's in the DOM, and none of its script ran. */
    private static void assertNothingInjected(ChromeDriver browser, String where) {
        Object injected = ((JavascriptExecutor) browser)
                .executeScript("return document.querySelectorAll('[id^=\"umd-injected\"]').length;");
        assertEquals(where + ": no element of the handler's in the DOM", 0L, injected);
        Object owned = ((JavascriptExecutor) browser).executeScript("return typeof window.umdOwned;");
        assertEquals(where + ": no script of the handler's ran", "undefined", owned);
    }

    /** The pid in the driver's row, waiting until there is one. */
    private static long pidOf(ChromeDriver browser, String driver) {
        String text = Waits.waitFor("a pid in the row of " + driver, Waits.NO_HANG, () -> {
            String t = textOf(browser, "tr[data-driver='" + driver + "'] td.umd-pids");
            if (!t.matches("\\d+")) {
                browser.navigate().refresh();
            }
            return t;
        }, t -> t.matches("\\d+"));
        return Long.parseLong(text);
    }

    private static String textOf(ChromeDriver browser, String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static OptionalLong pidIn(String html, String driver) {
        Matcher m = Pattern.compile("data-driver=\"" + Pattern.quote(driver)
                + "\">.*?<td class=\"umd-pids\">(\\d+)</td>").matcher(html);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
}
