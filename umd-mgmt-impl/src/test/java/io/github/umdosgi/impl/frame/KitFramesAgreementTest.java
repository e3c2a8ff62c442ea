package io.github.umdosgi.impl.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.umdosgi.kit.FrameException;
import io.github.umdosgi.kit.Frames;
import io.github.umdosgi.kit.HandlerLog;
import io.github.umdosgi.kit.HandlerLoop;

/**
 * The handler kit's frame codec against the manager's: what one writes the
 * other reads back, and both refuse the bad frames of the fault tests
 * (fault-handler's 'P', 'L' and 'U', cut headers) the same way.
 */
class KitFramesAgreementTest {

    private static final int MAX = 64 << 20;

    private static byte[] frame(int declared, byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(declared).put(payload).array();
    }

    private static byte[] managerReads(InputStream in) throws IOException {
        ByteBuffer b = FrameCodec.read(in, MAX, ReplyTarget.NEW_ARRAY);
        return Arrays.copyOf(b.array(), b.position());
    }

    static Stream<Arguments> goodFrames() {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        return Stream.of(Arguments.of("empty", new byte[0]), Arguments.of("one byte", new byte[] {42}),
                Arguments.of("text", "hello, driver".getBytes(StandardCharsets.UTF_8)), Arguments.of("300 KB", big));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFrames")
    void whatTheKitWritesTheManagerReads(String what, byte[] payload) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Frames.write(wire, payload);
        assertArrayEquals(payload, managerReads(new ByteArrayInputStream(wire.toByteArray())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFrames")
    void whatTheManagerWritesTheKitReads(String what, byte[] payload) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameCodec.write(wire, ByteBuffer.wrap(payload));
        ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());
        assertArrayEquals(payload, Frames.read(in, MAX));
        assertNull(Frames.read(in, MAX), "a clean end of stream after a frame is the end of the requests");
    }

    @Test
    void twoFramesInOneWriteAreTwoFramesForBoth() throws IOException {
        // fault-handler 'U': a reply and a second "stale:" frame in one write.
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(frame(2, "ok".getBytes(StandardCharsets.US_ASCII)));
        wire.write(frame(8, "stale:ok".getBytes(StandardCharsets.US_ASCII)));
        ByteArrayInputStream forManager = new ByteArrayInputStream(wire.toByteArray());
        ByteArrayInputStream forKit = new ByteArrayInputStream(wire.toByteArray());
        for (String expected : new String[] {"ok", "stale:ok"}) {
            assertEquals(expected, new String(managerReads(forManager), StandardCharsets.US_ASCII));
            assertEquals(expected, new String(Frames.read(forKit, MAX), StandardCharsets.US_ASCII));
        }
    }

    static Stream<Arguments> cutFrames() {
        return Stream.of(
                Arguments.of("header cut after 1 byte", new byte[] {0}),
                Arguments.of("header cut after 3 bytes", new byte[] {0, 0, 4}),
                // fault-handler 'P': announces 1024 bytes, writes 512, exits.
                Arguments.of("payload cut at half ('P')", frame(1024, new byte[512])),
                // fault-handler 'L' with a length inside the maximum: a header and no payload.
                Arguments.of("header only ('L' within the maximum)", frame(1000, new byte[0])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cutFrames")
    void aCutFrameIsAnEndOfStreamForBoth(String what, byte[] wire) {
        assertThrows(EOFException.class, () -> managerReads(new ByteArrayInputStream(wire)));
        assertThrows(EOFException.class, () -> Frames.read(new ByteArrayInputStream(wire), MAX));
    }

    @ParameterizedTest(name = "declared {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {-1, 0x7fffffff, MAX + 1})
    void aLengthBeyondTheMaximumIsRefusedByBothBeforeAnyPayload(int declared) {
        // fault-handler 'L': ffffffff (-1 as an int), 7fffffff, and one past the maximum.
        byte[] wire = frame(declared, new byte[0]);
        assertThrows(FrameTooLargeException.class, () -> managerReads(new ByteArrayInputStream(wire)));
        FrameException e = assertThrows(FrameException.class, () -> Frames.read(new ByteArrayInputStream(wire), MAX));
        assertTrue(e.getMessage().contains(Long.toString(declared & 0xFFFFFFFFL)), e.getMessage());
    }

    @Test
    void theLoopRepliesOncePerRequestInOrderAndEndsAtEndOfStdin() throws IOException {
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (String r : new String[] {"a", "", "bcd"}) {
            FrameCodec.write(requests, ByteBuffer.wrap(r.getBytes(StandardCharsets.US_ASCII)));
        }
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = new HandlerLoop(new ByteArrayInputStream(requests.toByteArray()), replies,
                new HandlerLog(new java.io.PrintStream(log, true, StandardCharsets.UTF_8)))
                .run(r -> new String(r, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, status);
        ByteArrayInputStream in = new ByteArrayInputStream(replies.toByteArray());
        for (String expected : new String[] {"A", "", "BCD"}) {
            assertEquals(expected, new String(managerReads(in), StandardCharsets.US_ASCII));
        }
        assertEquals(0, in.available(), "nothing but the replies on stdout");
    }

    @Test
    void aFailingHandlerIsLoggedAndEndsTheLoopWithoutAReply() {
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        requests.writeBytes(frame(1, new byte[] {1}));
        int status = new HandlerLoop(new ByteArrayInputStream(requests.toByteArray()), replies,
                new HandlerLog(new java.io.PrintStream(log, true, StandardCharsets.UTF_8))).run(r -> {
                    throw new IllegalStateException("bad\nrequest");
                });
        assertEquals(HandlerLoop.HANDLER_FAILED, status);
        assertEquals(0, replies.size());
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("ERROR request of 1 bytes failed: java.lang.IllegalStateException: bad request"),
                logged);
    }

    @Test
    void aCutRequestIsAProtocolError() {
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        int status = new HandlerLoop(new ByteArrayInputStream(frame(10, new byte[3])), replies,
                new HandlerLog(new java.io.PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .run(r -> r);
        assertEquals(HandlerLoop.PROTOCOL_ERROR, status);
        assertEquals(0, replies.size());
    }
}
