package io.github.umdosgi.impl.extender;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.impl.frame.FrameCodec;
import io.github.umdosgi.impl.sandbox.SandboxAttributes;

/**
 * Parses {@code UMD-Driver: name;handler=path[;attr=value]*[, name2;...]}.
 * Every problem is reported as an {@link IllegalArgumentException} naming the
 * clause and what is wrong; unknown attributes are errors, so typos never pass
 * silently. Stateless.
 *
 * <p>A driver may be declared by several clauses, one per platform, as
 * {@code Bundle-NativeCode} does for libraries: every clause but the last
 * names an {@code osname} and/or a {@code processor} (each a list of
 * alternatives), and the first clause that matches the framework's platform
 * is the driver's.
 */
public final class DriverHeaderParser {

    static final Set<String> ATTRIBUTES = union(Set.of("handler", "sha256", "timeout", "start-timeout",
            "max-message", "instances", "post-start", "restart-intensity", "restart-period", "env", "wrapper",
            "osname", "processor", "protocol", "tree", "tree-sha256", "java", "jvm-options", "max-calls"),
            SandboxAttributes.KEYS);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /**
     * What a header declares for one platform.
     *
     * @param declarations the drivers whose clause matches the platform, in header order
     * @param unavailable drivers without a clause for the platform, each with the reason
     */
    public record Selection(List<DriverDeclaration> declarations, Map<String, String> unavailable) {
    }

    /** One clause: a declaration and the platforms it is for (empty lists: any). */
    private record Clause(DriverDeclaration declaration, List<String> osNames, List<String> processors) {
        boolean selective() {
            return !osNames.isEmpty() || !processors.isEmpty();
        }

        String platforms() {
            return (osNames.isEmpty() ? "any OS" : String.join("|", osNames)) + "/"
                    + (processors.isEmpty() ? "any processor" : String.join("|", processors));
        }
    }

    private DriverHeaderParser() {
    }

    /**
     * Parses a header without choosing by platform: each driver's first clause.
     *
     * @param header the header value
     * @return one declaration per driver
     * @throws IllegalArgumentException the header is malformed
     */
    public static List<DriverDeclaration> parse(String header) {
        return parse(header, null).declarations();
    }

