package io.github.umdosgi.impl.process;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads every handler process shares, owned by the manager: the
 * spawner (forks behind the parent-death guard), the stderr drain, two
 * bounded pools whose threads end after 30 idle seconds, the exit thread, and the direct
 * buffers of calls in flight. An idle handler costs none of them a thread or a
 * buffer of its own.
 *
 * <p>Every pool is bounded, so no handler and no hook can make the manager
 * create threads without limit: work beyond the bound waits in the pool's
 * queue, within the deadline of the call or start that submitted it.
 *
 * <p>Immutable; the pools are thread safe.
 *
 * @param spawner forks handlers
 * @param stderr drains every handler's stderr
 * @param workers writes large requests while the caller reads the reply
 * @param hooks runs post-start hooks, so that a start timeout bounds them; a hook that ignores
 *        interrupts keeps one of these few threads, never more
 * @param callbacks the manager's own thread for exit handling (process-tree sweeps, logs, events),
 *        which must not run on the JDK's process reaper
 * @param buffers scratch buffers lent to each call for its pipe I/O
 */
public record ProcessServices(ProcessSpawner spawner, StderrDrain stderr, ExecutorService workers,
        ExecutorService hooks, ExecutorService callbacks, ScratchBuffers buffers) implements AutoCloseable {

    /** Buffers kept for reuse: enough for every core to have a call and a large write in flight. */
    private static final int POOLED_BUFFERS = 2 * Runtime.getRuntime().availableProcessors() + 2;

    /** Large writes in flight at once; more wait for a thread (their call's deadline still holds). */
    static final int MAX_WORKERS = 64;

    /** Post-start hooks running at once; a start whose hook finds none free waits within its start timeout. */
    static final int MAX_HOOKS = 8;

    /**
     * @param spawner forks handlers
     * @param stderr drains every handler's stderr
     * @param workers writes large requests
     */
    public ProcessServices(ProcessSpawner spawner, StderrDrain stderr, ExecutorService workers) {
        this(spawner, stderr, workers, pool("umd-hook", MAX_HOOKS), exitThread(), new ScratchBuffers(POOLED_BUFFERS));
    }

    /**
     * The manager's one exit thread, started at once and kept, like the
     * watchdog's timer: exits come at any time, and a thread made for each
     * burst of them would come and go with it.
     */
    private static ExecutorService exitThread() {
        ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread t = new Thread(task, "umd-exits");
                    t.setDaemon(true);
                    return t;
                });
        thread.prestartCoreThread();
        return thread;
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
        return new ProcessServices(ProcessSpawner.create(shim), new StderrDrain(), pool("umd-worker", MAX_WORKERS));
    }

    /**
     * A pool of at most {@code threads} daemon threads, which end after 30
     * idle seconds. A task goes to an idle thread if there is one, else to a
     * new thread while fewer than {@code threads} run, else it waits in the
     * queue. (A plain {@code ThreadPoolExecutor} with a queue would start a
     * new thread for every task up to its core size, idle ones
     * notwithstanding, and one without a queue would refuse work at the bound.)
     */
    static ThreadPoolExecutor pool(String name, int threads) {
        HandOff queue = new HandOff();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, queue, task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        }, (task, executor) -> {
            if (executor.isShutdown()) {
                throw new RejectedExecutionException(name + " pool is shut down");
            }
            queue.enqueue(task);
        });
        return pool;
    }

    /** Offers a task only to a thread waiting for one, so the pool grows before anything queues. */
    private static final class HandOff extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }

    /** Stops the threads; call after every handler was closed. */
    @Override
    public void close() {
        workers.shutdownNow();
        hooks.shutdownNow();
        callbacks.shutdown();
        stderr.close();
        spawner.close();
    }
}
