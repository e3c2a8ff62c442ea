package io.github.umdosgi.impl.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Forks every handler from one long-lived thread, prefixed with a parent-death
 * guard ({@code setpriv --pdeathsig KILL}) when the machine has it.
 *
 * <p>Why one thread: Linux delivers the parent-death signal when the
 * <em>thread</em> that forked the child ends, not the process. Forking from
 * callers' threads would kill handlers whenever such a thread ended; forking
 * from a thread that lives as long as the manager means the signal comes
 * exactly when the JVM dies (even by SIGKILL) or the manager shuts down.
 * The guard covers handlers that ignore the end-of-stdin contract.
 *
 * <p>Thread safe; the executor owns its single thread.
 */
public final class ProcessSpawner implements AutoCloseable {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final ExecutorService thread;
    private final List<String> guard;

    /** @return a spawner with the parent-death guard when {@code setpriv} is installed */
    public static ProcessSpawner withParentDeathGuard() {
        return new ProcessSpawner(Files.isExecutable(SETPRIV)
                ? List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--")
                : List.of());
    }

    ProcessSpawner(List<String> guard) {
        this.guard = List.copyOf(guard);
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "umd-spawner");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return whether handlers get the parent-death guard */
    public boolean guarded() {
        return !guard.isEmpty();
    }

    /**
     * Starts the builder's command behind the guard, on the spawner thread.
     *
     * @param builder a fully configured builder; its command is prefixed, not replaced
     * @return the started process
     * @throws IOException the exec failed
     */
    public Process spawn(ProcessBuilder builder) throws IOException {
        List<String> command = new ArrayList<>(guard);
        command.addAll(builder.command());
        builder.command(command);
        Future<Process> started;
        try {
            started = thread.submit(builder::start);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("the manager is shutting down; not starting " + command, e);
        }
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + command + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command, e);
        }
    }

    /** Ends the thread; any handler still running then gets the parent-death signal. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
