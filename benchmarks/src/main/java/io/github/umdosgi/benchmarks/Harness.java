package io.github.umdosgi.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point. {@code run} measures one pass in this JVM (the run script
 * starts it twice: unpinned, then under {@code taskset -c 0}); {@code report}
 * prints the passes side by side. See docs/PERFORMANCE.md.
 */
public final class Harness {

    private Harness() {
    }

    /**
     * @param args {@code run ...} or {@code report FILE...}
     */
    public static void main(String[] args) {
        List<String> list = Arrays.asList(args);
        try {
            if (!list.isEmpty() && list.get(0).equals("run")) {
                new Pass(Options.parse(list.subList(1, list.size())), System.err).run();
            } else if (list.size() >= 2 && list.get(0).equals("report")) {
                List<Report.Run> passes = new ArrayList<>();
                for (String file : list.subList(1, list.size())) {
                    Results results = Results.read(Path.of(file));
                    passes.add(new Report.Run(results.get("meta.label").orElse(file), results));
                }
                new Report(passes, System.out).print();
            } else {
                System.err.print(Options.USAGE);
                System.exit(64);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("benchmarks: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(64);
        } catch (Exception e) {
            System.err.println("benchmarks: failed:");
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
