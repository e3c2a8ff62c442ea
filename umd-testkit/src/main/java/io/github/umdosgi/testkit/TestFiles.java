package io.github.umdosgi.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers shared by the test modules and the benchmark harness, each written once. Stateless. */
public final class TestFiles {

    private TestFiles() {
    }

    /**
     * Deletes a tree, read-only entries included, without following links (a link is deleted, not
     * its target); a missing tree is fine.
     *
     * @param dir the tree
     * @throws IOException an entry could not be deleted
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    p.toFile().setWritable(true);
                }
                Files.deleteIfExists(p);
            }
        }
    }
}
