package io.github.umdosgi.impl.driver;

import io.github.umdosgi.impl.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchdogTest {

    private Watchdog watchdog;

    @BeforeEach
    void setUp() {
        watchdog = new Watchdog();
    }

    @AfterEach
    void tearDown() {
        watchdog.close();
    }

    private static List<Thread> watchdogThreads() {
        List<Thread> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().equals("umd-watchdog")) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void armedAlarmFiresAndRunsItsAction() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Watchdog.Alarm alarm = watchdog.arm(Duration.ofMillis(50), ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS), "the action ran");
        assertTrue(alarm.fired());
        assertTrue(alarm.disarm(), "disarm after firing reports that it fired");
    }

    @Test
    void zeroAndNegativeDelaysFireAtOnce() throws Exception {
        CountDownLatch ran = new CountDownLatch(2);
        watchdog.arm(Duration.ZERO, ran::countDown);
        watchdog.arm(Duration.ofMillis(-500), ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
    }

    @Test
    void disarmedAlarmDoesNotFire() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Watchdog.Alarm alarm = watchdog.arm(Duration.ofMillis(300), runs::incrementAndGet);
        assertFalse(alarm.disarm(), "not fired yet");
        // A later alarm fires; by then the disarmed one would have, too.
        CountDownLatch later = new CountDownLatch(1);
        watchdog.arm(Duration.ofMillis(600), later::countDown);
        assertTrue(later.await(5, TimeUnit.SECONDS));
        assertEquals(0, runs.get());
        assertFalse(alarm.fired());
        assertFalse(alarm.disarm(), "disarm is idempotent");
    }

    @Test
    void alarmsFireInDeadlineOrderAndIndependently() throws Exception {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2);
        watchdog.arm(Duration.ofMillis(400), () -> {
            order.add("late");
            done.countDown();
        });
        Watchdog.Alarm cancelled = watchdog.arm(Duration.ofMillis(200), () -> order.add("cancelled"));
        watchdog.arm(Duration.ofMillis(100), () -> {
            order.add("early");
            done.countDown();
        });
        cancelled.disarm();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("early", "late"), order);
    }

    @Test
    void aFailingActionDoesNotStopTheWatchdog() throws Exception {
        watchdog.arm(Duration.ZERO, () -> {
            throw new IllegalStateException("boom");
        });
        CountDownLatch ran = new CountDownLatch(1);
        watchdog.arm(Duration.ofMillis(100), ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
    }

    @Test
    void closeStopsTheThreadAndPendingAlarms() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        watchdog.arm(Duration.ofMillis(300), runs::incrementAndGet);
        Await.await("the watchdog thread exists", java.time.Duration.ofSeconds(5), () -> !watchdogThreads().isEmpty());
        Thread thread = watchdogThreads().get(0);
        assertTrue(thread.isDaemon());
        watchdog.close();
        thread.join(5000);
        assertFalse(thread.isAlive());
        Thread.sleep(500);
        assertEquals(0, runs.get(), "a pending alarm must not fire after close");
    }

    @Test
    void anIdleWatchdogParksItsOneThread() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        watchdog.arm(Duration.ZERO, ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        List<Thread> threads = watchdogThreads();
        assertEquals(1, threads.size(), "one shared timer thread: " + threads);
        // With nothing armed it waits without a timeout: no polling, no CPU.
        Await.await("the idle timer thread is parked", java.time.Duration.ofSeconds(5), () -> threads.get(0).getState() == Thread.State.WAITING);
        // And it wakes for the next alarm.
        CountDownLatch again = new CountDownLatch(1);
        watchdog.arm(Duration.ofMillis(50), again::countDown);
        assertTrue(again.await(5, TimeUnit.SECONDS));
    }

    @Test
    void manyAlarmsWithTheSameTimeoutFireInOrderAndDisarmedOnesNever() throws Exception {
        List<Integer> fired = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Watchdog.Alarm> alarms = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            alarms.add(watchdog.arm(Duration.ofMillis(100 + 10L * i), () -> fired.add(n)));
        }
        for (int i = 0; i < 20; i += 2) {
            assertFalse(alarms.get(i).disarm());
        }
        Await.await("the odd alarms fired", java.time.Duration.ofSeconds(5), () -> fired.size() == 10);
        Thread.sleep(100);
        assertEquals(List.of(1, 3, 5, 7, 9, 11, 13, 15, 17, 19), fired);
    }

    @Test
    void aFailingAlarmIsToldAndTheTimerGoesOn() throws Exception {
        // Bug 5: a kill that threw in the alarm vanished, so a hung call could outlive its deadline unseen.
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Watchdog logged = new Watchdog(told::add)) {
            logged.arm(Duration.ofMillis(10), () -> {
                throw new IllegalStateException("kill failed: no such process handle");
            });
            CountDownLatch later = new CountDownLatch(1);
            logged.arm(Duration.ofMillis(50), later::countDown);
            assertTrue(later.await(5, TimeUnit.SECONDS), "the timer went on after the failure");
            assertEquals(1, told.size(), told.toString());
            assertTrue(told.get(0).contains("kill failed: no such process handle"), told.get(0));
        }
    }
}
