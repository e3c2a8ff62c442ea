package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.Payloads;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Issue case 13: 4 threads call an echo driver (one instance, a restart intensity no soak can
 * exhaust) with unique payloads while another thread kills its handler at random intervals, either
 * through {@code umd.kill} or with SIGKILL from outside, after at least one call has succeeded since
 * its previous kill (so that the soak always progresses). Every call must get its own payload back
 * or a typed {@link UmdException}, never another caller's reply; a call may fail only because a
 * handler was killed, so failures never outnumber kills; nothing is left afterwards.
 *
 * <p>{@value #DEFAULT_CALLS} calls by default (a few seconds here), {@value #SOAK_CALLS} with
 * {@code -Dumd.soak=true}.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KillSoakIT extends UmdTestSupport {

    static final int DEFAULT_CALLS = 10_000;
    static final int SOAK_CALLS = 100_000;

    private static final int THREADS = 4;
    private static final String DRIVER = "killsoak";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** Bound on the whole run: a hung caller fails the test instead of blocking the build. */
    private static final Duration RUN_BOUND = Duration.ofMinutes(Soak.pick(3, 15));

    @Test
    public void callsUnderRandomKillsGetTheirOwnReplyOrATypedError() throws Exception {
        int totalCalls = Soak.pick(DEFAULT_CALLS, SOAK_CALLS);
        LeakProbe before = LeakProbe.take(root());
        Bundle bundle = install("itest:" + DRIVER, BundleJar.named("itest." + DRIVER)
                .driverHeader(DRIVER + ";handler=bin/echo-handler;instances=1"
                        + ";restart-intensity=100000;restart-period=1000")
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), DRIVER);
        bundle.start();
        DriverInfo loaded = info(DRIVER);
        assertEquals("loaded: " + loaded, DriverState.IDLE, loaded.state());

        Tally tally = new Tally();
        AtomicBoolean callersDone = new AtomicBoolean();
        AtomicLong managerKills = new AtomicLong();
        AtomicLong outsideKills = new AtomicLong();
        AtomicLong killAttempts = new AtomicLong();

        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            int calls = totalCalls / THREADS;
            callers.add(new Thread(() -> callLoop(thread, calls, tally), "itest-killsoak-" + t));
        }
        Thread killer = new Thread(() -> {
            Random rnd = new Random(99);
            long okAtLastKill = -1;
            while (!callersDone.get()) {
                try {
                    Thread.sleep(rnd.nextInt(6));
                    if (tally.get("ok") == okAtLastKill) {
                        // No call has succeeded since the last kill: killing again now would only
                        // test the restart backoff. Once kills come faster than a sandboxed start,
                        // every call fails, the backoff climbs to its maximum, and the soak stalls.
                        continue;
                    }
                    okAtLastKill = tally.get("ok");
                    killAttempts.incrementAndGet();
                    if (rnd.nextInt(4) == 0) {
                        // SIGKILL from outside, as an OOM killer or an operator would.
                        for (ProcessHandle p : HandlerProcesses.ofDriver(root(), DRIVER)) {
                            if (p.destroyForcibly()) {
                                outsideKills.incrementAndGet();
                            }
                        }
                    } else {
                        managerKills.addAndGet(admin.kill(DRIVER));
                    }
                } catch (UmdException e) {
                    tally.problem("kill: " + e);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    tally.problem("killer: " + e);
                }
            }
        }, "itest-killsoak-killer");
        killer.setDaemon(true);

        long t0 = System.nanoTime();
        callers.forEach(c -> {
            c.setDaemon(true);
            c.start();
        });
        killer.start();
        List<String> hung = new ArrayList<>();
        long deadline = t0 + RUN_BOUND.toNanos();
        for (Thread caller : callers) {
            caller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (caller.isAlive()) {
                hung.add(caller.getName() + " " + Arrays.toString(caller.getStackTrace()));
            }
        }
        callersDone.set(true);
        killer.join(5_000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long kills = managerKills.get() + outsideKills.get();
        long failed = tally.total() - tally.get("ok");
        System.out.printf("[KillSoakIT] %d calls in %.1f s by %d threads (%.0f calls/s): %s; kills: %d by umd.kill,"
                + " %d by SIGKILL from outside, %d attempts%n", tally.total(), seconds, THREADS,
                tally.total() / seconds, tally, managerKills.get(), outsideKills.get(), killAttempts.get());

        assertTrue("callers did not finish within " + RUN_BOUND.toSeconds() + " s (hang): " + hung, hung.isEmpty());
        assertEquals("problems: " + tally, 0, tally.problemCount());
        assertEquals("every call was counted", (long) (totalCalls / THREADS) * THREADS, tally.total());
        assertTrue("the soak killed handlers at all: " + kills, kills > 0);
        assertTrue("calls failed only where a handler was killed: " + failed + " failed calls, " + kills + " kills",
                failed <= kills);

        DriverInfo after = info(DRIVER);
        assertNotEquals("the restart policy was not exhausted: " + after, DriverState.FAILED, after.state());
        // The killer's last SIGKILL may still be in flight (sent, not yet reaped): like any kill it
        // may cost the next call, and only that one.
        byte[] reply;
        try {
            reply = umd.call(DRIVER, "after".getBytes());
        } catch (TransportException e) {
            System.out.println("[KillSoakIT] first call after the soak raced the last kill: " + e.getMessage());
            assertTrue("this failure too is covered by a kill", failed + 1 <= kills);
            reply = umd.call(DRIVER, "after".getBytes());
        }
        assertArrayEquals("the driver still answers", "after".getBytes(), reply);
        System.out.println("[KillSoakIT] driver after the soak: " + info(DRIVER));

        bundle.uninstall();
        assertNothingLeft(DRIVER);
        LeakProbe leak = LeakProbe.assertNoGrowth("kill soak", root(), before, 16);
        System.out.println("[KillSoakIT] leak probe before " + before + ", after " + leak);
    }

    private void callLoop(int thread, int calls, Tally tally) {
        Random rnd = new Random(500 + thread);
        for (int seq = 0; seq < calls; seq++) {
            byte[] request = Payloads.tagged(thread, seq, rnd, rnd.nextInt(seq % 50 == 0 ? 200_000 : 512));
            try {
                byte[] reply = umd.call(DRIVER, request, CALL_TIMEOUT);
                if (Arrays.equals(request, reply)) {
                    tally.count("ok");
                } else {
                    tally.count("wrong reply");
                    tally.problem("thread " + thread + " call " + seq + ": sent " + request.length + " bytes, got "
                            + reply.length + (reply.length >= 8 ? " tagged thread "
                                    + ByteBuffer.wrap(reply).getInt(0) + " seq " + ByteBuffer.wrap(reply).getInt(4)
                                    : ""));
                }
            } catch (UmdException e) {
                tally.count(e.getClass().getSimpleName());
                if (!DRIVER.equals(e.driverName())) {
                    tally.problem("exception for another driver: " + e);
                }
            } catch (RuntimeException | Error e) {
                tally.count(e.getClass().getSimpleName());
                tally.problem("thread " + thread + " call " + seq + ": untyped " + e);
            }
        }
    }
}
