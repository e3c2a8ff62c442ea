package io.github.umdosgi.impl.process;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.umdosgi.impl.frame.FrameChannels;
import io.github.umdosgi.impl.frame.ReplyTarget;

/**
 * Framing over descriptors the manager opens itself on the handler's pipes,
 * through {@code /proc/PID/fd/0} and {@code /1}, while the shim holds them open
 * and waits for {@link HandlerPipes#GO}. The JDK's own ends are closed at
 * once: nothing else reads the reply pipe (the JDK drains a process's stdout
 * into memory when it exits, which would race this reader), and the handler
 * sees end of stdin when these are closed.
 *
 * <p>Each descriptor is used two ways: heap buffers (the small head of every
 * frame) through the stream, whose native call copies up to 8 KiB through
 * the C stack, and direct buffers through the channel, straight between the
 * pipe and the buffer. See {@link FrameChannels}.
 *
 * <p>Synchronisation as in {@link HandlerPipes}; {@code stray} is written by
 * the reading caller and read by the next caller under the same instance lock.
 */
final class ProcFdPipes implements HandlerPipes {

    private final FileOutputStream toHandler;
    private final FileInputStream fromHandler;
    private final FileChannel out;
    private final FileChannel in;
    private final ScratchBuffers buffers;
    private final GatheringByteChannel writer = new Writer();
    private final ReadableByteChannel reader = new Reader();
    // Bytes past the last reply, read along with it: the handler wrote them unasked.
    private boolean stray;

    private ProcFdPipes(FileOutputStream toHandler, FileInputStream fromHandler, ScratchBuffers buffers) {
        this.toHandler = toHandler;
        this.fromHandler = fromHandler;
        this.out = toHandler.getChannel();
        this.in = fromHandler.getChannel();
        this.buffers = buffers;
    }

    static ProcFdPipes open(Process process, ScratchBuffers buffers) throws IOException {
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
    public void write(ByteBuffer payload) throws IOException {
        ScratchBuffers.Scratch scratch = buffers.take();
        try {
            FrameChannels.write(writer, scratch.head(), scratch::bulk, payload);
        } catch (ClosedByInterruptException e) {
            throw interrupted("writing the request", e);
        } finally {
            buffers.give(scratch);
        }
    }

    @Override
    public ByteBuffer read(int maxSize, ReplyTarget target) throws IOException {
        ScratchBuffers.Scratch scratch = buffers.take();
        try {
            ByteBuffer reply = FrameChannels.read(reader, scratch.head(), scratch::bulk, maxSize, target);
            stray |= scratch.head().hasRemaining();
            return reply;
        } catch (ClosedByInterruptException e) {
            throw interrupted("reading the reply", e);
        } finally {
            buffers.give(scratch);
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

    /** Heap buffers through the stream, direct ones through the channel. */
    private final class Reader implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!dst.hasArray()) {
                return in.read(dst);
            }
            int n = fromHandler.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Heap buffers through the stream, direct ones (and gathering writes) through the channel. */
    private final class Writer implements GatheringByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!src.hasArray()) {
                return out.write(src);
            }
            int n = src.remaining();
            toHandler.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return out.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return out.write(srcs);
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
