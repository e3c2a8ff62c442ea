package io.github.umdosgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

class EmbeddedFelixTest {

    @Test
    void theSystemBundleExportsTheApiAtAVersionTheManagerImports() throws Exception {
        String export = EmbeddedFelix.apiExport();
        Matcher exported = Pattern.compile(Pattern.quote(EmbeddedFelix.API_PACKAGE) + ";version=([0-9.]+)").matcher(export);
        assertTrue(exported.matches(), export);
        String imports = managerManifest().getMainAttributes().getValue(Constants.IMPORT_PACKAGE);
        Matcher range = Pattern.compile("(?:^|,)" + Pattern.quote(EmbeddedFelix.API_PACKAGE) + ";version=\"([^\"]+)\"")
                .matcher(imports);
        assertTrue(range.find(), imports);
        assertTrue(new VersionRange(range.group(1)).includes(Version.parseVersion(exported.group(1))),
                export + " does not satisfy the manager's import " + range.group(1));
    }

    /** The manager bundle is a runtime dependency of this module, so its manifest is on the test class path. */
    private Manifest managerManifest() throws Exception {
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            try (InputStream in = url.openStream()) {
                Manifest manifest = new Manifest(in);
                if ("io.github.umdosgi.impl".equals(manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME))) {
                    return manifest;
                }
            }
        }
        throw new IllegalStateException("the manager bundle's manifest is not on the test class path");
    }
}
