package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;

import org.osgi.framework.Bundle;

import io.github.umdosgi.impl.blob.DriverDirectories;
import io.github.umdosgi.impl.blob.HandlerBlob;

/**
 * Installs the native launch shim ({@code umd-launch}, built for the build
 * machine's architecture and embedded in this bundle as
 * {@code native/<arch>/umd-launch}) into a private directory of the manager.
 * Stateless.
 */
public final class LaunchShim {

    private LaunchShim() {
    }

    /**
     * @param bundle the manager's bundle
     * @param directory where to put it; replaced as a whole
     * @return the installed shim, its digest recorded for the checks before each use; empty when none fits this machine
     * @throws IOException the shim exists but cannot be installed
     */
    public static Optional<HandlerBlob> install(Bundle bundle, Path directory) throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        String entry = "native/" + architecture() + "/umd-launch";
        URL source = bundle.getEntry(entry);
        if (source == null) {
            return Optional.empty();
        }
        DriverDirectories.deleteTree(directory);
        Files.createDirectories(directory.getParent());
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return Optional.of(HandlerBlob.extract(source, entry, Optional.empty(), directory, "umd-launch"));
    }

    /** @return the architecture as {@code uname -m} names it, which is how the build names the folder */
    public static String architecture() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
    }
}
