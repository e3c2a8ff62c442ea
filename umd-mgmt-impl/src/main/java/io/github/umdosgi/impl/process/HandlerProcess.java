package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import io.github.umdosgi.impl.frame.FrameCodec;
import io.github.umdosgi.impl.frame.ReplyDiscardedException;
import io.github.umdosgi.impl.frame.ReplyTarget;

/**
 * One running handler process and its pipes: the kernel's
 * {@code fork_usermode_driver} plus {@code shutdown_umh}.
 *
 * <p>Not thread safe for {@link #call}: the owning instance's lock
 * serialises calls. {@link #kill()} may be called from any thread (watchdog,
 * unload, operator) to unblock a caller stuck in a read.
 */
public final class HandlerProcess {

    private final Process process;
    private final HandlerPipes pipes;
    private final StderrDrain.Source stderr;
    private final String label;
    private final boolean sessionLeader;
    // Bounds the tree; released once the process is reaped.
    private final Confinement confinement;
    // Set once the session of a dead or killed leader was swept: it cannot grow after that.
    private volatile boolean sessionSwept;
    // Written by any thread that kills; read when describing the exit.
    private volatile boolean killedByUs;
    // Where work after an exit runs (never the JDK's reaper), and where its failures are told.
    private final Executor callbacks;
    private final Consumer<String> notes;

    /**
     * Requests up to this size are written before the reply is read; larger
     * ones by a pool thread while the caller reads. A handler that keeps the
     * contract reads the whole request before it replies, so any size would do
     * for it; this bound also serves one that echoes while it reads (such as
     * {@code cat}): the request then fits into the two pipes between calls
     * (64 KiB each by default) plus the few bytes the handler holds while
     * copying. Handing the write to a pool thread costs a thread wake-up per
     * call, which at 128 KiB is a quarter of the round trip (measured in
     * docs/PERFORMANCE.md).
     */
    static final int INLINE_WRITE_LIMIT = 128 << 10;

    private HandlerProcess(Process process, HandlerPipes pipes, StderrDrain.Source stderr, String label,
            boolean sessionLeader, Confinement confinement, Executor callbacks, Consumer<String> notes) {
        this.process = process;
        this.callbacks = callbacks;
        this.notes = notes;
        this.pipes = pipes;
        this.sessionLeader = sessionLeader;
        this.stderr = stderr;
        this.label = label;
        this.confinement = confinement;
    }

    /**
     * Forks a handler as the sandbox policy planned it; stdin and stdout are
     * pipes, stderr goes line by line to {@code stderrLines}.
     *
     * @param services the shared spawner and stderr drain
     * @param launch the shim options, command, directory, environment and confinement
     * @param label names the handler in log lines
     * @param stderrLines receives each stderr line
     * @return the started handler
     * @throws IOException the exec failed; the launch's confinement is released
     */
    public static HandlerProcess start(ProcessServices services, Launch launch, String label,
            Consumer<String> stderrLines) throws IOException {
        return start(services, launch, label, stderrLines, null);
    }

    /**
     * Forks a handler as {@link #start(ProcessServices, Launch, String, Consumer)} does, keeping its
     * raw stderr lines in {@code tail} too.
     *
     * @param services the shared spawner and stderr drain
     * @param launch the shim options, command, directory, environment and confinement
     * @param label names the handler in log lines
     * @param stderrLines receives each stderr line, escaped
     * @param tail keeps the raw lines, or null
     * @return the started handler
     * @throws IOException the exec failed; the launch's confinement is released
     */
    public static HandlerProcess start(ProcessServices services, Launch launch, String label,
            Consumer<String> stderrLines, StderrTail tail) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(launch.command())
                .directory(launch.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(launch.environment());
        Process process;
        try {
            process = services.spawner().spawn(builder, launch.shimOptions());
        } catch (IOException | RuntimeException e) {
            launch.confinement().release();
            throw e;
        }
        String fullLabel = label + " pid " + process.pid();
        try {
            StderrDrain.Source stderr =
                    services.stderr().register(process.getErrorStream(), process::isAlive, fullLabel, stderrLines,
                            tail);
            HandlerPipes pipes = HandlerPipes.attach(process, services.spawner().awaitsGo(), services.buffers());
            return new HandlerProcess(process, pipes, stderr, fullLabel, services.spawner().throughShim(),
                    launch.confinement(), services.callbacks(), stderrLines);
        } catch (RuntimeException | Error e) {
            // Nothing owns the process yet: it must not outlive this failure (with --sync it would wait forever).
            process.destroyForcibly();
            String failedLabel = fullLabel;
            afterExit(process, launch.confinement()::release, services.callbacks(),
                    failure -> stderrLines.accept(failedLabel + ": releasing its limits failed: " + failure));
            throw e;
        }
    }

