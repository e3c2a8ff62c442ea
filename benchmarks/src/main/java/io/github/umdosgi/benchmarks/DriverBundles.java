package io.github.umdosgi.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.umdosgi.testkit.BundleJar;

/**
 * Loader bundles as the benchmarks use them: a {@code UMD-Driver} header whose
 * clauses all name the echo handler, and a jar (built by {@link BundleJar})
 * carrying that handler as the entry {@value #HANDLER_ENTRY}, the way a
 * bnd-built loader bundle carries it (deflated). Stateless.
 */
final class DriverBundles {

    /** Where the handler sits inside every bundle built here. */
    static final String HANDLER_ENTRY = "bin/echo-handler";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern VALUE = Pattern.compile("[^,;\"\\s]+");

    private DriverBundles() {
    }

    /**
     * One clause of the header.
     *
     * @param name the driver name
     * @param attributes further attributes in order (after {@code handler}), e.g. {@code instances=2}
     * @return {@code name;handler=bin/echo-handler;k=v...}
     */
    static String clause(String name, Map<String, String> attributes) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid driver name '" + name + "'");
        }
        StringBuilder clause = new StringBuilder(name).append(";handler=").append(HANDLER_ENTRY);
        attributes.forEach((key, value) -> {
            if (key.equals("handler") || !VALUE.matcher(key).matches() || !VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("unusable attribute " + key + "=" + value);
            }
            clause.append(';').append(key).append('=').append(value);
        });
        return clause.toString();
    }

    /**
     * @param names driver names
     * @param attributes the same attributes for each
     * @return the header value declaring all of them
     */
    static String header(List<String> names, Map<String, String> attributes) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a header needs at least one driver");
        }
        return String.join(", ", names.stream().map(n -> clause(n, attributes)).toList());
    }

    /**
     * Attributes in the given order, as {@code key, value, key, value...}.
     *
     * @param keysAndValues an even number of strings
     * @return an ordered map
     */
    static Map<String, String> attributes(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * @param symbolicName the Bundle-SymbolicName
     * @param header the UMD-Driver header value
     * @param handler the handler executable's bytes
     * @return the bundle jar
     */
    static byte[] bundle(String symbolicName, String header, byte[] handler) {
        return bundle(symbolicName, header, handler, false);
    }

    /**
     * @param symbolicName the Bundle-SymbolicName
     * @param header the UMD-Driver header value, or null for a bundle without one
     * @param handler the handler executable's bytes
     * @param stored true to store the handler uncompressed instead of deflated
     * @return the bundle jar
     */
    static byte[] bundle(String symbolicName, String header, byte[] handler, boolean stored) {
        BundleJar jar = BundleJar.named(symbolicName).driverHeader(header).directory("bin/");
        return (stored ? jar.storedEntry(HANDLER_ENTRY, handler) : jar.entry(HANDLER_ENTRY, handler)).build();
    }
}
