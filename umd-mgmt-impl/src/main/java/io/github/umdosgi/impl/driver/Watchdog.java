package io.github.umdosgi.impl.driver;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer shared by every driver, which kills a handler whose call or
 * start overran its deadline. Its single thread ends after a few idle
 * seconds, so idle drivers cost no thread.
 *
 * <p>Thread safe.
 */
public final class Watchdog implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    /** Creates the timer; its thread starts on first use. */
    public Watchdog() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "umd-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(5, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code action} after {@code delay} unless disarmed first.
     *
     * @param delay the deadline from now
     * @param action what to do when it passes (kill a handler)
     * @return the alarm
     */
    public Alarm arm(Duration delay, Runnable action) {
        Alarm alarm = new Alarm(action);
        alarm.future = timer.schedule(alarm, Math.max(0, Deadlines.nanos(delay)), TimeUnit.NANOSECONDS);
        return alarm;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One armed deadline; exactly one of firing and disarming wins. */
    public static final class Alarm implements Runnable {
        private static final int ARMED = 0;
        private static final int FIRED = 1;
        private static final int DISARMED = 2;

        private final Runnable action;
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        private volatile ScheduledFuture<?> future;

        private Alarm(Runnable action) {
            this.action = action;
        }

        @Override
        public void run() {
            if (state.compareAndSet(ARMED, FIRED)) {
                action.run();
            }
        }

        /**
         * Cancels the alarm unless it has fired.
         *
         * @return whether it fired (its action ran or is running)
         */
        public boolean disarm() {
            if (state.compareAndSet(ARMED, DISARMED)) {
                future.cancel(false);
                return false;
            }
            return state.get() == FIRED;
        }

        /** @return whether it fired */
        public boolean fired() {
            return state.get() == FIRED;
        }
    }
}
