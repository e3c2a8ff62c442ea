package io.github.umdosgi.itest.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counts of call outcomes by kind ("ok", an exception's simple name, ...) plus the
 * first few problems, for stress tests whose callers must never see a wrong reply or an untyped
 * failure.
 */
final class Tally {

    private static final int MAX_PROBLEMS = 20;

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int problemCount;

    void count(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    long get(String kind) {
        LongAdder a = counts.get(kind);
        return a == null ? 0 : a.sum();
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Records something that must not happen; the test fails on any. */
    synchronized void problem(String what) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(what);
        }
    }

    synchronized int problemCount() {
        return problemCount;
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Sorted counts, e.g. {@code {TransportException=3, ok=997}}. */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public String toString() {
        return snapshot() + (problemCount() > 0 ? ", " + problemCount() + " problems: " + problems() : "");
    }
}
