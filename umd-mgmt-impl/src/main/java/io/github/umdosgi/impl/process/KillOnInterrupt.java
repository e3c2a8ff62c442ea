package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

/**
 * Turns an interrupt of the calling thread into a kill of the handler it
 * talks to, through the JDK's own hook for blocking I/O
 * ({@link AbstractInterruptibleChannel#begin()}): a read of a process's
 * stdout through its stream ignores interrupts, so without this an
 * interrupted caller (Ctrl-C in the shell) would stay blocked until the
 * handler answered or the timeout passed, holding its instance.
 *
 * <p>The JDK keeps one such hook per thread, and a {@code FileChannel} used
 * inside {@link #run} replaces it (that channel is interruptible itself, and
 * closes on an interrupt); so each blocking step is guarded on its own, and
 * the reply's header, always read through the stream, is always guarded.
 *
 * <p>One per call, used by the one thread that makes it; the JDK makes
 * {@code begin}/{@code end} safe against the interrupting thread.
 */
final class KillOnInterrupt extends AbstractInterruptibleChannel {

    /** One blocking step on the handler's pipes. */
    @FunctionalInterface
    interface Io<T> {
        T run() throws IOException;
    }

    private final Runnable kill;

    KillOnInterrupt(Runnable kill) {
        this.kill = kill;
    }

    /**
     * Runs {@code io}; an interrupt meanwhile (or already pending) kills the
     * handler, so the blocked read ends, and is reported as
     * {@link java.nio.channels.ClosedByInterruptException}. The thread's
     * interrupt status stays set.
     */
    <T> T run(Io<T> io) throws IOException {
        boolean completed = false;
        begin();
        try {
            T result = io.run();
            completed = true;
            return result;
        } finally {
            end(completed);
        }
    }

    /** Called by the JDK on the interrupting thread. */
    @Override
    protected void implCloseChannel() {
        kill.run();
    }
}
