package io.github.umdosgi.itest.lifecycle;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.Payloads;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Issue case 9: a loader bundle is stopped, started, updated (same jar bytes) and finally
 * uninstalled while 8 threads call its driver in a loop. Every call must return in time with its
 * own reply or a typed {@link UmdException} ({@link TransportException},
 * {@link DriverNotLoadedException} or {@link HandlerStartException}); no reply may reach another
 * caller; nothing may be left afterwards and the manager must still work.
 *
 * <p>Callers find the driver unloaded between a stop and a start and then load it themselves
 * through the declaring bundle (lazy load), so the bundle is started by callers as often as by
 * the churn thread: both paths race on purpose.
 *
 * <p>Per method: one test uninstalls the provisioned sample bundle.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BundleChurnUnderLoadIT extends UmdTestSupport {

    private static final int THREADS = 8;
    /** Stop / start / update actions before the final uninstall. */
    private static final int CHURN_ROUNDS = Soak.pick(24, 150);
    /** The per-call timeout: generous, so that only a hang (a manager bug) can reach it. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** Bound on one caller thread's whole run: it must end once asked to, not hang. */
    private static final Duration RUN_BOUND = Duration.ofSeconds(Soak.pick(90, 300));
    /** How long callers keep calling after the uninstall. */
    private static final long AFTER_UNINSTALL_MS = 300;

    /** {@link System#nanoTime()} when the uninstall returned, 0 before; written by the churn thread. */
    private volatile long uninstalledAt;

    /** How the churned driver checks its replies. */
    private interface Protocol {
        byte[] request(int thread, int seq, Random rnd);

        /** @return null when the reply answers that request, else what is wrong */
        String problem(byte[] request, byte[] reply);
    }

    /** Echo: a tagged random payload must come back byte for byte. */
    private static final Protocol ECHO = new Protocol() {
        @Override
        public byte[] request(int thread, int seq, Random rnd) {
            return Payloads.tagged(thread, seq, rnd, rnd.nextInt(2048));
        }

        @Override
        public String problem(byte[] request, byte[] reply) {
            if (Arrays.equals(request, reply)) {
                return null;
            }
            return "sent " + request.length + " bytes (thread " + ByteBuffer.wrap(request).getInt(0) + " seq "
                    + ByteBuffer.wrap(request).getInt(4) + "), got " + reply.length + " bytes"
                    + (reply.length >= 8 ? " tagged thread " + ByteBuffer.wrap(reply).getInt(0) + " seq "
                            + ByteBuffer.wrap(reply).getInt(4) : "");
        }
    };

    /**
     * Sample: each thread uses its own range of offsets (thread * 16 Ki + seq mod 16 Ki), and the
     * reply marks exactly the requested offset, so a reply meant for another caller cannot pass.
     */
    private static final Protocol SAMPLE_OFFSETS = new Protocol() {
        @Override
        public byte[] request(int thread, int seq, Random rnd) {
            return Payloads.offset(thread * 16 * 1024 + seq % (16 * 1024));
        }

        @Override
        public String problem(byte[] request, byte[] reply) {
            return Payloads.sampleReplyProblem(reply, ByteBuffer.wrap(request).getInt());
        }
    };

    @Test
    public void echoBundleStoppedUpdatedUninstalledUnderLoad() throws Exception {
        awaitSampleReady();
        LeakProbe before = LeakProbe.take(root());
        byte[] jar = BundleJar.named("itest.churn")
                .driverHeader("churn;handler=bin/echo-handler")
                .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)).build();
        Bundle bundle = bundleContext.installBundle("itest:churn", new ByteArrayInputStream(jar));
        bundle.start();
        assertArrayEquals("warm-up call", "hello".getBytes(), umd.call("churn", "hello".getBytes()));

        Tally tally = churn(bundle, "churn", ECHO, jar);

        assertNothingLeft("churn");
        assertFalse("driver forgotten after uninstall: " + umd.driver("churn"), umd.driver("churn").isPresent());
        // The manager still serves its other driver.
        assertNull(Payloads.sampleReplyProblem(umd.call(SAMPLE, Payloads.offset(4096)), 4096));
        LeakProbe after = LeakProbe.assertNoGrowth("echo bundle churn", root(), before, 16);
        System.out.println("[BundleChurnUnderLoadIT] echo: " + tally + "; leak probe before " + before
                + ", after " + after);
    }

    @Test
    public void sampleBundleStoppedUpdatedUninstalledUnderLoad() throws Exception {
        awaitSampleReady();
        LeakProbe before = LeakProbe.take(root());
        Path sampleJar = Paths.get(System.getProperty("itest.bundles"), "sample-loader-bundle.jar");
        byte[] jar = Files.readAllBytes(sampleJar);

        Tally tally = churn(sampleBundle(), SAMPLE, SAMPLE_OFFSETS, jar);

        assertNothingLeft(SAMPLE);
        assertFalse("driver forgotten after uninstall: " + umd.driver(SAMPLE), umd.driver(SAMPLE).isPresent());
        // The manager still works: a fresh driver loads and answers.
        Bundle echo = bundleContext.installBundle("itest:after-churn", new ByteArrayInputStream(
                BundleJar.named("itest.after.churn").driverHeader("afterchurn;handler=bin/echo-handler")
                        .entry("bin/echo-handler", DriverBundles.handler(DriverBundles.ECHO_HANDLER)).build()));
        echo.start();
        assertArrayEquals("ping".getBytes(), umd.call("afterchurn", "ping".getBytes()));
        echo.uninstall();
        assertNothingLeft("afterchurn");
        LeakProbe after = LeakProbe.assertNoGrowth("sample bundle churn", root(), before, 16);
        System.out.println("[BundleChurnUnderLoadIT] sample: " + tally + "; leak probe before " + before
                + ", after " + after);
    }

    /**
     * Runs {@link #THREADS} callers against {@code driver} while this thread stops, starts and
     * updates {@code bundle}, then uninstalls it; checks every outcome.
     */
    private Tally churn(Bundle bundle, String driver, Protocol protocol, byte[] jar) throws Exception {
        Tally tally = new Tally();
        AtomicBoolean stop = new AtomicBoolean();
        uninstalledAt = 0;
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread caller = new Thread(() -> callLoop(driver, protocol, thread, stop, tally), "itest-churn-" + t);
            caller.setDaemon(true);
            callers.add(caller);
        }
        long started = System.nanoTime();
        callers.forEach(Thread::start);

        Random rnd = new Random(7);
        Tally actions = new Tally();
        for (int round = 0; round < CHURN_ROUNDS; round++) {
            Thread.sleep(10 + rnd.nextInt(60));
            String action = switch (round % 3) {
                case 0 -> "stop";
                case 1 -> "start";
                default -> "update";
            };
            bounded(action + " of " + bundle.getSymbolicName(), () -> {
                switch (action) {
                    case "stop" -> bundle.stop();
                    case "start" -> bundle.start();
                    default -> bundle.update(new ByteArrayInputStream(jar));
                }
                return null;
            });
            actions.count(action);
        }
        Thread.sleep(50);
        bounded("uninstall of " + bundle.getSymbolicName(), () -> {
            bundle.uninstall();
            return null;
        });
        uninstalledAt = System.nanoTime();
        actions.count("uninstall");
        Thread.sleep(AFTER_UNINSTALL_MS);
        stop.set(true);

        long deadline = started + RUN_BOUND.toNanos();
        List<String> hung = new ArrayList<>();
        for (Thread caller : callers) {
            caller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (caller.isAlive()) {
                hung.add(caller.getName() + " " + Arrays.toString(caller.getStackTrace()));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[BundleChurnUnderLoadIT] %s: %d calls in %.1f s by %d threads, actions %s, outcomes %s%n",
                driver, tally.total(), seconds, THREADS, actions.snapshot(), tally);
        assertTrue("caller threads still running " + RUN_BOUND.toSeconds() + " s after the start (hang): " + hung,
                hung.isEmpty());
        assertEquals("problems (wrong reply, untyped or unexpected failure, slow call): " + tally, 0,
                tally.problemCount());
        assertTrue("some calls were answered: " + tally, tally.get("ok") > 0);
        assertTrue("calls after the uninstall find no driver: " + tally,
                tally.get("DriverNotLoadedException after uninstall") > 0);
        return tally;
    }

    private void callLoop(String driver, Protocol protocol, int thread, AtomicBoolean stop, Tally tally) {
        Random rnd = new Random(100 + thread);
        for (int seq = 0; !stop.get(); seq++) {
            byte[] request = protocol.request(thread, seq, rnd);
            long t0 = System.nanoTime();
            // A call that begins once uninstall() has returned must find no driver.
            long uninstalled = uninstalledAt;
            boolean afterUninstall = uninstalled != 0 && t0 - uninstalled > 0;
            String phase = afterUninstall ? " after uninstall" : "";
            try {
                byte[] reply = umd.call(driver, request, CALL_TIMEOUT);
                String problem = protocol.problem(request, reply);
                if (problem != null) {
                    tally.problem("thread " + thread + " call " + seq + ": wrong reply: " + problem);
                } else if (afterUninstall) {
                    tally.problem("thread " + thread + " call " + seq + ": answered after the uninstall");
                } else {
                    tally.count("ok");
                }
            } catch (TransportException | DriverNotLoadedException | HandlerStartException e) {
                tally.count(e.getClass().getSimpleName() + phase);
                if (!driver.equals(e.driverName())) {
                    tally.problem("thread " + thread + ": exception names driver '" + e.driverName() + "': " + e);
                }
                if (afterUninstall && !(e instanceof DriverNotLoadedException)) {
                    tally.problem("thread " + thread + " call " + seq + " after the uninstall: " + e);
                }
                pause();
            } catch (UmdException e) {
                tally.count(e.getClass().getSimpleName());
                tally.problem("thread " + thread + " call " + seq + ": unexpected " + e);
            } catch (RuntimeException | Error e) {
                tally.count(e.getClass().getSimpleName());
                tally.problem("thread " + thread + " call " + seq + ": untyped " + e);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (ms >= CALL_TIMEOUT.toMillis()) {
                tally.problem("thread " + thread + " call " + seq + " took " + ms + " ms");
            }
        }
    }

    /** After a failed call: a real client would not spin either, and the machine is shared. */
    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A bundle operation that must not hang, run with {@link Waits#runBounded}. */
    private static void bounded(String what, java.util.concurrent.Callable<Void> action) throws Exception {
        Waits.runBounded(what, action);
    }
}
