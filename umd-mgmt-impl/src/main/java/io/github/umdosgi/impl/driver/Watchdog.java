package io.github.umdosgi.impl.driver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One timer shared by every driver, which kills a handler whose call or
 * start overran its deadline.
 *
 * <p>Why not a {@code ScheduledExecutorService}: scheduling and cancelling a
 * task per call wakes the timer thread every time, which costs more than a
 * small round trip itself. Here arming a deadline only adds it to a set; the
 * timer thread sleeps until the earliest deadline it knows of and is woken
 * only when a new deadline is earlier than that, which for calls with the
 * same timeout is never. Disarming only removes it. An idle timer thread is
 * parked and costs no CPU.
 *
 * <p>Concurrency: {@link #armed} is a concurrent set; {@link #wakeAt} is the
 * deadline the timer thread sleeps towards ({@link #SCANNING} while it looks
 * through the set, {@link #IDLE} when the set was empty), written only by that
 * thread. Each {@link Alarm} settles firing against disarming with one
 * compare-and-set. {@link #failures} is immutable and thread safe.
 */
public final class Watchdog implements AutoCloseable {

    private static final long SCANNING = Long.MIN_VALUE;
    private static final long IDLE = Long.MAX_VALUE;

    private final Set<Alarm> armed = ConcurrentHashMap.newKeySet();
    private final Thread timer;
    private volatile long wakeAt = IDLE;
    private volatile boolean closed;
    private final Consumer<String> failures;

    /** Starts the timer thread, parked until the first alarm; failed alarms go to the JDK's system logger. */
    public Watchdog() {
        this(message -> System.getLogger(Watchdog.class.getName()).log(System.Logger.Level.ERROR, message));
    }

    /**
     * Starts the timer thread, parked until the first alarm.
     *
     * @param failures told when an alarm's action (a kill) throws: the call it guards may then
     *        outlive its deadline, which an operator must learn of
     */
    public Watchdog(Consumer<String> failures) {
        this.failures = failures;
        timer = new Thread(this::run, "umd-watchdog");
        timer.setDaemon(true);
        timer.start();
    }

    /**
     * Runs {@code action} after {@code delay} unless disarmed first.
     *
     * @param delay from now; saturated at about 70 years
     * @param action what to do when it passes
     * @return the alarm
     */
    public Alarm arm(java.time.Duration delay, Runnable action) {
        return arm(Deadlines.after(delay), action);
    }

    /**
     * Runs {@code action} at {@code deadline} unless disarmed first.
     *
     * @param deadline on {@link System#nanoTime()}
     * @param action what to do when it passes (kill a handler)
     * @return the alarm
     */
    public Alarm arm(long deadline, Runnable action) {
        Alarm alarm = new Alarm(deadline, action);
        armed.add(alarm);
        long target = wakeAt;
        if (target == SCANNING || target == IDLE || deadline - target < 0) {
            LockSupport.unpark(timer);
        }
        return alarm;
    }

    private void run() {
        while (!closed) {
            wakeAt = SCANNING;
            long now = System.nanoTime();
            long next = IDLE;
            for (Alarm alarm : armed) {
                if (alarm.deadline - now <= 0) {
                    armed.remove(alarm);
                    alarm.fire();
                } else if (next == IDLE || alarm.deadline - next < 0) {
                    next = alarm.deadline;
                }
            }
            wakeAt = next;
            if (next == IDLE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, next - System.nanoTime());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(timer);
        try {
            timer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        armed.clear();
    }

    /** One armed deadline; exactly one of firing and disarming wins. */
    public final class Alarm {
        private static final int ARMED = 0;
        private static final int FIRED = 1;
        private static final int DISARMED = 2;

        private final long deadline;
        private final Runnable action;
        private final AtomicInteger state = new AtomicInteger(ARMED);

        private Alarm(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        private void fire() {
            if (state.compareAndSet(ARMED, FIRED)) {
                try {
                    action.run();
                } catch (RuntimeException | LinkageError | AssertionError e) {
                    // A kill that failed must not stop the timer for every other driver, nor go unseen.
                    failures.accept("watchdog: the action at a deadline failed, so the call it guards may outlive"
                            + " its deadline: " + e);
                }
            }
        }

        /**
         * Cancels the alarm unless it has fired.
         *
         * @return whether it fired (its action ran or is running)
         */
        public boolean disarm() {
            if (state.compareAndSet(ARMED, DISARMED)) {
                armed.remove(this);
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
