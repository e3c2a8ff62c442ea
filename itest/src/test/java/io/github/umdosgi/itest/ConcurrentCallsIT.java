package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Many callers at once: every reply must be the reply to the caller's own request, never another
 * caller's (one request frame out, one reply frame in, serialised per handler instance).
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConcurrentCallsIT extends UmdTestSupport {

    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 200;
    private static final int MAX_EXTRA = 64 * 1024 - 8;

    @Test
    public void oneInstance() throws Exception {
        runAgainst("echo1", 1);
    }

    @Test
    public void fourInstances() throws Exception {
        runAgainst("echo4", 4);
    }

    private void runAgainst(String driver, int instances) throws Exception {
        byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
        Bundle b = install("itest:" + driver, BundleJar.named("itest." + driver)
                .driverHeader(driver + ";handler=bin/echo-handler;instances=" + instances)
                .entry("bin/echo-handler", handler), driver);
        b.start();
        DriverInfo before = info(driver);
        assertEquals("loaded: " + before, DriverState.IDLE, before.state());
        assertEquals("instances: " + before, instances, before.instances().size());

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(caller(driver, t)));
            }
            for (int t = 0; t < THREADS; t++) {
                String problem = results.get(t).get(2, TimeUnit.MINUTES);
                assertEquals("thread " + t, "", problem);
            }
        } finally {
            pool.shutdownNow();
        }

        DriverInfo after = info(driver);
        assertEquals("calls counted: " + after, before.calls() + (long) THREADS * CALLS_PER_THREAD, after.calls());
        assertEquals("no failures: " + after, before.failures(), after.failures());
        // Instances without a process at load time may start on first use; none may restart.
        long notYetStarted = before.instances().stream().filter(i -> i.pid().isEmpty()).count();
        assertTrue("no handler restarts: before " + before + ", after " + after,
                after.starts() <= before.starts() + notYetStarted);
        assertTrue("back to IDLE: " + after, after.state() == DriverState.IDLE);
    }

    /** One caller; returns "" when every reply matched, else the first mismatch. */
    private Callable<String> caller(String driver, int thread) {
        return () -> {
            Random rnd = new Random(1000L + thread);
            for (int seq = 0; seq < CALLS_PER_THREAD; seq++) {
                // Varying sizes, some tiny, some above a pipe buffer.
                int extra = seq % 10 == 0 ? 0 : rnd.nextInt(MAX_EXTRA + 1);
                byte[] request = Payloads.tagged(thread, seq, rnd, extra);
                byte[] reply = umd.call(driver, request);
                if (!Arrays.equals(request, reply)) {
                    return "call " + seq + ": sent " + request.length + " bytes, got " + reply.length
                            + " bytes that differ" + (reply.length >= 8
                                ? " (reply tagged thread " + java.nio.ByteBuffer.wrap(reply).getInt(0)
                                        + " seq " + java.nio.ByteBuffer.wrap(reply).getInt(4) + ")"
                                : "");
                }
            }
            return "";
        };
    }
}
