package io.github.umdosgi.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The manager's own watchdog ({@code io.github.umdosgi.impl.driver.Watchdog}),
 * driven through method handles because the manager bundle exports nothing:
 * section 1b times exactly the arm and disarm the manager does per call.
 */
final class ManagerWatchdog implements AutoCloseable {

    private static final String WATCHDOG = "io.github.umdosgi.impl.driver.Watchdog";

    private final Object watchdog;
    private final MethodHandle arm;
    private final MethodHandle disarm;
    private final MethodHandle close;

    private ManagerWatchdog(Object watchdog, MethodHandle arm, MethodHandle disarm, MethodHandle close) {
        this.watchdog = watchdog;
        this.arm = arm;
        this.disarm = disarm;
        this.close = close;
    }

    static ManagerWatchdog of(EmbeddedFelix felix) throws ReflectiveOperationException {
        Class<?> type = felix.managerClass(WATCHDOG);
        Class<?> alarm = felix.managerClass(WATCHDOG + "$Alarm");
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Object watchdog;
        try {
            watchdog = lookup.findConstructor(type, MethodType.methodType(void.class)).invoke();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the manager's Watchdog() failed", e);
        }
        return new ManagerWatchdog(watchdog,
                lookup.findVirtual(type, "arm", MethodType.methodType(alarm, long.class, Runnable.class)),
                lookup.findVirtual(alarm, "disarm", MethodType.methodType(boolean.class)),
                lookup.findVirtual(type, "close", MethodType.methodType(void.class)));
    }

    /** One armed deadline of the manager's watchdog. */
    final class Alarm {
        private final Object alarm;

        private Alarm(Object alarm) {
            this.alarm = alarm;
        }

        /** @return whether it fired */
        boolean disarm() {
            try {
                return (boolean) disarm.invoke(alarm);
            } catch (Throwable e) {
                throw new IllegalStateException("the manager's Alarm.disarm failed", e);
            }
        }
    }

    Alarm arm(long deadline, Runnable action) {
        try {
            return new Alarm(arm.invoke(watchdog, deadline, action));
        } catch (Throwable e) {
            throw new IllegalStateException("the manager's Watchdog.arm failed", e);
        }
    }

    @Override
    public void close() {
        try {
            close.invoke(watchdog);
        } catch (Throwable e) {
            throw new IllegalStateException("the manager's Watchdog.close failed", e);
        }
    }
}
