package io.github.umdosgi.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the parts of the distribution live, all relative to its home folder. */
record DistributionLayout(Path home) {

    /** System property naming the home folder; bin/umd-osgi sets it. */
    static final String HOME_PROPERTY = "io.github.umdosgi.home";

    Path bundleDir() {
        return home.resolve("bundle");
    }

    Path deployDir() {
        return home.resolve("deploy");
    }

    /** gosh.home: gogo.jline reads its profile from {@code <gosh.home>/etc/gosh_profile}. */
    Path confDir() {
        return home.resolve("conf");
    }

    Path cacheDir() {
        return home.resolve("felix-cache");
    }

    /**
     * Uses the home property when set, else the folder above the launcher jar
     * ({@code <home>/lib/launcher.jar}), so the jar also works with plain {@code java -jar}.
     */
    static DistributionLayout locate() throws UsageException {
        String configured = System.getProperty(HOME_PROPERTY);
        Path home;
        if (configured != null && !configured.isBlank()) {
            home = Paths.get(configured);
        } else {
            try {
                Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                home = jar.getParent() == null ? null : jar.getParent().getParent();
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                home = null;
            }
        }
        if (home == null || !Files.isDirectory(home.resolve("bundle"))) {
            throw new UsageException("cannot find the distribution (no bundle/ folder under "
                    + home + "); set -D" + HOME_PROPERTY + "=<folder>");
        }
        return new DistributionLayout(home.toAbsolutePath().normalize());
    }
}