    /**
     * @param header the header value
     * @param platform where the handlers will run; null takes each driver's first clause
     * @return the declarations for the platform, and the drivers it has no handler for
     * @throws IllegalArgumentException the header is malformed
     */
    public static Selection parse(String header, Platform platform) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException(UmdManager.DRIVER_HEADER + " header is empty");
        }
        Map<String, List<Clause>> byName = new LinkedHashMap<>();
        for (String text : split(header, ',')) {
            Clause clause = parseClause(text.trim());
            List<Clause> alternatives = byName.computeIfAbsent(clause.declaration().descriptor().name(),
                    n -> new ArrayList<>());
            if (!alternatives.isEmpty() && !alternatives.get(alternatives.size() - 1).selective()) {
                // An earlier clause for every platform would always win: the later one is a mistake.
                throw new IllegalArgumentException("driver '" + clause.declaration().descriptor().name()
                        + "' is declared twice in the " + UmdManager.DRIVER_HEADER
                        + " header (several clauses for one driver need osname or processor on all but the last)");
            }
            alternatives.add(clause);
        }
        List<DriverDeclaration> declarations = new ArrayList<>();
        Map<String, String> unavailable = new LinkedHashMap<>();
        byName.forEach((name, alternatives) -> alternatives.stream()
                .filter(c -> platform == null || platform.matches(c.osNames(), c.processors()))
                .findFirst()
                .ifPresentOrElse(c -> declarations.add(c.declaration()), () -> unavailable.put(name,
                        "no handler for this platform (" + platform + "); the header offers "
                                + String.join(", ", alternatives.stream().map(Clause::platforms).toList()))));
        return new Selection(List.copyOf(declarations), java.util.Collections.unmodifiableMap(unavailable));
    }

    /**
     * The driver names of a header, for reporting a header that fails to
     * parse as a whole; clauses whose name is unusable are skipped.
     *
     * @param header the header value
     * @return the names found
     */
    public static List<String> names(String header) {
        List<String> names = new ArrayList<>();
        for (String clause : split(header == null ? "" : header, ',')) {
            String name = split(clause, ';').get(0).trim();
            if (!name.isEmpty() && !name.contains("=")) {
                names.add(name);
            }
        }
        return names;
    }

    private static Clause parseClause(String clause) {
        List<String> parts = split(clause, ';');
        String name = parts.get(0).trim();
        if (name.isEmpty() || name.contains("=")) {
            throw new IllegalArgumentException("clause '" + clause + "' must start with a driver name");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String part : parts.subList(1, parts.size())) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("driver '" + name + "': '" + part.trim()
                        + "' is not an attribute (expected key=value)");
            }
            String key = part.substring(0, eq).trim();
            String value = unquote(part.substring(eq + 1).trim());
            if (!ATTRIBUTES.contains(key)) {
                throw new IllegalArgumentException("driver '" + name + "': unknown attribute '" + key
                        + "' (known: " + String.join(", ", new java.util.TreeSet<>(ATTRIBUTES)) + ")");
            }
            if (attributes.put(key, value) != null) {
                throw new IllegalArgumentException("driver '" + name + "': attribute '" + key + "' given twice");
            }
        }
        String handler = attributes.get("handler");
        String java = attributes.get("java");
        if (java != null) {
            // A Java handler's executable is the framework's JVM; its code is the tree's jars.
            if (handler != null) {
                throw new IllegalArgumentException("driver '" + name
                        + "': give either handler (an executable) or java (a main class), not both");
            }
            handler = attributes.get("tree");
            if (handler == null) {
                throw new IllegalArgumentException("driver '" + name
                        + "': java=" + java + " needs tree=<folder of the bundle holding its jars>");
            }
        } else if (attributes.containsKey("jvm-options")) {
            throw new IllegalArgumentException("driver '" + name + "': jvm-options needs java=<main class>");
        }
        if (handler == null) {
            throw new IllegalArgumentException("driver '" + name
                    + "': the handler attribute (or java, for a Java handler) is required");
        }
        if (attributes.containsKey("protocol")
                && number(name, "protocol", attributes) != FrameCodec.PROTOCOL) {
            throw new IllegalArgumentException("driver '" + name + "': protocol=" + attributes.get("protocol")
                    + " is not spoken by this manager, which speaks protocol "
                    + FrameCodec.PROTOCOL);
        }
        DriverDescriptor.Builder descriptor = DriverDescriptor.builder(name, handler);
        // From here on, invalid values are rejected by DriverDescriptor with a message naming the driver.
        if (attributes.containsKey("sha256")) {
            descriptor.sha256(attributes.get("sha256"));
        }
        if (attributes.containsKey("timeout")) {
            descriptor.callTimeout(Duration.ofMillis(number(name, "timeout", attributes)));
        }
        if (attributes.containsKey("start-timeout")) {
            descriptor.startTimeout(Duration.ofMillis(number(name, "start-timeout", attributes)));
        }
        if (attributes.containsKey("max-message")) {
            descriptor.maxMessageSize((int) number(name, "max-message", attributes, 1, DriverDescriptor.MAX_MESSAGE_LIMIT));
        }
        if (attributes.containsKey("instances")) {
            descriptor.instances((int) number(name, "instances", attributes, 1, DriverDescriptor.MAX_INSTANCES));
        }
        if (attributes.containsKey("restart-intensity") || attributes.containsKey("restart-period")) {
            var policy = io.github.umdosgi.api.RestartPolicy.DEFAULT;
            int intensity = attributes.containsKey("restart-intensity")
                    ? (int) number(name, "restart-intensity", attributes, 0, Integer.MAX_VALUE)
                    : policy.intensity();
            Duration period = attributes.containsKey("restart-period")
                    ? Duration.ofMillis(number(name, "restart-period", attributes)) : policy.period();
            descriptor.restartPolicy(policy.withIntensity(intensity, period));
        }
        descriptor.tree(attributes.get("tree"));
        if (attributes.containsKey("tree-sha256")) {
            descriptor.treeSha256(attributes.get("tree-sha256"));
        }
        descriptor.javaMain(java);
        if (attributes.containsKey("jvm-options")) {
            descriptor.jvmOptions(words(attributes.get("jvm-options")));
        }
        if (attributes.containsKey("max-calls")) {
            descriptor.maxCalls(number(name, "max-calls", attributes, 0, Long.MAX_VALUE - 1));
        }
        if (attributes.containsKey("env")) {
            descriptor.environment(words(attributes.get("env")));
        }
        if (attributes.containsKey("wrapper")) {
            descriptor.wrapper(words(attributes.get("wrapper")));
        }
        Sandbox.Builder sandbox = Sandbox.builder();
        for (String key : SandboxAttributes.KEYS) {
            if (attributes.containsKey(key)) {
                try {
                    SandboxAttributes.apply(sandbox, key, attributes.get(key));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("driver '" + name + "': " + e.getMessage(), e);
                }
            }
        }
        try {
            descriptor.sandbox(sandbox.build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("driver '" + name + "': " + e.getMessage(), e);
        }
        Optional<String> hook = Optional.ofNullable(attributes.get("post-start"));
        if (hook.isPresent() && !hook.get().matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
            throw new IllegalArgumentException("driver '" + name + "': post-start '" + hook.get()
                    + "' is not a class name");
        }
        return new Clause(new DriverDeclaration(descriptor.build(), hook),
                alternatives(attributes.getOrDefault("osname", "")),
                alternatives(attributes.getOrDefault("processor", "")));
    }

    private static long number(String name, String key, Map<String, String> attributes) {
        return number(name, key, attributes, 1, Long.MAX_VALUE);
    }

    private static long number(String name, String key, Map<String, String> attributes, long min, long max) {
        String value = attributes.get(key);
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            String expected = max < Integer.MAX_VALUE ? "an integer between " + min + " and " + max
                    : min == 0 ? "a non-negative integer" : "a positive integer";
            throw new IllegalArgumentException("driver '" + name + "': " + key + "='" + value
                    + "' is not " + expected);
        }
        return n;
    }

    /** Splits a list value on spaces and commas. */
    static List<String> words(String value) {
        return java.util.Arrays.stream(value.trim().split("[\\s,]+")).filter(w -> !w.isEmpty()).toList();
    }

    /** Splits a list of platform names on commas only: an OS name may contain spaces. */
    static List<String> alternatives(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(w -> !w.isEmpty()).toList();
    }

    /** Splits on a separator outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quote in '" + text + "'");
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
