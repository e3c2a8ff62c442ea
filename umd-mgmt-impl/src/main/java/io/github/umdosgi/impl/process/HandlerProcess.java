package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.umdosgi.impl.frame.FrameCodec;

/**
 * One running handler process and its pipes: the kernel's
 * {@code fork_usermode_driver} plus {@code shutdown_umh}.
 *
 * <p>Not thread safe for {@link #send}/{@link #receive}: the owning
 * instance's lock serialises them. {@link #kill()} may be called from any
 * thread (watchdog, unload, operator) to unblock a caller stuck in a read.
 */
public final class HandlerProcess {

    private final Process process;
    private final OutputStream toHandler;
    private final InputStream fromHandler;
    private final StderrPump stderr;
    private final String label;
    // Written by any thread that kills; read when describing the exit.
    private volatile boolean killedByUs;

    private HandlerProcess(Process process, StderrPump stderr, String label) {
        this.process = process;
        this.toHandler = process.getOutputStream();
        this.fromHandler = process.getInputStream();
        this.stderr = stderr;
        this.label = label;
    }

    /**
     * Forks the handler with the given working directory and exactly the given
     * environment; stdin and stdout are pipes, stderr goes line by line to
     * {@code stderrLines}.
     *
     * @param spawner forks from its long-lived thread, behind the parent-death guard
     * @param command the executable (and wrapper arguments before it, if any)
     * @param workingDirectory the private directory
     * @param environment the complete environment
     * @param label names the handler in thread names and log lines
     * @param stderrLines receives each stderr line
     * @return the started handler
     * @throws IOException the exec failed
     */
    public static HandlerProcess start(ProcessSpawner spawner, List<String> command, Path workingDirectory, Map<String, String> environment,
            String label, Consumer<String> stderrLines) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = spawner.spawn(builder);
        String fullLabel = label + " pid " + process.pid();
        StderrPump pump = StderrPump.start(process.getErrorStream(), fullLabel, stderrLines);
        return new HandlerProcess(process, pump, fullLabel);
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

    /** @return whether {@link #kill()} was called */
    public boolean killedByUs() {
        return killedByUs;
    }

    /** @return a label naming driver, instance and pid */
    public String label() {
        return label;
    }

    /**
     * Writes one request frame.
     *
     * @param payload the request
     * @throws IOException the pipe is broken
     */
    public void send(byte[] payload) throws IOException {
        FrameCodec.write(toHandler, payload);
    }

    /**
     * Reads one reply frame.
     *
     * @param maxSize the largest reply accepted
     * @return the reply
     * @throws IOException end of stream, a forged length or a broken pipe
     */
    public byte[] receive(int maxSize) throws IOException {
        return FrameCodec.read(fromHandler, maxSize);
    }

    /**
     * @return true when the handler wrote bytes nobody asked for: between
     *         calls, stdout must be empty
     */
    public boolean hasUnsolicitedOutput() {
        try {
            return fromHandler.available() > 0;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * SIGKILLs the handler and every descendant it started. Idempotent, never
     * blocks; a reader blocked on the pipe sees end of stream once they are dead.
     */
    public void kill() {
        killedByUs = true;
        // Snapshot descendants first: once the parent dies they are reparented out of reach of descendants().
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Kills the process tree, waits for the handler to be reaped, closes the
     * pipes and waits for the stderr pump to finish, so nothing outlives it.
     *
     * @param reapTimeout how long to wait for the exit and the pump
     */
    public void close(Duration reapTimeout) {
        kill();
        try {
            process.waitFor(reapTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(toHandler);
        closeQuietly(fromHandler);
        stderr.awaitEnd(reapTimeout);
    }

    /**
     * Waits briefly for the stderr pump to catch up, then returns the
     * handler's last stderr line: often the reason it died.
     *
     * @param wait how long to wait for the pump to reach end of stream
     * @return "; stderr: <line>", or an empty string
     */
    public String lastStderr(Duration wait) {
        stderr.awaitEnd(wait);
        String line = stderr.lastLine();
        return line == null || line.isBlank() ? "" : "; its last stderr line: " + line.strip();
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
        // The JDK reports death by signal N as 128 + N.
        return status > 128 ? "was killed by signal " + (status - 128) : "exited with status " + status;
    }

    private static void closeQuietly(java.io.Closeable stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // The process is dead; a failing close changes nothing.
        }
    }
}
