package io.github.umdosgi.impl.driver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.blob.HandlerTree;
import io.github.umdosgi.impl.javahandler.CdsArchive;
import io.github.umdosgi.impl.javahandler.JavaHandlerCommand;

/**
 * Puts what a driver runs into its fresh private directory: the handler file
 * (as {@code <dir>/<driver name>}), or the tree (as {@code <dir>/umd/<folder>})
 * with a handler inside it taken from there, or, for a Java handler, the tree
 * and the framework's own {@code java} used in place. The size cap counts the
 * handler and the tree together. Stateless.
 */
final class HandlerFiles {

    private HandlerFiles() {
    }

    /**
     * @param owner the bundle the files come from
     * @param descriptor the effective settings
     * @param directory the driver's fresh private directory
     * @param maxBytes the size cap of everything extracted
     * @param log where a Java handler's archive reports
     * @return the handler, with its tree and command when it has them
     * @throws IOException a file is missing, too large, unsafe or not what the header declares
     */
    static HandlerBlob extract(Bundle owner, DriverDescriptor descriptor, Path directory, long maxBytes,
            java.util.function.Consumer<String> log) throws IOException {
        String name = descriptor.name();
        if (descriptor.tree().isEmpty()) {
            return HandlerBlob.extract(owner.getEntry(descriptor.handler()), descriptor.handler(), descriptor.sha256(),
                    directory, name, maxBytes);
        }
        String folder = descriptor.tree().get();
        HandlerTree tree = HandlerTree.extract(folder, HandlerTree.entries(owner, folder), descriptor.treeSha256(),
                directory.resolve("umd").resolve(folder), maxBytes);
        if (descriptor.javaMain().isPresent()) {
            // A driver that sets class sharing itself gets no archive of ours, and no dump.
            boolean ownSharing = descriptor.jvmOptions().stream()
                    .anyMatch(o -> o.startsWith("-Xshare:") || o.startsWith("-XX:SharedArchiveFile="));
            CdsArchive archive = ownSharing ? null : new CdsArchive(directory, log);
            return HandlerBlob.inPlace(directory, JavaHandlerCommand.javaExecutable())
                    .withTree(tree, Optional.empty())
                    .withCommand(new JavaHandlerCommand(tree, descriptor.javaMain().get(), descriptor.jvmOptions(),
                            archive));
        }
        String handler = descriptor.handler();
        if (handler.startsWith(folder + "/")) {
            // The handler is one of the tree's files: it runs by its real path, /umd/<handler> in the sandbox.
            Path file = tree.root().resolve(handler.substring(folder.length() + 1));
            if (!java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("the bundle has no entry '" + handler + "'");
            }
            return HandlerBlob.ofTreeFile(directory, file, handler, descriptor.sha256())
                    .withTree(tree, Optional.of("/umd/" + handler));
        }
        long left = maxBytes - tree.size();
        if (left < 1) {
            throw new IOException("handler tree '" + folder + "' leaves nothing of the maximum handler size for the"
                    + " handler (framework property " + HandlerBlob.MAX_SIZE_PROPERTY + ")");
        }
        return HandlerBlob.extract(owner.getEntry(handler), handler, descriptor.sha256(), directory, name, left)
                .withTree(tree, Optional.empty());
    }
}
