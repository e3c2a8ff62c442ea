package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.TestFiles;

/**
 * The product distribution the lifecycle tests start as a separate process,
 * and the fresh working directories they run it in. Stateless.
 */
public final class Distribution {

    private Distribution() {
    }

    /**
     * @param test the test class, named in the skip message
     * @return the distribution's start script; the test is skipped when it is not built
     */
    public static Path launcher(Class<?> test) {
        String configured = System.getProperty("itest.launcher");
        assumeTrue("system property itest.launcher not set: run through Maven failsafe", configured != null);
        Path launcher = Paths.get(configured).toAbsolutePath().normalize();
        assumeTrue("the product distribution is not built (" + launcher + " missing): build felix-launcher first,"
                + " e.g. mvn -o install -pl felix-launcher, or run the whole reactor; " + test.getSimpleName()
                + " skipped", Files.isExecutable(launcher));
        return launcher;
    }

    /**
     * @param names path elements below the itest work directory
     * @return that directory, emptied and created
     * @throws IOException it cannot be prepared
     */
    public static Path freshWork(String... names) throws IOException {
        Path work = Paths.get(System.getProperty("itest.work"), names).toAbsolutePath().normalize();
        TestFiles.deleteTree(work);
        Files.createDirectories(work);
        return work;
    }

    /**
     * Kills what is left of a run and deletes its work directory, for a test's clean-up.
     *
     * @param run the launch, or null when it never started
     * @param work its work directory, or null
     * @throws IOException the directory cannot be deleted
     */
    static void cleanUp(Process run, Path work) throws IOException {
        if (run != null && run.isAlive()) {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
        if (work != null) {
            TestFiles.deleteTree(work);
        }
    }

    /** The java process of a launch: bin/umd-osgi execs java, so normally the script's own pid. */
    public static ProcessHandle javaOf(Process p) {
        return Waits.waitFor("the java process of launcher " + p.pid(), Duration.ofSeconds(10), () -> {
            Stream<ProcessHandle> candidates = Stream.concat(Stream.of(p.toHandle()), p.descendants());
            Optional<ProcessHandle> java = candidates
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
            return java.orElse(null);
        }, h -> h != null);
    }
}