    /** @return the handler's pid */
    public long pid() {
        return process.pid();
    }

    /** @return whether the process still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return completes when the process has exited and been reaped */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /**
     * Runs {@code action} once the handler has exited and been reaped, on
     * {@code executor}, never on the JDK's process reaper (which serves every
     * process of the JVM and must not wait on a {@code /proc} scan, a log or an
     * event). The action gets the {@link System#nanoTime()} of the reap, taken
     * on the reaper; whatever it throws goes to {@code failures}.
     *
     * @param action what to do after the exit
     * @param executor the manager's own thread
     * @param failures told what the action threw
     */
    public void afterExit(LongConsumer action, Executor executor, Consumer<String> failures) {
        process.onExit().thenApply(exited -> System.nanoTime())
                .thenAcceptAsync(action::accept, executor)
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        failures.accept(label + ": exit handling failed: "
                                + (failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                                        ? c.getCause() : failure));
                    }
                });
    }

    private static void afterExit(Process process, Runnable action, Executor executor, Consumer<String> failures) {
        process.onExit().thenRunAsync(action, executor).whenComplete((done, failure) -> {
            if (failure != null) {
                failures.accept(String.valueOf(failure.getCause() != null ? failure.getCause() : failure));
            }
        });
    }

    /** @return whether {@link #kill()} was called */
    public boolean killedByUs() {
        return killedByUs;
    }

    /** @return a label naming driver, instance and pid */
    public String label() {
        return label;
    }

    /**
     * Writes one request frame and reads one reply frame. A large request is
     * written by a pool thread while this thread reads, so a handler that
     * replies while still reading cannot deadlock the two pipes.
     *
     * @param request the request payload, position to limit; its position ends at its limit
     * @param maxSize the largest reply accepted
     * @param target gives the buffer the reply goes to
     * @param writers the pool for large writes
     * @return the target's buffer, filled
     * @throws RequestNotDeliveredException the request could not be written to a small pipe: nothing was sent
     * @throws InterruptedIOException the calling thread was interrupted; the handler was killed
     *         ({@link java.nio.channels.ClosedByInterruptException}) or the pipes are closed
     * @throws ReplyDiscardedException the target could not take the reply; the request was written whole
     * @throws IOException end of stream, a forged length or a broken pipe
     */
    public ByteBuffer call(ByteBuffer request, int maxSize, ReplyTarget target, Executor writers)
            throws IOException {
        // An interrupt of the caller (Ctrl-C in the shell) kills the handler, so that no read or
        // write stays blocked on it: the stream reads and writes of the pipes ignore interrupts.
        KillOnInterrupt onInterrupt = new KillOnInterrupt(this::kill);
        if (request.remaining() <= INLINE_WRITE_LIMIT) {
            try {
                onInterrupt.run(() -> {
                    pipes.write(request);
                    return null;
                });
            } catch (InterruptedIOException | java.nio.channels.ClosedByInterruptException e) {
                // The caller gave up, the handler did not: not a reason to retry on a new one.
                throw e;
            } catch (IOException e) {
                throw new RequestNotDeliveredException(e);
            }
            return onInterrupt.run(() -> pipes.read(maxSize, target));
        }
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                pipes.write(request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, writers);
        ByteBuffer reply;
        try {
            reply = onInterrupt.run(() -> pipes.read(maxSize, target));
        } catch (ReplyDiscardedException e) {
            // The handler stays in service: the next call may write only once this write is done.
            awaitWrite(written);
            throw e;
        }
        awaitWrite(written);
        return reply;
    }

    private static void awaitWrite(CompletableFuture<Void> written) throws IOException {
        try {
            // A handler that replied before reading everything is stuck on its contract; the
            // caller's deadline kills it, which fails the write and ends this wait.
            written.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the request");
        }
    }

    /**
     * @return true when the handler wrote bytes nobody asked for: between
     *         calls, stdout must be empty
     */
    public boolean hasUnsolicitedOutput() {
        return pipes.hasUnsolicitedOutput();
    }

    /**
     * SIGKILLs the handler and every descendant it started. Idempotent, never
     * blocks; a reader blocked on the pipe sees end of stream once they are dead.
     */
    public void kill() {
        killedByUs = true;
        // Signal through the handle: Process.destroyForcibly would also close the pipes, losing the
        // handler's last stderr lines and turning a clean end of stream into "Stream closed".
        if (confinement.killsWholeTree()) {
            // The sandbox's pid namespace dies whole with this process, and the tree's cgroup is killed
            // whole: no walk by pids that may be recycled.
            confinement.killAll();
            process.toHandle().destroyForcibly();
        } else if (sessionLeader) {
            if (!sessionSwept) {
                sessionSwept = true;
                // The handler is its tree's subreaper: while it lives, everything it started is below
                // it, even a double-forked process that left its session. Those are handed to init
                // when it dies, so they are found and killed first (a full /proc pass, made only
                // when the handler has children at all: most have none).
                if (ProcessTree.hasChildren(process.pid())) {
                    ProcessTree.below(process.pid(), true).forEach(ProcessHandle::destroyForcibly);
                }
                process.toHandle().destroyForcibly();
                // Whatever was forked meanwhile is still in the session, which outlives its leader.
                ProcessTree.below(process.pid(), true).forEach(ProcessHandle::destroyForcibly);
            } else {
                process.toHandle().destroyForcibly();
            }
        } else {
            // Without a session, children are found only through parent links, which a dead
            // handler's children lose: find them first.
            List<ProcessHandle> tree = ProcessTree.below(process.pid(), false);
            process.toHandle().destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * The handler has exited: kills what is left of its session at once, so
     * that children still holding its pipes cannot keep a caller waiting for
     * an end of stream until the call times out.
     */
    public void killOrphans() {
        if (confinement.killsWholeTree()) {
            // Even what left the handler's session is in its cgroup (or died with its pid namespace).
            confinement.killAll();
            return;
        }
        if (sessionLeader && !sessionSwept) {
            ProcessTree.below(process.pid(), true).forEach(ProcessHandle::destroyForcibly);
            sessionSwept = true;
        }
    }

    /**
     * Kills the process tree, waits for the handler to be reaped, closes the
     * pipes and drains what is left of stderr, so nothing outlives it.
     *
     * @param reapTimeout how long to wait for the exit
     */
    public void close(Duration reapTimeout) {
        kill();
        try {
            process.waitFor(reapTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipes.close();
        stderr.finish();
        if (!process.isAlive()) {
            confinement.release();
        } else {
            // Not reaped in time (or this thread was interrupted): the limits go when it is.
            afterExit(process, confinement::release, callbacks,
                    failure -> notes.accept(label + ": releasing its limits failed: " + failure));
        }
    }

    /** @return why a limit of the sandbox stopped the tree, or an empty string */
    public String limitReached() {
        return confinement.limitReached();
    }

    /**
     * The handler's last stderr lines, often the reason it died. Once the
     * process has exited, its stderr is drained to the end first.
     *
     * @param wait how long to wait for the process to exit
     * @return "; its last stderr line: <line>" (or "; its last stderr lines: <a> | <b> | <c>", escaped),
     *         or an empty string
     */
    public String lastStderr(Duration wait) {
        try {
            if (process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                stderr.finish();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> lines = stderr.lastLines().stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        return lines.size() == 1 ? "; its last stderr line: " + lines.get(0)
                : "; its last stderr lines: " + String.join(" | ", lines);
    }

    /**
     * Describes how the process ended, for errors and logs.
     *
     * @param wait how long to wait for the exit status
     * @return e.g. "exited with status 3" or "was killed by signal 9"
     */
    public String describeExit(Duration wait) {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return "is still running";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "state unknown (interrupted)";
        }
        int status = process.exitValue();
        String limit = confinement.limitReached();
        // The JDK (and bubblewrap for its child) reports death by signal N as 128 + N (so "exit 130"
        // reads as signal 2: a JDK limit).
        String how = status > 128 ? "was killed by signal " + (status - 128) + Signals.meaning(status - 128)
                : "exited with status " + status;
        return limit.isEmpty() ? how : how + " (" + limit + ")";
    }
}
