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
    // The guard is the launch shim: it leads a session, waits for the go byte and takes an identity.
    private final boolean throughShim;

    /**
     * @param shim the extracted launch shim, or null when none fits this machine
     * @return a spawner with the strongest guard available
     */
    public static ProcessSpawner create(Path shim) {
        if (shim != null) {
            return new ProcessSpawner(
                    List.of(shim.toString(), "--sync", Long.toString(ProcessHandle.current().pid())), true);
        }
        // Without the shim nothing checks the file between the manager's check and the exec.

        return new ProcessSpawner(Files.isExecutable(SETPRIV)
                ? List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--")
                : List.of(), false);
    }

    /** @return a spawner with the setpriv guard when installed, without sessions */
    public static ProcessSpawner withParentDeathGuard() {
        return create(null);
    }

    ProcessSpawner(List<String> guard) {
        this(guard, false);
    }

    ProcessSpawner(List<String> guard, boolean throughShim) {
        this.guard = List.copyOf(guard);
        this.throughShim = throughShim;
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

    /** @return whether every handler leads its own session, so {@link ProcessTree} finds its whole tree */
    public boolean sessions() {
        return throughShim;
    }

    /**
     * @return whether each started process waits for {@link HandlerPipes#GO} on its stdin before it
     *         runs the handler (the shim's {@code --sync})
     */
    public boolean awaitsGo() {
        return throughShim;
    }

    /**
     * Starts the builder's command behind the guard, on the spawner thread.
     *
     * @param builder a fully configured builder; its command is prefixed, not replaced
     * @return the started process
     * @throws IOException the exec failed
     */
    public Process spawn(ProcessBuilder builder) throws IOException {
        return spawn(builder, null);
    }

    /**
     * Starts the builder's command behind the guard, on the spawner thread.
     * With the shim, the command's last word is the handler: the shim checks,
     * on the file it opens, that it is still the one the manager checked, and
     * runs exactly that file.
     *
     * @param builder a fully configured builder; its command is prefixed, not replaced
     * @param identity the checked handler file's identity, or null when the last word is not a handler file
     * @return the started process
     * @throws IOException the exec failed
     */
    public Process spawn(ProcessBuilder builder, String identity) throws IOException {
        List<String> command = new ArrayList<>(guard);
        if (throughShim) {
            command.add(identity == null ? "-" : identity);
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
