package io.github.umdosgi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class FrameworkPropertiesTest {

    private final DistributionLayout layout = new DistributionLayout(Path.of("/opt/umd-osgi"));

    private static Properties system(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void pointsFrameworkAndFileInstallIntoTheDistribution() {
        Map<String, Object> p = FrameworkProperties.build(layout, true, system(), System.err);
        assertEquals("/opt/umd-osgi/felix-cache", p.get("org.osgi.framework.storage"));
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
        assertEquals("/opt/umd-osgi/deploy", p.get("felix.fileinstall.dir"));
        assertEquals("/opt/umd-osgi/conf", p.get("gosh.home"));
    }

    @Test
    void passesPrefixedSystemPropertiesThroughAndOverridesDefaults() {
        Map<String, Object> p = FrameworkProperties.build(layout, true,
                system("felix.fileinstall.poll", "250", "io.github.umdosgi.x", "y", "java.version", "17"),
                System.err);
        assertEquals("250", p.get("felix.fileinstall.poll"));
        assertEquals("y", p.get("io.github.umdosgi.x"));
        assertFalse(p.containsKey("java.version"));
    }

    @Test
    void webConsoleListensOnLoopbackPort8080UnlessTold() {
        Map<String, Object> p = FrameworkProperties.build(layout, true, system(), System.err);
        assertEquals("127.0.0.1", p.get("org.apache.felix.http.host"));
        assertEquals("8080", p.get("org.osgi.service.http.port"));
        Map<String, Object> told = FrameworkProperties.build(layout, true,
                system("org.apache.felix.http.host", "192.0.2.7", "org.osgi.service.http.port", "9090"), System.err);
        assertEquals("192.0.2.7", told.get("org.apache.felix.http.host"));
        assertEquals("9090", told.get("org.osgi.service.http.port"));
    }

    @Test
    void nonInteractiveModeAlwaysKeepsGogoJlineFromStartingAShell() {
        Properties sys = system("gosh.args", "--login");
        assertEquals("--login", FrameworkProperties.build(layout, true, sys, System.err).get("gosh.args"));
        assertEquals("--nointeractive", FrameworkProperties.build(layout, false, sys, System.err).get("gosh.args"));
    }
}
