package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drains the stderr of every handler from one shared thread, so that a
 * handler costs no thread of its own and never blocks on a full stderr pipe.
 * Process pipes cannot be selected on in Java, so the thread polls
 * {@code available()}: it loops without pause while any handler writes, and
 * backs off to {@value #MAX_IDLE_MILLIS} ms between polls when all are quiet.
 * With no handler registered it parks until one is.
 *
 * <p>Concurrency: {@link #sources} is a copy-on-write list; each
 * {@link Source} serialises reads of its stream on its own monitor, shared by
 * the drain thread and {@link Source#finish}. {@link #thread} is guarded by
 * {@code this}.
 */
public final class StderrDrain implements AutoCloseable {

    static final int MAX_IDLE_MILLIS = 50;

    private final CopyOnWriteArrayList<Source> sources = new CopyOnWriteArrayList<>();
    private final byte[] buffer = new byte[64 << 10];
    private Thread thread;
    private volatile boolean closed;

    /**
     * Starts draining a stream.
     *
     * @param stderr the handler's stderr
     * @param writerAlive whether the handler still runs ({@code Process::isAlive}, which costs no
     *        syscall); once it has exited and its output is read, the source finishes itself
     * @param label prefixes every line
     * @param lines receives each line
     * @return the registration, to {@link Source#finish} when the handler is gone
     */
    public Source register(InputStream stderr, java.util.function.BooleanSupplier writerAlive, String label,
            Consumer<String> lines) {
        return register(stderr, writerAlive, label, lines, null);
    }

    /**
     * Starts draining a stream, keeping its raw lines in a tail too.
     *
     * @param stderr the handler's stderr
     * @param writerAlive whether the handler still runs
     * @param label prefixes every line
     * @param lines receives each line, escaped and rate limited
     * @param tail receives each raw line, or null
     * @return the registration, to {@link Source#finish} when the handler is gone
     */
    public Source register(InputStream stderr, java.util.function.BooleanSupplier writerAlive, String label,
            Consumer<String> lines, StderrTail tail) {
        Source source = new Source(stderr, writerAlive, new StderrLines(label, lines, tail));
        sources.add(source);
        wake();
        return source;
    }

    private synchronized void wake() {
        if (closed) {
            return;
        }
        if (thread == null) {
            thread = new Thread(this::run, "umd-stderr");
            thread.setDaemon(true);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (!closed) {
            boolean read = false;
            for (Source source : sources) {
                read |= source.pump(buffer);
            }
            if (read) {
                idleNanos = TimeUnit.MILLISECONDS.toNanos(1);
            } else if (sources.isEmpty()) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, idleNanos);
                idleNanos = Math.min(idleNanos * 2, TimeUnit.MILLISECONDS.toNanos(MAX_IDLE_MILLIS));
            }
        }
    }

    /** Stops the thread; sources still registered are finished first. */
    @Override
    public void close() {
        sources.forEach(Source::finish);
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One handler's stderr. */
    public final class Source {
        private final InputStream stderr;
        private final java.util.function.BooleanSupplier writerAlive;
        private final StderrLines lines;
        private boolean finished;

        private Source(InputStream stderr, java.util.function.BooleanSupplier writerAlive, StderrLines lines) {
            this.stderr = stderr;
            this.writerAlive = writerAlive;
            this.lines = lines;
        }

        /** @return whether bytes were read */
        private boolean pump(byte[] into) {
            boolean exited;
            synchronized (this) {
                if (finished) {
                    return false;
                }
                // Checked before reading: a dead writer's output is all in the pipe already.
                exited = !writerAlive.getAsBoolean();
                if (readAvailable(into)) {
                    return true;
                }
            }
            if (exited) {
                finish();
            }
            return false;
        }

        private boolean readAvailable(byte[] into) {
            try {
                int available = stderr.available();
                if (available <= 0) {
                    return false;
                }
                int n = stderr.read(into, 0, Math.min(available, into.length));
                if (n > 0) {
                    lines.accept(into, 0, n);
                    return true;
                }
            } catch (IOException closedUnderUs) {
                // The stream was closed: finish() does the rest.
            }
            return false;
        }

        /**
         * The handler is dead: drains what is left without blocking, passes on
         * the last partial line, closes the stream and unregisters.
         */
        public void finish() {
            synchronized (this) {
                if (finished) {
                    return;
                }
                // finish() runs on a caller's thread: it must not share the drain thread's buffer.
                byte[] own = new byte[8192];
                while (readAvailable(own)) {
                    // Keep reading until nothing is left in the pipe.
                }
                finished = true;
                lines.finish();
                try {
                    stderr.close();
                } catch (IOException ignored) {
                    // Nothing more to read either way.
                }
            }
            sources.remove(this);
        }

        /** @return the handler's last stderr line, or null */
        public String lastLine() {
            return lines.lastLine();
        }

        /** @return the handler's last few stderr lines, escaped, newest last */
        public java.util.List<String> lastLines() {
            return lines.lastLines();
        }
    }
}
