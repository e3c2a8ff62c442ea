package io.github.umdosgi.impl.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.sandbox.SandboxAttributes;

/**
 * Checks every property of one {@value DriverConfig#FACTORY_PID} factory
 * configuration before anything of it is applied: an unknown key, a value of
 * the wrong type or out of range rejects the whole configuration, with one
 * message that names the configuration (its PID and, from FileInstall, its
 * file) and every key that is wrong. Keys Configuration Admin, FileInstall
 * and SCR add themselves ({@code service.*}, {@code component.*},
 * {@code felix.fileinstall.*}, {@code osgi.ds.*}) are not the operator's and
 * are ignored.
 *
 * <p>A key that is absent or blank keeps what the driver's header declares
 * (the metatype's defaults are blank, so a form that submits every field
 * changes nothing it leaves empty). Values are checked with the same rules
 * the header's values are: ranges here, the rest by building the descriptor
 * and sandbox the header parser builds. Stateless.
 */
public final class ConfigurationValidator {

    /** FileInstall's property naming the file a configuration came from. */
    static final String FILE_PROPERTY = "felix.fileinstall.filename";

    /**
     * Prefixes of the keys the framework's services add; none is an override. SCR 1.5 adds
     * {@code osgi.ds.satisfying.condition.target} to every component's properties.
     */
    static final List<String> FOREIGN_PREFIXES = List.of("service.", "component.", "felix.fileinstall.", "osgi.ds.");

    /** Longest timeout or period, in milliseconds: about 24 days, far below any overflow of a deadline. */
    static final long MAX_MILLIS = Integer.MAX_VALUE;

    /** The operator's keys, as spelt in a configuration (dots where the header has dashes). */
    static final Set<String> KEYS = Set.of("name", "instances", "timeout", "start.timeout", "max.message",
            "restart.intensity", "restart.period", "env", "wrapper", "sandbox", "network", "ro.paths", "memory",
            "processes", "cpus", "cpu.time", "open.files", "file.size", "scratch");

    private ConfigurationValidator() {
    }

    /**
     * A checked configuration.
     *
     * @param driverName the driver it applies to
     * @param overrides what it overrides
     */
    public record Valid(String driverName, DriverOverrides overrides) {
    }

