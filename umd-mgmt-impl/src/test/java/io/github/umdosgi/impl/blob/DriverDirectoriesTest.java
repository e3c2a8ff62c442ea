package io.github.umdosgi.impl.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverDirectoriesTest {

    @TempDir
    Path temp;

    @AfterEach
    void makeTempDeletable() throws IOException {
        // Tests below leave read-only entries when the code under test fails; let @TempDir clean them.
        if (Files.exists(temp)) {
            try (Stream<Path> all = Files.walk(temp)) {
                all.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
                    try {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                    } catch (IOException ignored) {
                        // best effort
                    }
                });
            }
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void rootIsCreatedOwnerOnlyWithMissingParents() throws IOException {
        Path root = temp.resolve("a/b/umd");
        DriverDirectories dirs = new DriverDirectories(root);
        assertTrue(Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS));
        assertEquals("rwx------", mode(root));
        assertEquals(root.toAbsolutePath().normalize(), dirs.root());
    }

    @Test
    void existingRootIsTightenedToOwnerOnly() throws IOException {
        Path root = Files.createDirectory(temp.resolve("umd"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        new DriverDirectories(root);
        assertEquals("rwx------", mode(root));
    }

    @Test
    void rootThatIsASymlinkIsRefused() throws IOException {
        Path target = Files.createDirectory(temp.resolve("elsewhere"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(temp.resolve("umd"), target);
        IOException e = assertThrows(IOException.class, () -> new DriverDirectories(link));
        assertTrue(e.getMessage().contains("not a plain directory"), e.getMessage());
        // Neither the link nor its target was touched.
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("rwxr-xr-x", mode(target));
    }

    @Test
    void aRefusedRootRefusesEveryCreateWithItsReasonAndIsNeverListed() throws IOException {
        Path target = Files.createDirectory(temp.resolve("elsewhere"));
        Files.createDirectory(target.resolve("sample.1"));
        Path link = Files.createSymbolicLink(temp.resolve("umd"), target);
        DriverDirectories refusing = DriverDirectories.openOrRefuse(link);
        assertTrue(refusing.refusal().contains("not a plain directory"), refusing.refusal());
        assertEquals(0, refusing.removeStale(), "nothing under a refused root is touched");
        IOException e = assertThrows(IOException.class, () -> refusing.create("sample"));
        assertEquals(refusing.refusal(), e.getMessage());
        try (var entries = Files.list(target)) {
            assertEquals(List.of(target.resolve("sample.1")), entries.toList());
        }
        assertEquals(null, DriverDirectories.openOrRefuse(temp.resolve("fine")).refusal());
    }

    @Test
    void danglingSymlinkRootIsRefusedAndNotFollowed() throws IOException {
        Path target = temp.resolve("not-yet");
        Path link = Files.createSymbolicLink(temp.resolve("umd"), target);
        assertThrows(IOException.class, () -> new DriverDirectories(link));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "must not create the link's target");
    }

    @Test
    void rootThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(temp.resolve("umd"), "x");
        assertThrows(IOException.class, () -> new DriverDirectories(file));
    }

    @Test
    void createMakesFreshOwnerOnlyDirectoriesPrefixedWithTheDriverName() throws IOException {
        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        Path first = dirs.create("sample");
        Path second = dirs.create("sample");
        assertNotEquals(first, second);
        for (Path dir : new Path[] {first, second}) {
            assertEquals(dirs.root(), dir.getParent());
            assertTrue(dir.getFileName().toString().startsWith("sample."), dir.toString());
            assertTrue(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
            assertEquals("rwx------", mode(dir));
            try (Stream<Path> children = Files.list(dir)) {
                assertEquals(0, children.count());
            }
        }
    }

    @Test
    void removeStaleDeletesEverythingAndCounts() throws IOException {
        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        Path a = dirs.create("a");
        Path nested = Files.createDirectories(a.resolve("x/y/z"));
        Path readOnly = Files.writeString(nested.resolve("ro"), "data");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--------"));
        Path exe = Files.writeString(a.resolve("handler"), "bin");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("r-x------"));
        // A read-only directory whose entries still must go.
        Path locked = Files.createDirectory(dirs.create("b").resolve("locked"));
        Files.writeString(locked.resolve("f"), "f");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        Files.writeString(dirs.root().resolve("loose-file"), "x");

        assertEquals(3, dirs.removeStale());
        try (Stream<Path> left = Files.list(dirs.root())) {
            assertEquals(0, left.count());
        }
        assertTrue(Files.isDirectory(dirs.root()), "the root itself stays");
        assertEquals(0, dirs.removeStale());
    }

    @Test
    void deleteTreeOfMissingPathIsFine() throws IOException {
        DriverDirectories.deleteTree(temp.resolve("nothing-here"));
    }

    @Test
    void deleteTreeDoesNotFollowASymlinkPointingOutside() throws IOException {
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep me");
        Path outsideFile = Files.writeString(temp.resolve("outside-file"), "keep me too");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));

        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        Path dir = dirs.create("sample");
        Files.createSymbolicLink(dir.resolve("to-dir"), outside);
        Files.createSymbolicLink(dir.resolve("to-file"), outsideFile);
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/up"), temp);

        DriverDirectories.deleteTree(dir);

        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep me", Files.readString(precious));
        assertEquals("keep me too", Files.readString(outsideFile));
        assertEquals("rwxr-xr-x", mode(outside), "permissions of the link target must not change");
        assertTrue(Files.isDirectory(temp.resolve("umd")));
    }

    @Test
    void deleteTreeOnASymlinkRemovesOnlyTheLink() throws IOException {
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep me");
        Path link = Files.createSymbolicLink(temp.resolve("link"), outside);
        String modeBefore = mode(outside);

        DriverDirectories.deleteTree(link);

        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep me", Files.readString(precious));
        assertEquals(modeBefore, mode(outside), "permissions of the link target must not change");
    }

    @Test
    void deleteTreeDoesNotChangePermissionsOfALinkedDirectory() throws IOException {
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-x---"));
        Path dir = Files.createDirectory(temp.resolve("tree"));
        Files.createSymbolicLink(dir.resolve("link"), outside);

        DriverDirectories.deleteTree(dir);

        assertEquals("rwxr-x---", mode(outside));
    }

    @Test
    void removeStaleDeletesADirectoryWithoutAnyPermission() throws IOException {
        // Root ignores permission bits, so only an ordinary user can see the failure.
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "running as root");
        DriverDirectories dirs = new DriverDirectories(temp.resolve("umd"));
        Path unreadable = Files.createDirectories(dirs.create("a").resolve("x"));
        Files.writeString(unreadable.resolve("f"), "f");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));

        assertEquals(1, dirs.removeStale());
        try (Stream<Path> left = Files.list(dirs.root())) {
            assertEquals(0, left.count());
        }
    }
}
