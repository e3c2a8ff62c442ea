package io.github.umdosgi.impl.process;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads every handler process shares, owned by the manager: the
 * spawner (forks behind the parent-death guard), the stderr drain, and a pool
 * of workers that write requests too large to write before reading and run
 * post-start hooks under their timeout (its threads end after 30 idle
 * seconds), and the direct buffers of calls in flight. An idle handler costs
 * none of them a thread or a buffer of its own.
 *
 * @param spawner forks handlers
 * @param stderr drains every handler's stderr
 * @param workers writes large requests while the caller reads the reply; runs post-start hooks
 * @param buffers scratch buffers lent to each call for its pipe I/O
 */
public record ProcessServices(ProcessSpawner spawner, StderrDrain stderr, ExecutorService workers,
        ScratchBuffers buffers) implements AutoCloseable {

    /** Buffers kept for reuse: enough for every core to have a call and a large write in flight. */
    private static final int POOLED_BUFFERS = 2 * Runtime.getRuntime().availableProcessors() + 2;

    /**
     * @param spawner forks handlers
     * @param stderr drains every handler's stderr
     * @param workers writes large requests; runs post-start hooks
     */
    public ProcessServices(ProcessSpawner spawner, StderrDrain stderr, ExecutorService workers) {
        this(spawner, stderr, workers, new ScratchBuffers(POOLED_BUFFERS));
    }

    /** @return the services with the setpriv guard when available */
    public static ProcessServices create() {
        return create(null);
    }

    /**
     * @param shim the extracted launch shim, or null to fall back to setpriv
     * @return the services
     */
    public static ProcessServices create(io.github.umdosgi.impl.blob.HandlerBlob shim) {
        ThreadPoolExecutor workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread t = new Thread(task, "umd-worker");
                    t.setDaemon(true);
                    return t;
                });
        return new ProcessServices(ProcessSpawner.create(shim), new StderrDrain(), workers);
    }

    /** Stops the threads; call after every handler was closed. */
    @Override
    public void close() {
        workers.shutdownNow();
        stderr.close();
        spawner.close();
    }
}
