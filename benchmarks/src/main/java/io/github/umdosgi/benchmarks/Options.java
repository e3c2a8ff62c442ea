package io.github.umdosgi.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command line of {@code Harness run}.
 *
 * @param label names the pass in the report, e.g. {@code unpinned}
 * @param out where the pass writes its figures
 * @param home the module's {@code target/bench} folder (lib/, bundle/, umd/, bin/)
 * @param managerJar the umd-mgmt-impl bundle to measure
 * @param work scratch folder for the framework cache and the private directories; emptied at the
 *        start, deleted at the end (default: a folder of this process under the home)
 * @param quick fewer iterations and shorter windows, for a first look
 * @param sections which sections to run, in the fixed order {@link #ALL_SECTIONS}
 */
record Options(String label, Path out, Path home, Path managerJar, Path work, boolean quick, Set<String> sections) {

    static final List<String> ALL_SECTIONS = List.of("rtt", "tput", "start", "java", "pgp", "rss", "scale");

    static final String USAGE = """
            usage: Harness run --label NAME --out FILE --home DIR [--impl JAR] [--work DIR] [--quick] [--sections LIST]
                   Harness report FILE...
              run       one pass of every section; figures go to FILE, progress to stderr
              report    prints the tables of one or more passes side by side, with targets met/missed
              --home    the module's target/bench folder (built by mvn package)
              --impl    the manager bundle to measure (default HOME/umd/umd-mgmt-impl.jar)
              --sections comma list of rtt,tput,start,java,pgp,rss,scale (default all)
            """;

    /**
     * @param args the arguments after {@code run}
     * @return the options
     * @throws IllegalArgumentException an argument is unknown, missing or malformed
     */
    static Options parse(List<String> args) {
        String label = null;
        Path out = null;
        Path home = null;
        Path impl = null;
        Path work = null;
        boolean quick = false;
        Set<String> sections = new LinkedHashSet<>(ALL_SECTIONS);
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--quick" -> quick = true;
                case "--label" -> label = value(arg, rest);
                case "--out" -> out = Path.of(value(arg, rest));
                case "--home" -> home = Path.of(value(arg, rest));
                case "--impl" -> impl = Path.of(value(arg, rest));
                case "--work" -> work = Path.of(value(arg, rest));
                case "--sections" -> {
                    sections = new LinkedHashSet<>();
                    for (String s : value(arg, rest).split(",")) {
                        if (!ALL_SECTIONS.contains(s.strip())) {
                            throw new IllegalArgumentException("unknown section '" + s + "'; known: " + ALL_SECTIONS);
                        }
                        sections.add(s.strip());
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (label == null || out == null || home == null) {
            throw new IllegalArgumentException("--label, --out and --home are required");
        }
        if (!label.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("label '" + label + "' must be letters, digits, '-' or '_'");
        }
        if (impl == null) {
            impl = home.resolve("umd").resolve("umd-mgmt-impl.jar");
        }
        if (work == null) {
            // per process, so that two runs at once never delete each other's files
            work = home.resolve("work-" + label + "-" + ProcessHandle.current().pid());
        }
        List<String> ordered = ALL_SECTIONS.stream().filter(sections::contains).toList();
        return new Options(label, out, home, impl, work, quick, new LinkedHashSet<>(ordered));
    }

    private static String value(String option, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }

    /**
     * Scales an iteration count down in quick mode.
     *
     * @param full the count of a full run
     * @return the count to use, at least 3
     */
    int iterations(int full) {
        return quick ? Math.max(3, full / 5) : full;
    }
}
