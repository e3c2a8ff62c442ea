package io.github.umdosgi.itest.console;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.github.umdosgi.itest.Waits;

/**
 * Debian's chromium, headless, driven through chromium-driver with
 * Selenium, on a fresh profile folder. Skips the test (with a message) when
 * either program is absent. Closing quits the browser and then kills any
 * process still using the profile folder, so that no chromium outlives the
 * test. The test thread owns it.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private boolean quit;

    private HeadlessChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /**
     * @param profile a fresh, empty folder for the browser's profile
     * @return the started browser
     */
    static HeadlessChromium start(Path profile) throws IOException {
        Optional<String> browser = BROWSERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
        Optional<String> chromedriver = DRIVERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
        assumeTrue("chromium is not installed (Debian: apt-get install chromium chromium-driver; .ci/run does it):"
                + " the browser test is skipped", browser.isPresent() && chromedriver.isPresent());
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1300,480", "--no-first-run",
                "--disable-background-networking", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(chromedriver.get()).toFile()).usingAnyFreePort()
                .withLogFile(profile.resolveSibling(profile.getFileName() + "-chromedriver.log").toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(profile, service, driver);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** @return live processes whose command line names this browser's profile folder */
    List<ProcessHandle> processes() {
        String marker = "--user-data-dir=" + profile;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                    .collect(Collectors.toList());
        }
    }

    /**
     * Quits the browser and its driver, waits a moment for their processes to end, and kills what
     * is still running then.
     *
     * @return the processes that had to be killed: empty when quitting ended them all
     */
    List<ProcessHandle> quit() {
        if (quit) {
            return List.of();
        }
        quit = true;
        try {
            driver.quit();
        } finally {
            service.stop();
        }
        long deadline = System.nanoTime() + Waits.SOON.toNanos();
        List<ProcessHandle> left = processes();
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = processes();
        }
        left.forEach(ProcessHandle::destroyForcibly);
        return left;
    }

    /** As {@link #quit()}, for try-with-resources after a failure. */
    @Override
    public void close() {
        quit();
    }
}
