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

import io.github.umdosgi.impl.blob.HandlerBlob;

/**
 * Forks every handler from one long-lived thread, behind a guard that kills
 * the handler when the JVM dies: the launch shim {@code umd-launch} (parent
 * death signal, checked against the fork race, plus a session of its own so
 * that its whole process tree can be found), else {@code setpriv --pdeathsig
 * KILL}, else nothing.
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
    // The launch shim, checked against its digest before each use; null when the guard is not the shim.
    private final HandlerBlob shim;

    /**
     * @param shim the extracted launch shim, or null when none fits this machine
     * @return a spawner with the strongest guard available
     */
    public static ProcessSpawner create(HandlerBlob shim) {
        if (shim != null) {
            return new ProcessSpawner(List.of(shim.executable().toString(), "--sync"), shim);
        }
        // Without the shim nothing checks the file between the manager's check and the exec.
        return new ProcessSpawner(Files.isExecutable(SETPRIV)
                ? List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--")
                : List.of(), null);
    }

    /** @return a spawner with the setpriv guard when installed, without sessions */
    public static ProcessSpawner withParentDeathGuard() {
        return create(null);
    }

    ProcessSpawner(List<String> guard) {
        this(guard, null);
    }

    private ProcessSpawner(List<String> guard, HandlerBlob shim) {
        this.guard = List.copyOf(guard);
        this.shim = shim;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "umd-spawner");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return whether handlers get a parent-death guard */
    public boolean guarded() {
        return !guard.isEmpty();
    }

    /** @return whether handlers start through the launch shim, which takes options and leads a session */
    public boolean throughShim() {
        return shim != null;
    }

    /** @return the launch shim, or empty */
    public java.util.Optional<Path> shim() {
        return java.util.Optional.ofNullable(shim).map(HandlerBlob::executable);
    }

    /**
     * @return whether each started process waits for {@link HandlerPipes#GO} on its stdin before it
     *         runs the handler (the shim's {@code --sync})
     */
    public boolean awaitsGo() {
        return shim != null;
    }

    /**
     * Starts the builder's command behind the guard, on the spawner thread.
     *
     * @param builder a fully configured builder; its command is prefixed, not replaced
     * @return the started process
     * @throws IOException the exec failed
     */
    public Process spawn(ProcessBuilder builder) throws IOException {
        return spawn(builder, List.of());
    }

    /**
     * Starts the builder's command behind the guard, on the spawner thread,
     * after checking the launch shim against the digest taken when it was
     * installed: a replaced shim would run before every handler.
     *
     * @param builder a fully configured builder; its command is prefixed, not replaced
     * @param shimOptions options for the shim (files to open and check, cgroups, limits, user)
     * @return the started process
     * @throws IOException the exec failed, the shim was modified, or options were given without a shim
     */
    public Process spawn(ProcessBuilder builder, List<String> shimOptions) throws IOException {
        List<String> command = new ArrayList<>(guard);
        if (shim != null) {
            shim.verify();
            command.addAll(shimOptions);
            command.add(Long.toString(ProcessHandle.current().pid()));
        } else if (!shimOptions.isEmpty()) {
            throw new IOException("the launch shim is needed for this handler but none fits this machine");
        }
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
