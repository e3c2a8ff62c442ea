package io.github.umdosgi.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.testkit.BundleJar;

/**
 * The {@code ByteBuffer} form of {@code UmdManager.call}, through the real manager, its launch shim
 * and the descriptors it opens on the handler's pipes: every size class of the framing code, heap
 * and direct buffers both ways, the position contract, a reply larger than the caller's buffer, and
 * bad arguments.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BufferCallIT extends UmdTestSupport {

    private static final int MAX = 16 * 1024 * 1024;
    private static final String DRIVER = "bufecho";

    private long pid;

    @Before
    public void loadEcho() throws Exception {
        if (umd.driver(DRIVER).isEmpty()) {
            byte[] handler = DriverBundles.handler(DriverBundles.ECHO_HANDLER);
            Bundle b = install("itest:bufecho", BundleJar.named("itest.bufecho")
                    .driverHeader(DRIVER + ";handler=bin/echo-handler;instances=2;max-message=" + MAX)
                    .entry("bin/echo-handler", handler), DRIVER);
            b.start();
        }
        umd.call(DRIVER, new byte[] {0});
        pid = info(DRIVER).pid().getAsLong();
    }

    private static ByteBuffer filled(byte[] bytes, boolean direct, int before, int after) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(before + bytes.length + after)
                : ByteBuffer.allocate(before + bytes.length + after);
        b.position(before).put(bytes).flip().position(before);
        return b;
    }

    @Test
    public void everySizeAndBufferKindRoundTripsWithThePositionContract() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        Random rnd = new Random(11);
        int[] sizes = {0, 1, 60, 8188, 8189, 65532, 65533, 200_000, 1 << 20, MAX};
        for (int size : sizes) {
            for (int kind = 0; kind < 4; kind++) {
                boolean directRequest = (kind & 1) != 0;
                boolean directReply = (kind & 2) != 0;
                String what = size + " bytes, direct request " + directRequest + ", direct reply " + directReply;
                byte[] payload = Payloads.random(rnd, size);
                ByteBuffer request = filled(payload, directRequest, 5, 0);
                request.limit(5 + size);
                ByteBuffer reply = directReply ? ByteBuffer.allocateDirect(size + 20) : ByteBuffer.allocate(size + 20);
                reply.position(7).limit(size + 17);

                int n = umd.call(DRIVER, request, reply);

                assertEquals(what + ": length", size, n);
                assertEquals(what + ": request consumed", request.limit(), request.position());
                assertEquals(what + ": reply position advanced", 7 + size, reply.position());
                assertEquals(what + ": reply limit kept", size + 17, reply.limit());
                byte[] got = new byte[size];
                reply.duplicate().position(7).get(got);
                assertArrayEquals(what, payload, got);
                if (size > 1 << 20) {
                    break; // 16 MiB once is enough
                }
            }
        }
        assertEquals("no handler was replaced", pid, info(DRIVER).pid().getAsLong());
        LeakProbe.assertNoGrowth("buffer calls", root(), before, 8);
    }

    @Test
    public void aReplyLargerThanTheBufferIsDroppedAndTheHandlerStays() throws Exception {
        ByteBuffer request = ByteBuffer.wrap(Payloads.random(new Random(3), 100_000));
        ByteBuffer reply = ByteBuffer.allocateDirect(99_999);
        MessageTooLargeException e = Waits.expectThrows(MessageTooLargeException.class, "reply too large",
                () -> umd.call(DRIVER, request, reply));
        assertTrue(e.getMessage(), e.getMessage().contains("reply of 100000 bytes does not fit"));
        assertEquals("request untouched on failure", 0, request.position());
        assertEquals("reply untouched on failure", 0, reply.position());
        assertEquals("the handler kept its contract and was kept", pid, info(DRIVER).pid().getAsLong());

        ByteBuffer small = ByteBuffer.allocate(16);
        assertEquals(2, umd.call(DRIVER, ByteBuffer.wrap(new byte[] {8, 9}), small));
        assertEquals("the stream is still in step", 9, small.get(1));
    }

    @Test
    public void aTooLargeRequestIsRefusedBeforeSending() throws Exception {
        ByteBuffer request = ByteBuffer.allocateDirect(MAX + 1);
        Waits.expectThrows(MessageTooLargeException.class, "request of max + 1",
                () -> umd.call(DRIVER, request, ByteBuffer.allocate(1)));
        assertEquals(0, request.position());
        assertEquals(pid, info(DRIVER).pid().getAsLong());
    }

    @Test
    public void badArgumentsAreRefusedWithTheirNames() throws Exception {
        ByteBuffer ok = ByteBuffer.allocate(4);
        NullPointerException noRequest = Waits.expectThrows(NullPointerException.class, "null request",
                () -> umd.call(DRIVER, null, ok));
        assertEquals("request", noRequest.getMessage());
        NullPointerException noReply = Waits.expectThrows(NullPointerException.class, "null reply",
                () -> umd.call(DRIVER, ok, null));
        assertEquals("reply", noReply.getMessage());
        IllegalArgumentException readOnly = Waits.expectThrows(IllegalArgumentException.class, "read-only reply",
                () -> umd.call(DRIVER, ok, ByteBuffer.allocate(4).asReadOnlyBuffer()));
        assertTrue(readOnly.getMessage(), readOnly.getMessage().contains("read-only"));
        Waits.expectThrows(IllegalArgumentException.class, "zero timeout",
                () -> umd.call(DRIVER, ok, ByteBuffer.allocate(4), Duration.ZERO));
        assertEquals("a null timeout means the driver's own", 1,
                umd.call(DRIVER, ByteBuffer.wrap(new byte[] {1}), ByteBuffer.allocate(4), null));
    }

    @Test
    public void anInterruptedCallerIsRefusedAndTheHandlerIsNotHarmed() throws Exception {
        // On this thread: the refusal must not depend on anything blocking.
        Thread.currentThread().interrupt();
        try {
            umd.call(DRIVER, ByteBuffer.allocateDirect(200_000), ByteBuffer.allocateDirect(200_000));
            throw new AssertionError("a call on an interrupted thread went through");
        } catch (TransportException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("interrupted; nothing was sent"));
            assertTrue("the interrupt is kept for the caller", Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(pid, info(DRIVER).pid().getAsLong());
        assertEquals(3, umd.call(DRIVER, ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.allocate(3)));
    }

    @Test
    public void concurrentCallersWithDirectBuffersEachGetTheirOwnReply() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    Random rnd = new Random(thread);
                    ByteBuffer request = ByteBuffer.allocateDirect(300_000);
                    ByteBuffer reply = ByteBuffer.allocateDirect(300_000);
                    for (int i = 0; i < 150; i++) {
                        byte[] payload = Payloads.tagged(thread, i, rnd, rnd.nextInt(i % 10 == 0 ? 250_000 : 2_000));
                        request.clear().put(payload).flip();
                        reply.clear();
                        int n = umd.call(DRIVER, request, reply);
                        byte[] got = new byte[n];
                        reply.flip().get(got);
                        assertArrayEquals("thread " + thread + " call " + i, payload, got);
                    }
                    return thread;
                }));
            }
            for (Future<Integer> f : results) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
