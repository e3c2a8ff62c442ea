package io.github.umdosgi.impl.javahandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.HandlerTree;

class JavaHandlerCommandTest {

    @TempDir
    Path temp;

    private HandlerTree tree(String... names) throws Exception {
        Map<String, URL> entries = new LinkedHashMap<>();
        for (String name : names) {
            Path file = temp.resolve("src").resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, name);
            entries.put(name, file.toUri().toURL());
        }
        return HandlerTree.extract("lib", entries, Optional.empty(), temp.resolve("dir/umd/lib"), 1 << 20);
    }

    @Test
    void defaultsFollowTheSandboxLimits() {
        List<String> small = JavaHandlerCommand.defaults(Sandbox.builder().memory(128L << 20).cpuMillis(2500).build());
        assertTrue(small.containsAll(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:MaxRAM=" + (128L << 20),
                "-XX:ActiveProcessorCount=3")), small.toString());
        List<String> unlimitedCpu = JavaHandlerCommand.defaults(Sandbox.builder().cpuMillis(0).build());
        assertTrue(unlimitedCpu.stream().noneMatch(w -> w.startsWith("-XX:ActiveProcessorCount")), unlimitedCpu.toString());
        assertTrue(unlimitedCpu.contains("-Xmx256m"), unlimitedCpu.toString());
    }

    @Test
    void theClassPathIsTheTreesJarsInOrderRelativeInsideTheSandbox() throws Exception {
        HandlerTree tree = tree("b.jar", "a.jar", "sub/c.jar", "notes.txt");
        JavaHandlerCommand command = new JavaHandlerCommand(tree, "com.example.Main", List.of("-Dk=v"), null);
        List<String> inside = command.arguments(Sandbox.DEFAULT, true);
        assertEquals(List.of("-Dk=v", "-Dio.github.umdosgi.handler=com.example.Main", "-cp",
                "../umd/lib/a.jar:../umd/lib/b.jar:../umd/lib/sub/c.jar", "com.example.Main"),
                inside.subList(inside.size() - 5, inside.size()));
        List<String> outside = command.arguments(Sandbox.DEFAULT, false);
        assertEquals(tree.root().resolve("a.jar") + ":" + tree.root().resolve("b.jar") + ":"
                + tree.root().resolve("sub/c.jar"), outside.get(outside.size() - 2));
        assertTrue(inside.stream().noneMatch(w -> w.startsWith("-XX:SharedArchiveFile")), "no archive yet");
    }

    @Test
    void aTreeWithoutJarsIsItsOwnClassPath() throws Exception {
        HandlerTree tree = tree("com/example/Main.class");
        List<String> inside = new JavaHandlerCommand(tree, "com.example.Main", List.of(), null)
                .arguments(Sandbox.DEFAULT, true);
        assertEquals("../umd/lib", inside.get(inside.size() - 2));
    }
}
