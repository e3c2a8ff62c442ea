package io.github.umdosgi.itest.lifecycle;

/**
 * The long-soak switch: {@code mvn verify -Dumd.soak=true} (itest/pom.xml passes the Maven property
 * {@code umd.soak} to the test JVM as a system property). Without it the lifecycle tests run a
 * shorter version of the same loop, so the default build stays quick.
 */
final class Soak {

    static final String PROPERTY = "umd.soak";

    private Soak() {
    }

    /** @return whether the long soak was asked for */
    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "false").trim());
    }

    /** @return {@code soak} under the flag, else {@code normal} */
    static int pick(int normal, int soak) {
        return enabled() ? soak : normal;
    }
}
