package io.github.umdosgi.impl.process;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads every handler process shares, owned by the manager: the
 * spawner (forks behind the parent-death guard), the stderr drain, and a pool
 * of writers for requests too large to write before reading (its threads end
 * after 30 idle seconds). An idle handler costs none of them a thread of its
 * own.
 *
 * @param spawner forks handlers
 * @param stderr drains every handler's stderr
 * @param writers writes large requests while the caller reads the reply
 */
public record ProcessServices(ProcessSpawner spawner, StderrDrain stderr, ExecutorService writers)
        implements AutoCloseable {

    /** @return the services with the parent-death guard when available */
    public static ProcessServices create() {
        ThreadPoolExecutor writers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread t = new Thread(task, "umd-writer");
                    t.setDaemon(true);
                    return t;
                });
        return new ProcessServices(ProcessSpawner.withParentDeathGuard(), new StderrDrain(), writers);
    }

    /** Stops the threads; call after every handler was closed. */
    @Override
    public void close() {
        writers.shutdownNow();
        stderr.close();
        spawner.close();
    }
}
