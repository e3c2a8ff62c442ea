package io.github.umdosgi.impl.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import io.github.umdosgi.api.Sandbox;

/**
 * The sandbox settings as text, one spelling for the {@code UMD-Driver}
 * header and for Configuration Admin: {@code sandbox=default|strict|none},
 * {@code network=none|host}, {@code ro-paths=/a,/b}, and the limits
 * {@code memory}, {@code file-size}, {@code scratch} (bytes, with an optional
 * {@code k}, {@code m} or {@code g} suffix), {@code processes},
 * {@code open-files}, {@code cpu-time} (seconds, 0 for none) and
 * {@code cpus} (cores, decimals allowed, 0 for none). Stateless.
 */
public final class SandboxAttributes {

    /** Every key this class understands, as spelt in a header. */
    public static final Set<String> KEYS = Set.of("sandbox", "network", "ro-paths", "memory", "processes", "cpus",
            "cpu-time", "open-files", "file-size", "scratch");

    private SandboxAttributes() {
    }

    /**
     * Sets one value on a builder.
     *
     * @param builder the sandbox being built
     * @param key one of {@link #KEYS}
     * @param value its text
     * @throws IllegalArgumentException the value is not valid for the key, saying what is expected
     */
    public static void apply(Sandbox.Builder builder, String key, String value) {
        String v = value.trim();
        switch (key) {
            case "sandbox" -> builder.profile(choice(Sandbox.Profile.class, key, v));
            case "network" -> builder.network(choice(Sandbox.Network.class, key, v));
            case "ro-paths" -> builder.readOnlyPaths(Arrays.stream(v.split("[,:\\s]+")).filter(p -> !p.isEmpty()).toList());
            case "memory" -> builder.memory(bytes(key, v));
            case "file-size" -> builder.fileSize(bytes(key, v));
            case "scratch" -> builder.scratch(bytes(key, v));
            case "processes" -> builder.processes((int) integer(key, v, 1, 1 << 20));
            case "open-files" -> builder.openFiles((int) integer(key, v, 16, 1 << 20));
            case "cpu-time" -> builder.cpuTimeSeconds(integer(key, v, 0, Long.MAX_VALUE / 2));
            case "cpus" -> builder.cpuMillis(cores(key, v));
            default -> throw new IllegalArgumentException("unknown sandbox setting '" + key + "'");
        }
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not one of "
                    + String.join("|", Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()));
        }
    }

    /**
     * @param key for the message
     * @param value digits with an optional k, m or g suffix (binary units)
     * @return the byte count
     */
    static long bytes(String key, String value) {
        String digits = value.toLowerCase(Locale.ROOT);
        int shift = 0;
        if (!digits.isEmpty()) {
            switch (digits.charAt(digits.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                default -> shift = 0;
            }
        }
        if (shift > 0) {
            digits = digits.substring(0, digits.length() - 1);
        }
        long n = integer(key, digits, 1, Long.MAX_VALUE >> 31);
        return n << shift;
    }

    private static long integer(String key, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not an integer between " + min + " and " + max);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + "='" + value + "' is not an integer between " + min + " and " + max);
        }
        return n;
    }

    private static int cores(String key, String value) {
        double cores;
        try {
            cores = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            cores = -1;
        }
        if (!(cores >= 0 && cores <= 1024) || (cores > 0 && cores < 0.01)) {
            throw new IllegalArgumentException(key + "='" + value + "' is not a number of cores (0 for no limit, else 0.01 to 1024)");
        }
        return (int) Math.round(cores * 1000);
    }
}
