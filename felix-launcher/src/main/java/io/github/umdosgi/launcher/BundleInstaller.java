package io.github.umdosgi.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

import io.github.umdosgi.impl.text.SafeText;

/**
 * Installs every jar of a folder, then starts the installed bundles. A bundle
 * that fails is reported on stderr and skipped, so one broken bundle does not
 * keep the shell from coming up.
 */
final class BundleInstaller {

    private final BundleContext context;
    private final PrintStream err;

    BundleInstaller(BundleContext context, PrintStream err) {
        this.context = context;
        this.err = err;
    }

    /** Installs the jars of {@code dir} in file name order (a stable, reproducible order). */
    List<Bundle> installAll(Path dir) throws IOException {
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try {
                installed.add(context.installBundle(jar.toUri().toString()));
            } catch (BundleException | RuntimeException e) {
                warn("cannot install " + jar.getFileName(), e);
            }
        }
        return installed;
    }

    /**
     * Bundles that open a console shell as soon as they start. They are started
     * last, so the first command typed (or piped) sees every other bundle started.
     */
    static final Set<String> SHELL_BUNDLES = Set.of("org.apache.felix.gogo.jline", "org.apache.felix.gogo.shell");

    /**
     * The service an SLF4J provider bundle offers through the service loader mediator. Such
     * bundles start first: SLF4J picks its provider once, when the first bundle that logs through
     * it (Jetty) starts, and without one it logs nothing and says so on stderr.
     */
    static final String SLF4J_PROVIDER = "org.slf4j.spi.SLF4JServiceProvider";

    /**
     * Starts each bundle but fragments (which cannot be started), logging
     * providers first, shells last; returns how many failed.
     */
    int startAll(List<Bundle> bundles) {
        List<Bundle> ordered = new ArrayList<>(bundles);
        // stable sort: install order is kept within each group
        ordered.sort(Comparator.comparingInt(BundleInstaller::startGroup));
        int failures = 0;
        for (Bundle bundle : ordered) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                failures++;
                warn("cannot start " + bundle.getSymbolicName(), e);
            }
        }
        return failures;
    }

    /** 0: logging providers, 1: the rest, 2: shells. */
    private static int startGroup(Bundle b) {
        if (SHELL_BUNDLES.contains(b.getSymbolicName())) {
            return 2;
        }
        String provides = b.getHeaders().get(Constants.PROVIDE_CAPABILITY);
        boolean loggingProvider = provides != null && provides.contains("osgi.serviceloader")
                && provides.contains(SLF4J_PROVIDER);
        return loggingProvider ? 0 : 1;
    }

    private void warn(String what, Exception e) {
        // A bundle's name and its activator's message are the bundle's to choose.
        err.println("umd-osgi: " + SafeText.field(what + ": " + e.getMessage()));
        err.flush();
    }
}
