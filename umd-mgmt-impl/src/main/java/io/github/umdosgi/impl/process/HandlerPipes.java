package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.umdosgi.impl.frame.ReplyTarget;

/**
 * The manager's framed ends of one handler's stdin and stdout.
 *
 * <p>Not thread safe: one call at a time reads, and one thread at a time
 * writes (the caller, or the pool writer of a large request while the caller
 * reads). {@link #close()} is called after the process was reaped.
 */
sealed interface HandlerPipes permits ProcFdPipes, JdkStreamPipes {

    /** The byte the shim's {@code --sync} waits for before it runs the handler. */
    byte GO = 'G';

    /**
     * Takes over the pipes of a freshly started process. When the process is
     * the shim waiting for {@link #GO}, the manager first opens descriptors of
     * its own on the pipes ({@link ProcFdPipes}), then lets the handler run;
     * otherwise, or when that fails, it keeps the JDK's process streams.
     *
     * @param process just started, stdin and stdout piped
     * @param awaitsGo whether the process waits for {@link #GO}
     * @param buffers scratch buffers for {@link ProcFdPipes}
     * @return the pipes, the handler released
     */
    static HandlerPipes attach(Process process, boolean awaitsGo, ScratchBuffers buffers) {
        if (!awaitsGo) {
            return new JdkStreamPipes(process);
        }
        HandlerPipes pipes;
        try {
            pipes = ProcFdPipes.open(process, buffers);
        } catch (IOException e) {
            // /proc unreadable (hidepid, another user): the JDK's streams do the same job, slower.
            pipes = new JdkStreamPipes(process);
        }
        try {
            pipes.release();
        } catch (IOException e) {
            // The shim is already gone; the caller finds out from its exit, with its stderr.
        }
        return pipes;
    }

    /**
     * Sends {@link #GO}.
     *
     * @throws IOException the process is gone
     */
    void release() throws IOException;

    /**
     * Writes one frame from the payload's position to its limit.
     *
     * @param payload the payload; its position ends at its limit
     * @throws java.io.InterruptedIOException the writing thread was interrupted; the pipe is closed
     * @throws IOException the pipe failed
     */
    void write(ByteBuffer payload) throws IOException;

    /**
     * Reads one frame.
     *
     * @param maxSize the largest payload accepted
     * @param target gives the buffer the payload goes to
     * @return the target's buffer, filled
     * @throws io.github.umdosgi.impl.frame.FrameTooLargeException the declared length exceeds {@code maxSize}
     * @throws io.github.umdosgi.impl.frame.ReplyDiscardedException the target could not take the payload
     * @throws java.io.InterruptedIOException the reading thread was interrupted; the pipe is closed
     * @throws IOException end of stream or the pipe failed
     */
    ByteBuffer read(int maxSize, ReplyTarget target) throws IOException;

    /** @return whether the handler wrote bytes that no request asked for */
    boolean hasUnsolicitedOutput();

    /** Closes the manager's ends; the handler sees end of stdin. */
    void close();
}
