package io.github.umdosgi.benchmarks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A timer built like the manager's watchdog (the manager's own class is
 * private to its bundle): arming a deadline adds it to a concurrent set; one
 * daemon thread sleeps until the earliest deadline it knows of and is woken
 * only when a new deadline is earlier than that; disarming removes the entry
 * with one compare-and-set. Section 1b times arm/disarm around plain Java
 * calls with it. Thread safe.
 */
final class WatchdogLike implements AutoCloseable {

    private static final long SCANNING = Long.MIN_VALUE;
    private static final long IDLE = Long.MAX_VALUE;

    private final Set<Alarm> armed = ConcurrentHashMap.newKeySet();
    private final Thread timer;
    private volatile long wakeAt = IDLE;
    private volatile boolean closed;

    WatchdogLike() {
        timer = new Thread(this::run, "bench-watchdog");
        timer.setDaemon(true);
        timer.start();
    }

    /** Runs {@code action} at {@code deadline} (on {@link System#nanoTime()}) unless disarmed first. */
    Alarm arm(long deadline, Runnable action) {
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
    final class Alarm {
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
                action.run();
            }
        }

        /** @return whether it fired */
        boolean disarm() {
            if (state.compareAndSet(ARMED, DISARMED)) {
                armed.remove(this);
                return false;
            }
            return state.get() == FIRED;
        }
    }
}
