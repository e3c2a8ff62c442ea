package io.github.umdosgi.impl.process;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import io.github.umdosgi.impl.frame.FrameCodec;
import io.github.umdosgi.impl.frame.ReplyTarget;

/**
 * Framing over the JDK's process streams: works everywhere, with a native
 * buffer malloc'ed by the JDK for every read and write above 8 KiB.
 * Synchronisation as in {@link HandlerPipes}.
 */
final class JdkStreamPipes implements HandlerPipes {

    private final OutputStream toHandler;
    private final InputStream fromHandler;

    JdkStreamPipes(Process process) {
        this.toHandler = process.getOutputStream();
        this.fromHandler = process.getInputStream();
    }

    @Override
    public void release() throws IOException {
        toHandler.write(GO);
        toHandler.flush();
    }

    @Override
    public void write(ByteBuffer payload) throws IOException {
        FrameCodec.write(toHandler, payload);
    }

    @Override
    public ByteBuffer read(int maxSize, ReplyTarget target) throws IOException {
        return FrameCodec.read(fromHandler, maxSize, target);
    }

    @Override
    public boolean hasUnsolicitedOutput() {
        try {
            return fromHandler.available() > 0;
        } catch (IOException closed) {
            return false;
        }
    }

    @Override
    public void close() {
        closeQuietly(toHandler);
        closeQuietly(fromHandler);
    }

    static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // The process is dead; a failing close changes nothing.
        }
    }
}
