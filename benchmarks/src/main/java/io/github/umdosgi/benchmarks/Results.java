package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The figures of one benchmark pass, as ordered {@code key -> value} pairs
 * (dotted keys such as {@code rtt.umd.16.median_us}). A pass writes them to a
 * file, one {@code key<TAB>value} line each, so that passes run in separate
 * JVMs (pinned, unpinned) can be reported side by side.
 *
 * <p>Not thread safe.
 */
public final class Results {

    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @param key a key without tabs or line breaks
     * @param value a value without line breaks
     * @return this
     */
    public Results put(String key, String value) {
        if (key.isEmpty() || key.matches(".*[\\t\\r\\n].*") || value.matches("(?s).*[\\r\\n].*")) {
            throw new IllegalArgumentException("unusable key or value: '" + key + "' = '" + value + "'");
        }
        values.put(key, value.replace('\t', ' '));
        return this;
    }

    /**
     * @param key the key
     * @param value a finite number
     * @return this
     */
    public Results put(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " is not finite: " + value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return put(key, Long.toString((long) value));
        }
        return put(key, String.format(Locale.ROOT, "%.6g", value).strip());
    }

    /**
     * Records the median and p99 of timing samples in microseconds, with the count.
     *
     * @param prefix the key prefix, e.g. {@code rtt.umd.16}
     * @param stats the samples
     * @return this
     */
    public Results putMicros(String prefix, Stats stats) {
        put(prefix + ".median_us", stats.median() / 1e3);
        put(prefix + ".p99_us", stats.p99() / 1e3);
        put(prefix + ".n", stats.count());
        return this;
    }

    /**
     * @param key the key
     * @return the value, if recorded
     */
    public java.util.Optional<String> get(String key) {
        return java.util.Optional.ofNullable(values.get(key));
    }

    /**
     * @param key the key
     * @return the value as a number, empty when missing or not a number
     */
    public OptionalDouble number(String key) {
        String v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** @return the keys in insertion order */
    public List<String> keys() {
        return new ArrayList<>(values.keySet());
    }

    /**
     * @param file where to write; replaced
     * @throws IOException the file cannot be written
     */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('\t').append(v).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * @param file a file written by {@link #write}
     * @return its figures
     * @throws IOException the file cannot be read or a line has no tab
     */
    public static Results read(Path file) throws IOException {
        Results results = new Results();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new IOException(file + ":" + lineNo + ": expected key<TAB>value");
            }
            results.values.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return results;
    }
}
