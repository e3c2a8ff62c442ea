package io.github.umdosgi.itest.trees;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.github.umdosgi.testkit.TestFiles;

/**
 * Builds a Java handler as its author would: {@code javac} against the handler kit's jar, then a
 * jar of the classes. Real tools, run as processes.
 */
final class JavaHandlerBuild {

    private JavaHandlerBuild() {
    }

    /** @return the handler kit's jar, as the build copied it */
    static Path kitJar() {
        Path jar = Path.of(System.getProperty("itest.bundles"), "umd-handler-kit.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": run through Maven");
        }
        return jar;
    }

    /**
     * @param work a scratch directory, replaced
     * @param sources path of each source file (e.g. {@code com/example/Upper.java}) -> its text
     * @return the bytes of a jar of the compiled classes
     */
    static byte[] compile(Path work, Map<String, String> sources) throws Exception {
        TestFiles.deleteTree(work);
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac")
                .toString(), "--release", "17", "-cp", kitJar().toString(), "-d", classes.toString()));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue(), StandardCharsets.UTF_8);
            command.add(file.toString());
        }
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (javac.waitFor() != 0) {
            throw new AssertionError("javac failed: " + output);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes); Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
