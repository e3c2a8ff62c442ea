package io.github.umdosgi.samplehandler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class EchoHandlerTest {

    private static byte[] randomPayload(int size, long seed) {
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        return payload;
    }

    /**
     * Writes from another thread: a payload larger than the pipes would block
     * the writer while the handler blocks writing its reply nobody reads.
     */
    private static byte[] roundTrip(HandlerProcess h, byte[] payload) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                h.writeFrame(payload);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] reply = h.readFrame();
        writer.get(10, TimeUnit.SECONDS);
        return reply;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 1 << 20, 16 << 20})
    void roundTripsPayload(int size) throws Exception {
        try (HandlerProcess h = HandlerProcess.start("echo-handler")) {
            byte[] payload = randomPayload(size, size);
            byte[] reply = roundTrip(h, payload);
            assertEquals(size, reply.length, "reply length");
            assertArrayEquals(payload, reply);
            assertEquals(0, h.closeInputAndWait());
            assertTrue(h.stdoutAtEof(), "nothing but replies on stdout");
        }
    }

    @Test
    void shrinkingAndGrowingPayloadsOnOneProcess() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("echo-handler")) {
            int[] sizes = {5, 70_000, 0, 3 << 20, 1, 64 << 20, 12};
            for (int i = 0; i < sizes.length; i++) {
                byte[] payload = randomPayload(sizes[i], i);
                assertArrayEquals(payload, roundTrip(h, payload), "payload #" + i + " of " + sizes[i] + " bytes");
            }
            assertEquals(0, h.closeInputAndWait());
        }
    }

    @Test
    void rejectsRequestOver256MebibytesWithStatusTwo() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("echo-handler")) {
            int len = (256 << 20) + 1;
            h.writeRaw(new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
            assertEquals(2, h.waitForExit());
            assertTrue(h.stdoutAtEof(), "no reply to a rejected request");
        }
    }

    @Test
    void exitsOneOnEofInsideAPayload() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("echo-handler")) {
            h.writeRaw(new byte[] {0, 0, 0, 10, 1, 2, 3});
            assertEquals(1, h.closeInputAndWait());
        }
    }

    @Test
    void refusesAManagerThatSpeaksAnotherProtocolAndServesTheOneItWasWrittenFor() throws Exception {
        for (String handler : new String[] {"echo-handler", "sample-handler"}) {
            try (HandlerProcess h = HandlerProcess.start(handler, java.util.Map.of("UMD_PROTOCOL", "2"))) {
                assertEquals(3, h.waitForExit(), handler + " exits with status 3");
            }
        }
        try (HandlerProcess h = HandlerProcess.start("echo-handler", java.util.Map.of("UMD_PROTOCOL", "1"))) {
            h.writeFrame(new byte[] {5});
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {5}, h.readFrame());
            assertEquals(0, h.closeInputAndWait());
        }
    }

    @Test
    void exitsZeroOnEofWithoutRequests() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("echo-handler")) {
            assertEquals(0, h.closeInputAndWait());
        }
    }
}
