package io.github.umdosgi.impl.process;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.umdosgi.impl.frame.FrameChannels;

/**
 * Framing over descriptors the manager opens itself on the handler's pipes,
 * through {@code /proc/PID/fd/0} and {@code /1}, while the shim holds them open
 * and waits for {@link HandlerPipes#GO}. The JDK's own ends are closed at
 * once: nothing else reads the reply pipe (the JDK drains a process's stdout
 * into memory when it exits, which would race this reader), and the handler
 * sees end of stdin when these are closed.
 *
 * <p>Reads and writes go through {@link FrameChannels} and pooled direct
 * buffers: no per-call native allocation, one copy each way, a small reply in
 * one read call. Synchronisation as in {@link HandlerPipes}; {@code stray} is
 * written by the reading caller and read by the next caller under the same
 * instance lock.
 */
final class ProcFdPipes implements HandlerPipes {

    private final FileOutputStream toHandler;
    private final FileInputStream fromHandler;
    private final FileChannel out;
    private final FileChannel in;
    private final DirectBuffers buffers;
    // Bytes past the last reply, read along with it: the handler wrote them unasked.
    private boolean stray;

    private ProcFdPipes(FileOutputStream toHandler, FileInputStream fromHandler, DirectBuffers buffers) {
        this.toHandler = toHandler;
        this.fromHandler = fromHandler;
        this.out = toHandler.getChannel();
        this.in = fromHandler.getChannel();
        this.buffers = buffers;
    }

    static ProcFdPipes open(Process process, DirectBuffers buffers) throws IOException {
        Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
        Path stdin = fds.resolve("0");
        Path stdout = fds.resolve("1");
        requirePipe(stdin);
        requirePipe(stdout);
        FileOutputStream toHandler = new FileOutputStream(stdin.toFile());
        FileInputStream fromHandler;
        try {
            fromHandler = new FileInputStream(stdout.toFile());
        } catch (IOException e) {
            JdkStreamPipes.closeQuietly(toHandler);
            throw e;
        }
        JdkStreamPipes.closeQuietly(process.getOutputStream());
        JdkStreamPipes.closeQuietly(process.getInputStream());
        return new ProcFdPipes(toHandler, fromHandler, buffers);
    }

    private static void requirePipe(Path fd) throws IOException {
        String target = Files.readSymbolicLink(fd).toString();
        if (!target.startsWith("pipe:")) {
            throw new IOException(fd + " is " + target + ", not a pipe");
        }
    }

    @Override
    public void release() throws IOException {
        toHandler.write(GO);
    }

    @Override
    public void write(byte[] payload) throws IOException {
        ByteBuffer buffer = buffers.take();
        try {
            FrameChannels.write(out, buffer, payload);
        } catch (ClosedByInterruptException e) {
            throw interrupted("writing the request", e);
        } finally {
            buffers.give(buffer);
        }
    }

    @Override
    public byte[] read(int maxSize) throws IOException {
        ByteBuffer buffer = buffers.take();
        try {
            byte[] reply = FrameChannels.read(in, buffer, maxSize);
            stray |= buffer.hasRemaining();
            return reply;
        } catch (ClosedByInterruptException e) {
            throw interrupted("reading the reply", e);
        } finally {
            buffers.give(buffer);
        }
    }

    private static InterruptedIOException interrupted(String what, ClosedByInterruptException cause) {
        InterruptedIOException e = new InterruptedIOException("the calling thread was interrupted while " + what);
        e.initCause(cause);
        return e;
    }

    @Override
    public boolean hasUnsolicitedOutput() {
        try {
            return stray || fromHandler.available() > 0;
        } catch (IOException closed) {
            return false;
        }
    }

    @Override
    public void close() {
        JdkStreamPipes.closeQuietly(toHandler);
        JdkStreamPipes.closeQuietly(fromHandler);
    }
}