    /**
     * @param properties the configuration's properties, as SCR hands them to the component
     * @return the driver name and its overrides
     * @throws InvalidConfigurationException something is wrong; nothing may be applied
     */
    public static Valid validate(Map<String, ?> properties) throws InvalidConfigurationException {
        Map<String, Object> own = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey();
            if (FOREIGN_PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            if (!KEYS.contains(key)) {
                problems.add(unknown(key));
            } else if (!blank(e.getValue())) {
                own.put(key, e.getValue());
            }
        }
        String name = null;
        Object rawName = own.get("name");
        if (rawName == null) {
            problems.add(0, "'name' is missing: it names the driver the configuration applies to");
        } else {
            String candidate = scalar("name", rawName, problems);
            if (candidate != null && !DriverDescriptor.isValidName(candidate)) {
                problems.add(0, "name='" + candidate + "' is not a driver name (1 to 64 of [A-Za-z0-9._-],"
                        + " starting with a letter or digit)");
            } else {
                name = candidate;
            }
        }
        Checked c = new Checked(name == null ? "driver" : name, own, problems);
        int instances = (int) c.integer("instances", 1, DriverDescriptor.MAX_INSTANCES, 0);
        long timeout = c.integer("timeout", 1, MAX_MILLIS, 0);
        long startTimeout = c.integer("start.timeout", 1, MAX_MILLIS, 0);
        int maxMessage = (int) c.integer("max.message", 1, DriverDescriptor.MAX_MESSAGE_LIMIT, 0);
        int restartIntensity = (int) c.integer("restart.intensity", 0, Integer.MAX_VALUE, -1);
        long restartPeriod = c.integer("restart.period", 1, MAX_MILLIS, 0);
        List<String> env = c.descriptorList("env", (b, v) -> b.environment(v));
        List<String> wrapper = c.descriptorList("wrapper", (b, v) -> b.wrapper(v));
        Map<String, String> sandbox = c.sandbox();
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(describe(properties), name, problems);
        }
        return new Valid(name, new DriverOverrides(instances, timeout, startTimeout, maxMessage, restartIntensity,
                restartPeriod, env, wrapper, sandbox));
    }

    /**
     * @param properties a configuration's properties
     * @return "configuration PID" and, when FileInstall delivered it, " (FILE)"
     */
    static String describe(Map<String, ?> properties) {
        Object pid = properties.get("service.pid");
        Object file = properties.get(FILE_PROPERTY);
        return "configuration " + (pid == null ? "(no PID)" : pid) + (file == null ? "" : " (" + file + ")");
    }

    private static String unknown(String key) {
        String dotted = key.replace('-', '.').replace('_', '.').toLowerCase(Locale.ROOT);
        String hint = KEYS.contains(dotted) ? "; did you mean '" + dotted + "'?"
                : "; known keys: " + String.join(", ", new TreeSet<>(KEYS));
        return "unknown key '" + key + "'" + hint;
    }

    private static boolean blank(Object value) {
        if (value instanceof String s) {
            return s.isBlank();
        }
        if (value != null && value.getClass().isArray()) {
            return Array.getLength(value) == 0;
        }
        return value instanceof Collection<?> c && c.isEmpty();
    }

    /** One value that must be a single one: a string, a number or a boolean, never a list. */
    private static String scalar(String key, Object value, List<String> problems) {
        if (value instanceof String s) {
            return s.trim();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
            return value.toString();
        }
        problems.add(key + " must be a single value, not " + shown(value));
        return null;
    }

    /** A list as a string of words (separated by blanks or commas), an array or a collection. */
    private static List<String> words(Object value) {
        List<Object> items = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(Array.get(value, i));
            }
        } else if (value instanceof Collection<?> c) {
            items.addAll(c);
        } else {
            items.add(value);
        }
        return items.stream().map(String::valueOf)
                .flatMap(v -> Arrays.stream(v.trim().split("[\\s,]+")))
                .filter(w -> !w.isEmpty()).toList();
    }

    private static String shown(Object value) {
        if (value != null && value.getClass().isArray()) {
            return "a list " + words(value);
        }
        return value instanceof Collection<?> c ? "a list " + c : "'" + value + "'";
    }

    /** Checks values of one configuration, collecting a problem per wrong key. Used by one call. */
    private static final class Checked {
        private final String driver;
        private final Map<String, Object> values;
        private final List<String> problems;

        Checked(String driver, Map<String, Object> values, List<String> problems) {
            this.driver = driver;
            this.values = values;
            this.problems = problems;
        }

        /** @return the key's whole number within [min, max], or {@code absent} when it is not set or wrong */
        long integer(String key, long min, long max, long absent) {
            Object raw = values.get(key);
            if (raw == null) {
                return absent;
            }
            String text = scalar(key, raw, problems);
            if (text == null) {
                return absent;
            }
            try {
                long n = Long.parseLong(text);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below, with the range
            }
            problems.add(key + "='" + text + "' is not a whole number from " + min + " to " + max
                    + (key.contains("timeout") || key.endsWith("period") ? " (milliseconds)" : "")
                    + (min > 0 ? "; leave it out to keep the declared value" : ""));
            return absent;
        }

        /** A list the descriptor checks (environment names, the wrapper's argv); empty when absent or wrong. */
        List<String> descriptorList(String key, java.util.function.BiConsumer<DriverDescriptor.Builder, List<String>> set) {
            Object raw = values.get(key);
            if (raw == null) {
                return List.of();
            }
            List<String> list = words(raw);
            try {
                DriverDescriptor.Builder probe = DriverDescriptor.builder(driver, "bin/handler");
                set.accept(probe, list);
                probe.build();
                return list;
            } catch (IllegalArgumentException e) {
                problems.add(key + ": " + e.getMessage());
                return List.of();
            }
        }

        /** The sandbox keys, each applied to a sandbox of its own, so a problem names its key. */
        Map<String, String> sandbox() {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String header : new TreeSet<>(SandboxAttributes.KEYS)) {
                String key = header.replace('-', '.');
                Object raw = values.get(key);
                if (raw == null) {
                    continue;
                }
                String text = key.equals("ro.paths") ? String.join(",", words(raw)) : scalar(key, raw, problems);
                if (text == null) {
                    continue;
                }
                try {
                    Sandbox.Builder probe = Sandbox.builder();
                    SandboxAttributes.apply(probe, header, text);
                    probe.build();
                    settings.put(header, text);
                } catch (IllegalArgumentException e) {
                    String message = e.getMessage();
                    // Both the attribute parser and the sandbox name the header spelling; say the key's.
                    problems.add(message.startsWith(header) ? key + message.substring(header.length())
                            : key + ": " + message);
                }
            }
            return settings;
        }
    }
}
