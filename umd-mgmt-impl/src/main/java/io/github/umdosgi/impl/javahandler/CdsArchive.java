package io.github.umdosgi.impl.javahandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.HandlerTree;
import io.github.umdosgi.impl.process.Launch;
import io.github.umdosgi.impl.process.ProcessSpawner;
import io.github.umdosgi.impl.text.SafeText;

/**
 * A Java handler's class-data-sharing archive (AppCDS): the JDK's own start-up
 * classes and every class of the tree's jars, parsed and laid out once, then
 * mapped by every JVM of the driver instead of being loaded from the jars.
 *
 * <p>It lives in the driver's private directory, {@code <private dir>/cds/handler.jsa},
 * and is made once per load of the driver (a bundle start or a reload), in the
 * background after the first handler started: that first handler starts
 * without it, every later one (restarts, {@code max-calls} replacements, the
 * other instances' restarts) maps it read-only at {@code /cds/handler.jsa}.
 * The unload deletes it with the directory; a dump still running is killed first.
 *
 * <p>The dump is a static one ({@code -Xshare:dump} from a class list): the JVM
 * loads and links the classes but runs none of their code. It still parses
 * the bundle's class files, so it runs in the handler's own sandbox, with the
 * archive folder as its one writable bind, at {@code /cds}, and its working
 * directory. The class path {@code ../umd/<folder>/<jar>} names the same files
 * from there as from the handler's {@code /tmp}: the JVM accepts an archive
 * only for the class path it was dumped with, and the jars' sizes and (fixed,
 * see {@link HandlerTree}) modification times.
 *
 * <p>Thread safe: {@code dump} is guarded by this object's monitor; {@code ready} is volatile.
 */
public final class CdsArchive {

    private final Path directory;
    private final Consumer<String> log;
    // Guarded by this.
    private Process dump;
    private boolean closed;
    private volatile boolean ready;

    /**
     * @param privateDirectory the driver's private directory
     * @param log where the outcome goes (escaped)
     */
    public CdsArchive(Path privateDirectory, Consumer<String> log) {
        this.directory = privateDirectory.resolve("cds");
        this.log = log;
    }

    /** @return the archive's file on the host */
    public Path file() {
        return directory.resolve("handler.jsa");
    }

    /** @return whether the archive is complete and may be mapped */
    public boolean ready() {
        return ready;
    }

    /** Puts the dump's command in the handler's sandbox. */
    @FunctionalInterface
    public interface DumpSandbox {
        /**
         * @param archiveDir the archive folder, to be bound writable at {@code /cds}
         * @param java the JVM and its arguments, with paths as the sandbox sees them
         * @return the launch
         * @throws IOException the sandbox could not be prepared
         */
        Launch plan(Path archiveDir, List<String> java) throws IOException;
    }

    /**
     * Starts the dump in the background, once; a second call does nothing.
     *
     * @param tree the handler's tree
     * @param sandbox the limits the handler runs under (the dump uses the same JVM defaults)
     * @param dumpSandbox the sandbox the dump runs in
     * @param spawner forks the dump behind the parent-death guard
     * @param callbacks runs the completion, off the JDK's process reaper
     * @param driver the driver name, for messages
     */
    public synchronized void startDump(HandlerTree tree, Sandbox sandbox, DumpSandbox dumpSandbox,
            ProcessSpawner spawner, Executor callbacks, String driver) {
        if (dump != null || closed) {
            return;
        }
        List<String> jars = JavaHandlerCommand.jars(tree);
        if (jars.isEmpty()) {
            log.accept("driver '" + driver + "': no class-data-sharing archive: its tree holds classes, not jars");
            return;
        }
        long began = System.nanoTime();
        Path partial = directory.resolve("handler.jsa.part");
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path classList = directory.resolve("classlist");
            writeClassList(tree, classList);
            Files.setPosixFilePermissions(classList, PosixFilePermissions.fromString("r--r--r--"));
            List<String> command = new ArrayList<>(List.of(JavaHandlerCommand.javaExecutable().toString(),
                    "-Xshare:dump", "-XX:SharedClassListFile=classlist", "-XX:SharedArchiveFile=" + partial.getFileName()));
            command.addAll(JavaHandlerCommand.defaults(sandbox).stream().filter(w -> !w.startsWith("-Xshare")).toList());
            command.addAll(List.of("-cp", JavaHandlerCommand.classPath(tree, Path.of("../umd", tree.folder()))));
            Launch launch = dumpSandbox.plan(directory, command);
            ProcessBuilder builder = new ProcessBuilder(launch.command()).directory(launch.workingDirectory().toFile())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("dump.log").toFile());
            builder.environment().clear();
            builder.environment().putAll(launch.environment());
            Process started;
            try {
                started = spawner.spawn(builder, launch.shimOptions());
            } catch (IOException | RuntimeException e) {
                launch.confinement().release();
                throw e;
            }
            started.onExit().thenRun(launch.confinement()::release);
            try (OutputStream go = started.getOutputStream()) {
                if (spawner.awaitsGo()) {
                    go.write('G'); // the shim's go byte (HandlerPipes.GO)
                }
            }
            dump = started;
            started.onExit().thenRunAsync(() -> finished(started, partial, driver, began), callbacks);
        } catch (IOException | RuntimeException e) {
            log.accept("driver '" + driver + "': no class-data-sharing archive: " + SafeText.field(String.valueOf(e.getMessage())));
        }
    }

    private void finished(Process process, Path partial, String driver, long began) {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                if (process.exitValue() == 0 && Files.isRegularFile(partial)) {
                    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r--r--r--"));
                    Files.move(partial, file(), StandardCopyOption.ATOMIC_MOVE);
                    ready = true;
                    log.accept("driver '" + driver + "': class-data-sharing archive ready (" + (Files.size(file()) >> 20)
                            + " MiB, dumped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms)");
                } else {
                    log.accept("driver '" + driver + "': no class-data-sharing archive: the dump exited with "
                            + process.exitValue() + ": " + SafeText.field(lastLine(directory.resolve("dump.log"))));
                }
            } catch (IOException e) {
                log.accept("driver '" + driver + "': no class-data-sharing archive: " + SafeText.field(String.valueOf(e.getMessage())));
            }
        }
    }

    /** Kills a dump still running and waits for it, so that nothing writes into the directory being deleted. */
    public void close() {
        Process running;
        synchronized (this) {
            closed = true;
            ready = false;
            running = dump;
        }
        if (running != null && running.isAlive()) {
            running.destroyForcibly();
            try {
                running.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The JDK's own default class list, then every class of the tree's jars. */
    private static void writeClassList(HandlerTree tree, Path classList) throws IOException {
        List<String> lines = new ArrayList<>();
        Path jdkList = JavaHandlerCommand.javaHome().resolve("lib/classlist");
        if (Files.isRegularFile(jdkList)) {
            lines.addAll(Files.readAllLines(jdkList, StandardCharsets.UTF_8));
        }
        for (String jar : JavaHandlerCommand.jars(tree)) {
            try (InputStream in = Files.newInputStream(tree.root().resolve(jar));
                    ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    String name = entry.getName();
                    if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")
                            && name.matches("[\\p{L}\\p{N}_$/]+\\.class")) {
                        lines.add(name.substring(0, name.length() - ".class".length()));
                    }
                }
            }
        }
        Files.write(classList, lines, StandardCharsets.UTF_8);
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
