package io.github.umdosgi.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;

/**
 * The kernel's UMD selftest, ported: 500 requests with random offsets to the sample driver, the
 * loader unloaded every 50 iterations so that the next request must load it again through the
 * lazy-load path (the kernel's {@code request_module}) and restart the handler.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SelftestIT extends UmdTestSupport {

    private static final int ITERATIONS = 500;
    private static final int UNLOAD_EVERY = 50;

    @Before
    public void sampleLoaded() {
        awaitSampleReady();
    }

    @Test
    public void fiveHundredRequestsWithPeriodicUnload() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Bundle loader = sampleBundle();
        long lastPid = info(SAMPLE).pid().getAsLong();
        int reloads = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            boolean unloaded = false;
            if (i > 0 && i % UNLOAD_EVERY == 0) {
                loader.stop();
                DriverInfo stopped = info(SAMPLE);
                assertEquals("iteration " + i + ": state after stopping the loader; " + stopped,
                        DriverState.NOT_LOADED, stopped.state());
                assertFalse("iteration " + i + ": no pid after unload; " + stopped, stopped.pid().isPresent());
                unloaded = true;
            }
            int offset = rnd.nextInt(128) * 1024;
            byte[] reply = umd.call(SAMPLE, Payloads.offset(offset));
            String problem = Payloads.sampleReplyProblem(reply, offset);
            assertNull("iteration " + i + " (seed " + seed + "): " + problem, problem);
            if (unloaded) {
                // The call itself must have brought the loader back (lazy load) with a new handler.
                assertEquals("iteration " + i + ": loader bundle state after the lazy load",
                        Bundle.ACTIVE, loader.getState());
                DriverInfo back = info(SAMPLE);
                assertTrue("iteration " + i + ": handler pid after the lazy load; " + back, back.pid().isPresent());
                assertNotEquals("iteration " + i + ": the reloaded driver runs a new handler",
                        lastPid, back.pid().getAsLong());
                lastPid = back.pid().getAsLong();
                reloads++;
            }
        }
        assertEquals("lazy reloads", (ITERATIONS - 1) / UNLOAD_EVERY, reloads);
    }

    @Test
    public void offsetOutOfRangeIsInvalidArgument() throws Exception {
        long pid = info(SAMPLE).pid().getAsLong();
        byte[] reply = umd.call(SAMPLE, Payloads.offset(Payloads.SAMPLE_REPLY_SIZE));
        assertNotEquals("an invalid offset must not get a full data reply",
                Payloads.SAMPLE_REPLY_SIZE, reply.length);
        String text = new String(reply, StandardCharsets.US_ASCII);
        assertTrue("reply should start with EINVAL but was: " + text, text.startsWith("EINVAL"));

        // An error reply is a normal reply: same handler, and it still serves valid requests.
        byte[] ok = umd.call(SAMPLE, Payloads.offset(0));
        assertNull(Payloads.sampleReplyProblem(ok, 0));
        assertEquals("handler pid after an EINVAL reply", pid, info(SAMPLE).pid().getAsLong());
    }
}
