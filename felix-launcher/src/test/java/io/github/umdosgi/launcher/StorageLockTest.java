package io.github.umdosgi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's hold on its framework storage; LauncherIT shows it between two real launches. */
class StorageLockTest {

    @TempDir
    Path temp;

    @Test
    void aHeldStorageIsRefusedNamingItsHolderAndTheWayOut() throws Exception {
        Path storage = temp.resolve("felix-cache");
        try (StorageLock held = StorageLock.acquire(storage)) {
            StorageLock.InUseException e = assertThrows(StorageLock.InUseException.class,
                    () -> StorageLock.acquire(storage));
            assertTrue(e.getMessage().contains(storage + " is in use"), e.getMessage());
            assertTrue(e.getMessage().contains("(pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dorg.osgi.framework.storage=<folder>"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line");
        }
        StorageLock.acquire(storage).close(); // released: the next launch gets it
    }

    @Test
    void cleanEmptiesTheStorageButKeepsTheLockFile() throws Exception {
        Path storage = temp.resolve("felix-cache");
        Files.createDirectories(storage.resolve("bundle1/data/drivers/sample.1"));
        Files.writeString(storage.resolve("bundle1/data/drivers/sample.1/sample"), "bin");
        Files.createSymbolicLink(storage.resolve("link"), temp);
        Path outside = Files.writeString(temp.resolve("outside"), "kept");
        try (StorageLock lock = StorageLock.acquire(storage)) {
            lock.clean(storage);
            try (Stream<Path> left = Files.list(storage)) {
                assertEquals(List.of(StorageLock.LOCK_FILE),
                        left.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
            }
        }
        assertTrue(Files.exists(outside), "a link is removed, never followed");
    }
}
