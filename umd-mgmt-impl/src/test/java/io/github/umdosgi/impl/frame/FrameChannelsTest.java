package io.github.umdosgi.impl.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FrameChannels over real OS pipes ({@link Pipe}), against FrameCodec's encoding. */
class FrameChannelsTest {

    private final Pipe pipe = open();
    private final ByteBuffer head = ByteBuffer.allocate(8192);
    private final ByteBuffer bulk = ByteBuffer.allocateDirect(64 << 10);

    private static Pipe open() {
        try {
            return Pipe.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        pipe.sink().close();
        pipe.source().close();
    }

    private static byte[] readArray(java.nio.channels.ReadableByteChannel in, ByteBuffer head,
            java.util.function.Supplier<ByteBuffer> bulk, int maxSize) throws IOException {
        return FrameChannels.read(in, head, bulk, maxSize, ReplyTarget.NEW_ARRAY).array();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static ByteBuffer buffer(byte[] bytes, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        return b.put(bytes).flip();
    }

    private void send(byte[] wire) throws IOException {
        pipe.sink().write(ByteBuffer.wrap(wire));
    }

    /** Writes on another thread, as a handler would, since frames may exceed the pipe. */
    private CompletableFuture<Void> writeAsync(ByteBuffer... payloads) {
        ByteBuffer writeHead = ByteBuffer.allocate(8192);
        ByteBuffer writeBulk = ByteBuffer.allocateDirect(64 << 10);
        return CompletableFuture.runAsync(() -> {
            try {
                for (ByteBuffer p : payloads) {
                    FrameChannels.write(pipe.sink(), writeHead, () -> writeBulk, p);
                    assertFalse(p.hasRemaining(), "the payload was consumed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0} bytes, direct payload {1}, direct reply {2}")
    @CsvSource({"0,false,false", "1,true,true", "60,false,true", "8188,true,false", "8189,false,false",
        "65532,true,true", "200000,false,false", "200000,true,true", "200000,false,true", "4194304,true,false"})
    void everyKindOfBufferRoundTripsFrameCodecsEncoding(int size, boolean directPayload, boolean directReply)
            throws Exception {
        byte[] payload = randomBytes(size, size);
        CompletableFuture<Void> written = writeAsync(buffer(payload, directPayload), ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer reply = directReply ? ByteBuffer.allocateDirect(size + 10) : ByteBuffer.allocate(size + 10);
        reply.position(3);
        ByteBuffer filled = FrameChannels.read(pipe.source(), head, () -> bulk, size, ReplyTarget.into(reply));
        assertEquals(3 + size, filled.position());
        assertEquals(3, reply.position(), "the caller's buffer itself is left alone");
        byte[] got = new byte[size];
        filled.flip().position(3);
        filled.get(got);
        assertArrayEquals(payload, got);
        written.get(30, TimeUnit.SECONDS);

        // The second frame, byte for byte as FrameCodec encodes it: partly read past the first, or still in the pipe.
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        while (head.hasRemaining()) {
            rest.write(head.get());
        }
        pipe.sink().close();
        rest.write(Channels.newInputStream(pipe.source()).readAllBytes());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        FrameCodec.write(expected, ByteBuffer.wrap(new byte[] {42}));
        assertArrayEquals(expected.toByteArray(), rest.toByteArray());
    }

    @Test
    void aFreshArrayHoldsExactlyTheReply() throws Exception {
        byte[] payload = randomBytes(300_000, 7);
        CompletableFuture<Void> written = writeAsync(ByteBuffer.wrap(payload));
        assertArrayEquals(payload, readArray(pipe.source(), head, () -> bulk, 1 << 20));
        written.get(30, TimeUnit.SECONDS);
    }

    @Test
    void smallFramesNeverAskForTheBulkBuffer() throws IOException {
        java.util.function.Supplier<ByteBuffer> none = () -> {
            throw new AssertionError("a small frame asked for the bulk buffer");
        };
        FrameChannels.write(pipe.sink(), ByteBuffer.allocate(8192), none, ByteBuffer.wrap(new byte[8000]));
        assertEquals(8000, readArray(pipe.source(), head, none, 1 << 20).length);
        ByteBuffer direct = ByteBuffer.allocateDirect(100_000);
        CompletableFuture<Void> written = writeAsync(ByteBuffer.allocateDirect(100_000));
        FrameChannels.read(pipe.source(), head, none, 1 << 20, ReplyTarget.into(direct));
        assertEquals(0, direct.position(), "filled through a duplicate; the caller's buffer is left alone");
        CompletableFuture.allOf(written).join();
    }

    @Test
    void bytesReadPastTheFrameStayInTheHead() throws IOException {
        send(new byte[] {0, 0, 0, 2, 7, 8, 0, 0, 0, 1, 9});
        assertArrayEquals(new byte[] {7, 8}, readArray(pipe.source(), head, () -> bulk, 100));
        assertEquals(5, head.remaining(), "the unsolicited second frame is reported");
    }

    @Test
    void aFrameReadToItsEndLeavesNothing() throws IOException {
        send(new byte[] {0, 0, 0, 3, 1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, readArray(pipe.source(), head, () -> bulk, 100));
        assertFalse(head.hasRemaining());
    }

    @Test
    void aReplyTooLargeForTheCallersBufferIsDroppedAndTheStreamStaysInStep() throws Exception {
        byte[] big = randomBytes(100_000, 3);
        CompletableFuture<Void> written = writeAsync(ByteBuffer.wrap(big), ByteBuffer.wrap(new byte[] {5, 6}));
        ByteBuffer small = ByteBuffer.allocateDirect(1000);
        ReplyDiscardedException e = assertThrows(ReplyDiscardedException.class,
                () -> FrameChannels.read(pipe.source(), head, () -> bulk, 1 << 20, ReplyTarget.into(small)));
        assertEquals(100_000, e.length());
        assertEquals(0, small.position());
        ByteBuffer next = FrameChannels.read(pipe.source(), head, () -> bulk, 1 << 20, ReplyTarget.into(small));
        assertSame(2, next.position());
        assertEquals(5, small.get(0));
        assertEquals(6, small.get(1));
        written.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aForgedLengthIsRefusedBeforeTheTargetIsAsked() throws IOException {
        send(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> FrameChannels.read(pipe.source(), head, () -> bulk, 1 << 20, length -> {
                    throw new AssertionError("asked for " + length + " bytes");
                }));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void aForgedLengthCostsNoMoreThanTheBytesThatCame() throws IOException {
        // The pipe holds a header declaring 2 GiB and 10 bytes; the handler then exits.
        send(FrameCodecTest.forged(FrameCodecTest.FORGED, 10));
        pipe.sink().close();
        long allocated = FrameCodecTest.allocatedBy(() -> {
            EOFException e = assertThrows(EOFException.class,
                    () -> readArray(pipe.source(), head, () -> bulk, FrameCodecTest.FORGED));
            assertTrue(e.getMessage().contains("after 10 bytes"), e.getMessage());
        });
        System.out.println("[FrameChannelsTest] forged 2 GiB length, 10 bytes, then EOF: " + allocated
                + " bytes allocated");
        assertTrue(allocated < 1 << 20, allocated + " bytes allocated for 10 bytes of payload");
    }

    @Test
    void aForgedLengthWithDataTricklingInGrowsOnlyWithTheData() throws Exception {
        // 1 MiB arrives in pieces, then the handler stops: the array held is at most twice that.
        int sent = 1 << 20;
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                send(FrameCodecTest.forged(FrameCodecTest.FORGED, sent));
                pipe.sink().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        long allocated = FrameCodecTest.allocatedBy(() -> assertThrows(EOFException.class,
                () -> readArray(pipe.source(), head, () -> bulk, FrameCodecTest.FORGED)));
        written.get(30, TimeUnit.SECONDS);
        assertTrue(allocated < 5L * sent, allocated + " bytes allocated for " + sent + " bytes of payload");
    }

    @Test
    void largeFramesOfEveryShapeGrowToExactlyTheirLength() throws Exception {
        for (int size : new int[] {GrowingArray.FIRST, GrowingArray.FIRST + 1, GrowingArray.FIRST * 2,
            GrowingArray.FIRST * 7 + 3, 16 << 20}) {
            byte[] payload = randomBytes(size, size);
            CompletableFuture<Void> written = writeAsync(ByteBuffer.wrap(payload));
            byte[] got = readArray(pipe.source(), head, () -> bulk, 64 << 20);
            assertEquals(size, got.length);
            assertArrayEquals(payload, got, size + " bytes");
            written.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void runningOutOfMemoryWhileGrowingIsAnIOExceptionNotAnError() throws Exception {
        ReplyTarget stingy = new GrowingArray(n -> {
            if (n > GrowingArray.FIRST) {
                throw new OutOfMemoryError("Java heap space");
            }
            return new byte[n];
        });
        CompletableFuture<Void> written = writeAsync(ByteBuffer.wrap(new byte[GrowingArray.FIRST * 3]));
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> FrameChannels.read(pipe.source(), head, () -> bulk, 1 << 20, stingy));
        assertTrue(e.getMessage().contains("no memory for a buffer of " + 2 * GrowingArray.FIRST), e.getMessage());
        pipe.source().close();
        written.handle((ok, failed) -> null).get(30, TimeUnit.SECONDS);
    }

    @Test
    void endOfStreamBeforeAndInsideAFrameAreTyped() throws IOException {
        pipe.sink().close();
        EOFException before = assertThrows(EOFException.class,
                () -> readArray(pipe.source(), head, () -> bulk, 10));
        assertEquals("end of stream before a reply", before.getMessage());

        for (byte[] wire : new byte[][] {{0, 0, 0, 9, 1, 2}, {0, 0}, {0, 1, 0, 0, 1, 2, 3}}) {
            Pipe other = Pipe.open();
            other.sink().write(ByteBuffer.wrap(wire));
            other.sink().close();
            EOFException inside = assertThrows(EOFException.class,
                    () -> FrameChannels.read(other.source(), head, () -> bulk, 1 << 20, ReplyTarget.into(
                            ByteBuffer.allocateDirect(1 << 17))));
            String where = wire.length == 2 ? "frame header after 2 bytes" : "after " + (wire.length - 4) + " bytes";
            assertTrue(inside.getMessage().contains(where), inside.getMessage());
            other.source().close();
        }
    }

    @Test
    void aTooSmallHeadIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> readArray(pipe.source(), ByteBuffer.allocate(8), () -> bulk, 10));
        assertThrows(IllegalArgumentException.class,
                () -> FrameChannels.write(pipe.sink(), ByteBuffer.allocate(8), () -> bulk, ByteBuffer.allocate(1)));
    }
}
