package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;

/**
 * Handlers that write more than asked: a second reply to one request (at once, or late, so that
 * it waits in the pipe when the next request comes), and a stderr flood. Every caller must get its
 * own reply and nothing may deadlock.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultOutputIT extends FaultTestSupport {

    private static final int ROUNDS = 50;

    /**
     * 50 rounds of: 'U' (reply plus an immediate second frame), an echo; 'V' (reply, then a second
     * frame 20 ms later, left waiting in the pipe), an echo. Each call must return exactly its own
     * payload, never a "stale:" frame; no call fails; lastError names the violation.
     */
    @Test
    public void aSecondReplyNeverReachesAnotherCaller() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "ftwice";
        // Each violation costs a restart: allow them all, so the policy does not end the test. Unconfined:
        // the handler leaves its markers in its private directory, which a sandboxed handler cannot see.
        Bundle b = startFaultDriver(d, "restart-intensity=1000;restart-period=10000;" + UNCONFINED);
        Path dir = onlyPrivateDir(d);
        Random rnd = new Random(7);
        int caughtAfterReply = 0;
        int caughtBeforeRequest = 0;

        for (int i = 0; i < ROUNDS; i++) {
            String u = "u-" + i + "-" + Long.toHexString(rnd.nextLong());
            assertEquals("round " + i + ": the 'U' caller gets its first frame", u, call(d, 'U', u));
            String e1 = "e1-" + i + "-" + Long.toHexString(rnd.nextLong());
            assertEquals("round " + i + ": the next caller gets its own reply", e1, call(d, 'E', e1));
            // The second frame was waiting when e1 came: found before e1 was sent, handler replaced.
            assertMentions("round " + i + ": lastError after two replies", "nobody asked",
                    info(d).lastError().orElse(null));
            caughtAfterReply++;

            String v = "v-" + i + "-" + Long.toHexString(rnd.nextLong());
            assertEquals("round " + i + ": the 'V' caller gets its first frame", v, call(d, 'V', v));
            OptionalLong servedBy = info(d).pid();
            if (servedBy.isPresent()) {
                // The late frame is in the pipe once the handler has created its marker file.
                Path marker = dir.resolve("stale-written-" + servedBy.getAsLong());
                Waits.waitFor("round " + i + ": late second frame written (" + marker + ")", Waits.SOON,
                        () -> Files.exists(marker) || !HandlerProcesses.alive(servedBy.getAsLong()));
                Files.deleteIfExists(marker);
            }
            String e2 = "e2-" + i + "-" + Long.toHexString(rnd.nextLong());
            assertEquals("round " + i + ": the caller after a late second frame gets its own reply", e2,
                    call(d, 'E', e2));
            String error = info(d).lastError().orElse("");
            if (error.matches("(?is).*(nobody asked|unsolicited).*")) {
                caughtBeforeRequest++;
            }
        }

        DriverInfo end = info(d);
        assertEquals("no call failed: " + end, 0, end.failures());
        assertEquals("every call completed: " + end, 4L * ROUNDS, end.calls());
        assertEquals("state: " + end, DriverState.IDLE, end.state());
        assertTrue("the unsolicited late frames were seen before sending (" + caughtBeforeRequest + " of " + ROUNDS
                + "); lastError: " + end.lastError(), caughtBeforeRequest > 0);
        assertOneHandler(d);

        finish("U/V second reply x" + ROUNDS, b, d, before, "every caller got its own payload; violations caught: "
                + caughtAfterReply + " sent with the reply, " + caughtBeforeRequest
                + " sent 20 ms later, all before the next request; starts "
                + end.starts());
    }

    /** 'S8': 8 MiB of stderr lines before the reply: the reply arrives, nothing deadlocks. */
    @Test
    public void stderrFloodDoesNotBlockTheReply() throws Exception {
        LeakProbe before = LeakProbe.take(root());
        String d = "fflood";
        Bundle b = startFaultDriver(d, "");
        long pid = pid(d);

        long t0 = System.nanoTime();
        byte[] reply = Waits.runBounded("call 'S8' (8 MiB of stderr, then the reply)",
                () -> umd.call(d, req('S', "8"), Duration.ofSeconds(25)));
        long took = System.nanoTime() - t0;
        assertEquals("the reply after the flood", "8", text(reply));
        assertEquals("the same handler still serves: " + info(d), pid, pid(d));
        assertEchoWorks(d, "after the flood");
        // Twice more, to show the pump keeps draining.
        assertEquals("2", text(Waits.runBounded("call 'S2'",
                () -> umd.call(d, req('S', "2"), Duration.ofSeconds(25)))));
        assertEchoWorks(d, "still fine");
        assertEquals("no restart was needed: " + info(d), 1, info(d).starts());
        assertOneHandler(d);

        finish("S 8 MiB stderr", b, d, before, "reply after 8 MiB of stderr in " + ms(took) + ", same handler");
    }

    private Path onlyPrivateDir(String d) {
        List<Path> dirs = HandlerProcesses.privateDirs(root(), d);
        assertEquals("one private directory of " + d + ": " + dirs, 1, dirs.size());
        return dirs.get(0);
    }
}
