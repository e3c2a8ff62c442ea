package io.github.umdosgi.impl.javahandler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.HandlerCommand;
import io.github.umdosgi.impl.blob.HandlerTree;

/**
 * The command line of a Java handler after the framework's own {@code java}:
 * defaults for a small filter process derived from the sandbox's limits, the
 * driver's own JVM options, the class-data-sharing archive once it exists, the
 * class path (every jar of the tree, in path order; the tree itself when it
 * holds no jar) and the main class.
 *
 * <p>Inside the sandbox the class path is relative to the working directory
 * {@code /tmp}, as {@code ../umd/<folder>/<jar>}: the archive records its class
 * path as written and a relative one is the same for every extraction of the
 * tree (see {@link CdsArchive}).
 *
 * <p>Thread safe: immutable apart from the archive, which is.
 */
public final class JavaHandlerCommand implements HandlerCommand {

    /** The system property naming the main class for the handler kit; the kit's {@code JavaHandler.CLASS_PROPERTY}. */
    static final String HANDLER_CLASS_PROPERTY = "io.github.umdosgi.handler";

    /** Where the archive is inside the sandbox. */
    static final String ARCHIVE_INSIDE = "/cds/handler.jsa";

    private final HandlerTree tree;
    private final String mainClass;
    private final List<String> options;
    private final CdsArchive archive;

    /**
     * @param tree the extracted tree holding the class path
     * @param mainClass the class whose main runs
     * @param options the driver's own JVM options, put after the defaults
     * @param archive the driver's class-data-sharing archive; null for none
     */
    public JavaHandlerCommand(HandlerTree tree, String mainClass, List<String> options, CdsArchive archive) {
        this.tree = tree;
        this.mainClass = mainClass;
        this.options = List.copyOf(options);
        this.archive = archive;
    }

    @Override
    public List<String> arguments(Sandbox sandbox, boolean confined) {
        List<String> words = new ArrayList<>(defaults(sandbox));
        if (confined && archive != null && archive.ready()) {
            words.add("-XX:SharedArchiveFile=" + ARCHIVE_INSIDE);
        }
        words.addAll(options);
        // Tells the handler kit's inherited main which class the header named (see the kit's JavaHandler).
        words.add("-D" + HANDLER_CLASS_PROPERTY + "=" + mainClass);
        words.addAll(List.of("-cp", classPath(tree, confined ? Path.of("../umd", tree.folder()) : tree.root()),
                mainClass));
        return words;
    }

    @Override
    public List<String> readOnlyBinds() {
        List<String> binds = new ArrayList<>();
        Path home = javaHome();
        if (!home.startsWith("/usr/")) {
            // /usr is in every sandbox already; a JDK elsewhere (e.g. /opt) is shown read-only where it is.
            binds.addAll(List.of(home.toString(), home.toString()));
        }
        if (archive != null && archive.ready()) {
            binds.addAll(List.of(archive.file().toString(), ARCHIVE_INSIDE));
        }
        return binds;
    }

    @Override
    public void close() {
        if (archive != null) {
            archive.close();
        }
    }

    /** @return the archive, or null */
    public CdsArchive archive() {
        return archive;
    }

    /**
     * The JVM defaults for a filter process: the serial collector (no GC threads to speak of), a
     * heap of half the sandbox's memory (the rest is metaspace, code, stacks and the JVM itself),
     * as many processors as the CPU quota allows, the client compiler only (quicker to a first
     * reply), no perf-data file, and an exit on the first OutOfMemoryError (the manager restarts it).
     *
     * @param sandbox the limits
     * @return the options
     */
    public static List<String> defaults(Sandbox sandbox) {
        List<String> words = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto"));
        long heapMiB = Math.max(4, (sandbox.memory() / 2) >> 20);
        words.add("-Xmx" + heapMiB + "m");
        words.add("-XX:MaxRAM=" + sandbox.memory());
        if (sandbox.cpuMillis() > 0) {
            words.add("-XX:ActiveProcessorCount=" + Math.max(1, (sandbox.cpuMillis() + 999) / 1000));
        }
        return words;
    }

    /**
     * @param tree the tree
     * @param base how the class path names the tree's folder
     * @return every jar of the tree under {@code base}, in path order, or {@code base} itself when it holds none
     */
    static String classPath(HandlerTree tree, Path base) {
        List<String> jars = jars(tree).stream().map(j -> base.resolve(j).toString()).toList();
        return jars.isEmpty() ? base.toString() : String.join(":", jars);
    }

    /** @return the tree's jars, relative to it, in path order */
    static List<String> jars(HandlerTree tree) {
        return tree.files().stream().filter(f -> f.endsWith(".jar")).toList();
    }

    /** @return the framework's own JDK, real path */
    public static Path javaHome() {
        Path home = Path.of(System.getProperty("java.home"));
        try {
            return home.toRealPath();
        } catch (java.io.IOException e) {
            return home.toAbsolutePath().normalize();
        }
    }

    /** @return the framework's own {@code java} */
    public static Path javaExecutable() {
        return javaHome().resolve("bin/java");
    }
}
