package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * An analysis variant of the plain Java client: the same kind of process
 * pipes, read and written through {@link FileChannel}s with direct buffers
 * that are reused, instead of the JDK's process streams and a fresh
 * {@code byte[]} per reply. Linux only: the channels are opened on
 * {@code /proc/self/fd/N}, N being this JVM's end of the pipe the handler
 * holds as fd 0 or 1.
 *
 * <p>Why: the JDK's FileInputStream and FileOutputStream copy every byte
 * through a native buffer (malloc'ed per call above 8 KiB), and an API that
 * returns {@code byte[]} allocates and zeroes a fresh array per reply. This
 * client does neither, like the C client; the difference to
 * {@link JavaEcho} is those costs.
 *
 * <p>Not thread safe.
 */
final class NioEcho implements AutoCloseable {

    private final Process process;
    private final FileChannel toHandler;
    private final FileChannel fromHandler;
    private final ByteBuffer header = ByteBuffer.allocate(4);

    private NioEcho(Process process, FileChannel toHandler, FileChannel fromHandler) {
        this.process = process;
        this.toHandler = toHandler;
        this.fromHandler = fromHandler;
    }

    /**
     * @param command the handler's argv
     * @return the started handler with channels on its pipes
     * @throws IOException the exec failed or the pipes cannot be found in /proc
     */
    static NioEcho start(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        try {
            Path stdin = ownEnd(process, 0);
            Path stdout = ownEnd(process, 1);
            return new NioEcho(process, FileChannel.open(stdin, StandardOpenOption.WRITE),
                    FileChannel.open(stdout, StandardOpenOption.READ));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** @return /proc/self/fd/N of this JVM's end of the pipe the child has as {@code childFd} */
    private static Path ownEnd(Process process, int childFd) throws IOException {
        Path target = Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/fd/" + childFd));
        if (!target.toString().startsWith("pipe:")) {
            throw new IOException("fd " + childFd + " of the handler is " + target + ", not a pipe");
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(target)) {
                        return fd;
                    }
                } catch (IOException vanished) {
                    // the fd of the listing itself, closed meanwhile
                }
            }
        }
        throw new IOException("this JVM holds no end of " + target);
    }

    /**
     * One round trip without any Java heap copy: the request is sent from a
     * direct buffer, the reply is read into a reused direct buffer. This is
     * how close Java gets to the C client on the same pipes.
     *
     * @param request a direct buffer holding the 4-byte header and the payload, position 0
     * @param reply a direct buffer at least as large as the reply payload
     * @return the reply payload length
     * @throws IOException the pipe failed, the handler ended or the reply does not fit
     */
    int call(ByteBuffer request, ByteBuffer reply) throws IOException {
        request.rewind();
        while (request.hasRemaining()) {
            toHandler.write(request);
        }
        header.clear();
        readFully(header);
        int length = header.getInt(0);
        if (length < 0 || length > reply.capacity()) {
            throw new IOException("reply length " + Integer.toUnsignedString(length) + " does not fit");
        }
        reply.clear().limit(length);
        readFully(reply);
        return length;
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (fromHandler.read(buffer) < 0) {
                throw new IOException("end of stream inside a reply");
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            toHandler.close();
            process.getOutputStream().close();
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            fromHandler.close();
            process.getInputStream().close();
            process.getErrorStream().close();
        }
    }
}
