package io.github.umdosgi.impl.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerTreeTest {

    @TempDir
    Path temp;

    /** A source folder standing in for the bundle's, and its entries. */
    private Map<String, URL> source(Map<String, String> files) throws IOException {
        Map<String, URL> entries = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = temp.resolve("src").resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
            entries.put(f.getKey(), file.toUri().toURL());
        }
        return entries;
    }

    private static final Map<String, String> FILES = new LinkedHashMap<>(Map.of(
            "upper.py", "#!/usr/bin/python3\nimport helper\n",
            "helper.py", "def up(b): return b.upper()\n",
            "data/words.txt", "hello\n",
            "Z-last.txt", "z\n",
            "data/sub dir/é.txt", "accent\n"));

    @Test
    void theDigestIsWhatSha256sumGivesForTheSortedFileList() throws Exception {
        Map<String, URL> entries = source(FILES);
        HandlerTree tree = HandlerTree.extract("py", entries, Optional.empty(), temp.resolve("out/umd/py"), 1 << 20);
        // The recipe a bundle build uses, run by the real tools.
        Process p = new ProcessBuilder("sh", "-c",
                "cd \"$0\" && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | tr '\\n' '\\0'"
                        + " | xargs -0 sha256sum | sha256sum | cut -d' ' -f1",
                temp.resolve("src").toString()).redirectErrorStream(true).start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        assertEquals(expected, tree.sha256());
        assertEquals(List.of("Z-last.txt", "data/sub dir/é.txt", "data/words.txt", "helper.py", "upper.py"), tree.files());
    }

    @Test
    void filesAreReadOnlyScriptsRunnableAndTimesFixed() throws Exception {
        HandlerTree tree = HandlerTree.extract("py", source(FILES), Optional.empty(), temp.resolve("out/umd/py"), 1 << 20);
        assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tree.root().resolve("upper.py"))));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tree.root().resolve("helper.py"))));
        assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tree.root().resolve("data"))));
        assertEquals(HandlerTree.FIXED_TIME, Files.getLastModifiedTime(tree.root().resolve("data/words.txt")));
        tree.verify();
    }

    @Test
    void aDeclaredDigestThatDiffersIsRefused() throws Exception {
        String wrong = "0".repeat(64);
        IntegrityException e = assertThrows(IntegrityException.class, () -> HandlerTree.extract("py", source(FILES),
                Optional.of(wrong), temp.resolve("out/umd/py"), 1 << 20));
        assertTrue(e.getMessage().contains("tree 'py' has sha256 ") && e.getMessage().contains(wrong), e.getMessage());
    }

    @Test
    void aFileChangedAfterExtractionFailsTheCheck() throws Exception {
        HandlerTree tree = HandlerTree.extract("py", source(FILES), Optional.empty(), temp.resolve("out/umd/py"), 1 << 20);
        Path helper = tree.root().resolve("helper.py");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(helper, "import os; os.system('evil')\n");
        IntegrityException e = assertThrows(IntegrityException.class, tree::verify);
        assertTrue(e.getMessage().contains("helper.py was modified after extraction"), e.getMessage());
        Files.delete(helper);
        assertThrows(IntegrityException.class, tree::verify);
    }

    @Test
    void theSizeCapCoversTheWholeTree() throws Exception {
        Map<String, String> files = Map.of("a", "x".repeat(600), "b", "y".repeat(600));
        IOException e = assertThrows(IOException.class, () -> HandlerTree.extract("t", source(files), Optional.empty(),
                temp.resolve("out/umd/t"), 1000));
        assertTrue(e.getMessage().contains("larger than the maximum"), e.getMessage());
        HandlerTree fits = HandlerTree.extract("t", source(files), Optional.empty(), temp.resolve("out2/umd/t"), 1200);
        assertEquals(1200, fits.size());
    }

    @Test
    void unsafeNamesAndEmptyTreesAreRefused() throws Exception {
        Map<String, URL> bad = new LinkedHashMap<>(source(Map.of("ok", "1")));
        bad.put("../escape", bad.get("ok"));
        IOException e = assertThrows(IOException.class, () -> HandlerTree.extract("t", bad, Optional.empty(),
                temp.resolve("out/umd/t"), 1000));
        assertTrue(e.getMessage().contains("unsafe entry name '../escape'"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("escape")));
        IOException empty = assertThrows(IOException.class, () -> HandlerTree.extract("t", Map.of(), Optional.empty(),
                temp.resolve("out3/umd/t"), 1000));
        assertTrue(empty.getMessage().contains("has no files"), empty.getMessage());
    }
}
