package io.github.umdosgi.impl.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {

    /** The largest length a header can declare that a max-message of 2147483647 admits: 2 GiB less one. */
    static final int FORGED = Integer.MAX_VALUE;

    /** Bytes the calling thread allocated while running {@code body}. */
    static long allocatedBy(org.junit.jupiter.api.function.Executable body) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            body.execute();
        } catch (Throwable t) {
            throw new AssertionError("the measured body failed", t);
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** A header declaring {@code length}, then {@code sent} payload bytes. */
    static byte[] forged(int length, int sent) {
        byte[] wire = new byte[4 + sent];
        java.nio.ByteBuffer.wrap(wire).putInt(length);
        Arrays.fill(wire, 4, wire.length, (byte) 'x');
        return wire;
    }

    /** The byte[] form, through the buffer API the manager uses. */
    private static void write(java.io.OutputStream out, byte[] payload) throws IOException {
        FrameCodec.write(out, java.nio.ByteBuffer.wrap(payload));
    }

    private static byte[] read(InputStream in, int maxSize) throws IOException {
        return FrameCodec.read(in, maxSize, ReplyTarget.NEW_ARRAY).array();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] encode(byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, payload);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, 1 << 20})
    void roundTripThroughByteArrayStreams(int size) throws IOException {
        byte[] payload = randomBytes(size, size);
        byte[] wire = encode(payload);
        assertEquals(FrameCodec.HEADER_SIZE + size, wire.length);

        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        assertArrayEquals(payload, read(in, size));
        assertEquals(-1, in.read(), "read must consume exactly one frame");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, 1 << 20})
    void roundTripThroughPipedStreams(int size) throws Exception {
        byte[] payload = randomBytes(size, 31L * size);
        // A pipe buffer much smaller than the frame forces many partial reads.
        PipedInputStream in = new PipedInputStream(1024);
        PipedOutputStream out = new PipedOutputStream(in);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> written = writer.submit(() -> {
                write(out, payload);
                write(out, new byte[] {42});
                out.close();
                return null;
            });
            assertArrayEquals(payload, read(in, 1 << 20));
            assertArrayEquals(new byte[] {42}, read(in, 1 << 20));
            written.get(10, TimeUnit.SECONDS);
            assertEquals(-1, in.read());
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void severalFramesBackToBackStayApart() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[][] payloads = {{}, {1}, randomBytes(300, 1), {}, randomBytes(70_000, 2)};
        for (byte[] p : payloads) {
            write(out, p);
        }
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        for (byte[] p : payloads) {
            assertArrayEquals(p, read(in, 100_000));
        }
        assertThrows(EOFException.class, () -> read(in, 100_000));
    }

    @Test
    void headerIsFourBytesBigEndian() throws IOException {
        byte[] wire = encode(new byte[0x020304]); // 131844 bytes
        assertArrayEquals(new byte[] {0x00, 0x02, 0x03, 0x04}, Arrays.copyOf(wire, 4));

        assertArrayEquals(new byte[] {0, 0, 0, 0}, encode(new byte[0]));
        assertArrayEquals(new byte[] {0, 0, 0, 1, 7}, encode(new byte[] {7}));
        assertArrayEquals(new byte[] {0, 0, 1, 0}, Arrays.copyOf(encode(new byte[256]), 4));
        assertArrayEquals(new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF}, Arrays.copyOf(encode(new byte[65535]), 4));
        assertArrayEquals(new byte[] {0, 0x10, 0, 0}, Arrays.copyOf(encode(new byte[1 << 20]), 4));
    }

    @Test
    void readInterpretsHeaderAsBigEndian() throws IOException {
        // 0x00000102 = 258, not 0x02010000 (little endian)
        byte[] wire = new byte[4 + 258];
        wire[2] = 1;
        wire[3] = 2;
        wire[4] = 99;
        byte[] payload = read(new ByteArrayInputStream(wire), 258);
        assertEquals(258, payload.length);
        assertEquals(99, payload[0]);
    }

    @Test
    void payloadOfExactlyMaxSizeIsAccepted() throws IOException {
        byte[] payload = randomBytes(1024, 5);
        assertArrayEquals(payload, read(new ByteArrayInputStream(encode(payload)), 1024));
    }

    @Test
    void payloadOneOverMaxSizeIsRefused() throws IOException {
        byte[] wire = encode(new byte[1025]);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> read(new ByteArrayInputStream(wire), 1024));
        assertTrue(e.getMessage().contains("1025"), e.getMessage());
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
    }

    @Test
    void hugeDeclaredLengthIsRefusedBeforeAllocation() {
        // 0xFFFFFFFF read as a signed int would be -1 (NegativeArraySize) and as a
        // length to allocate 4 GiB (OutOfMemoryError); neither may happen.
        byte[] wire = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> read(new ByteArrayInputStream(wire), 1024));
        assertTrue(e.getMessage().contains("4294967295"), "declared length as unsigned: " + e.getMessage());

        byte[] signBit = {(byte) 0x80, 0, 0, 0};
        assertThrows(FrameTooLargeException.class,
                () -> read(new ByteArrayInputStream(signBit), Integer.MAX_VALUE));
    }

    @Test
    void hugeDeclaredLengthDoesNotConsumePayload() throws IOException {
        // The check comes right after the header: nothing beyond it is read.
        byte[] wire = {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3};
        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        assertThrows(FrameTooLargeException.class, () -> read(in, 1024));
        assertEquals(3, in.available());
    }

    @Test
    void aForgedLengthCostsNoMoreThanTheBytesThatCame() {
        // A handler declares 2 GiB and sends 10 bytes: the array grows as data arrives, so the
        // caller holds at most the first chunk when the stream ends (or its call times out).
        byte[] wire = forged(FORGED, 10);
        org.junit.jupiter.api.function.Executable call = () -> {
            EOFException e = assertThrows(EOFException.class, () -> read(new ByteArrayInputStream(wire), FORGED));
            assertTrue(e.getMessage().contains("after 10 bytes"), e.getMessage());
        };
        // The first run also pays for loading classes (the exception's, the assertion's).
        allocatedBy(call);
        long allocated = allocatedBy(call);
        System.out.println("[FrameCodecTest] forged 2 GiB length, 10 bytes, then EOF: " + allocated + " bytes allocated");
        assertTrue(allocated < 1 << 20, allocated + " bytes allocated for 10 bytes of payload");
    }

    @Test
    void aForgedLengthIntoTheCallersBufferAllocatesNothingLarge() {
        byte[] wire = forged(FORGED, 10);
        long allocated = allocatedBy(() -> assertThrows(EOFException.class, () -> FrameCodec.read(
                new ByteArrayInputStream(wire), FORGED, ReplyTarget.into(java.nio.ByteBuffer.allocate(100)))));
        assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
    }

    @Test
    void aLargeFrameGrowsToExactlyItsLength() throws IOException {
        // Not a power of two times the first chunk: the last step must stop at the length.
        int size = GrowingArray.FIRST * 5 + 12_345;
        byte[] payload = randomBytes(size, 11);
        byte[] got = read(new ByteArrayInputStream(encode(payload)), 1 << 24);
        assertEquals(size, got.length);
        assertArrayEquals(payload, got);
    }

    @Test
    void runningOutOfMemoryWhileGrowingIsAnIOExceptionNotAnError() throws IOException {
        // The JVM's own OutOfMemoryError needs a heap this test does not have; the allocator stands in.
        ReplyTarget stingy = new GrowingArray(n -> {
            if (n > GrowingArray.FIRST) {
                throw new OutOfMemoryError("Java heap space");
            }
            return new byte[n];
        });
        byte[] wire = encode(randomBytes(GrowingArray.FIRST + 1, 12));
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> FrameCodec.read(new ByteArrayInputStream(wire), 1 << 20, stingy));
        assertTrue(e.getMessage().contains(Integer.toString(GrowingArray.FIRST + 1)), e.getMessage());
        assertTrue(e.getCause() instanceof OutOfMemoryError, String.valueOf(e.getCause()));
    }

    @Test
    void emptyStreamIsEofBeforeReply() {
        EOFException e = assertThrows(EOFException.class,
                () -> read(new ByteArrayInputStream(new byte[0]), 1024));
        assertTrue(e.getMessage().contains("before a reply"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsEofSayingWhere() {
        EOFException e = assertThrows(EOFException.class,
                () -> read(new ByteArrayInputStream(new byte[] {0, 0}), 1024));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        assertTrue(e.getMessage().contains("after 2 bytes"), e.getMessage());
    }

    @Test
    void truncatedPayloadIsEofSayingWhere() throws IOException {
        byte[] wire = Arrays.copyOf(encode(randomBytes(100, 3)), 4 + 37);
        EOFException e = assertThrows(EOFException.class,
                () -> read(new ByteArrayInputStream(wire), 1024));
        assertTrue(e.getMessage().contains("payload"), e.getMessage());
        assertTrue(e.getMessage().contains("100 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("after 37 bytes"), e.getMessage());
    }

    @Test
    void writeFlushes() throws Exception {
        // Through a BufferedOutputStream nothing would reach the pipe without a flush.
        PipedInputStream in = new PipedInputStream(1 << 16);
        java.io.BufferedOutputStream out = new java.io.BufferedOutputStream(new PipedOutputStream(in), 1 << 16);
        write(out, new byte[] {1, 2, 3});
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return read(in, 10);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertArrayEquals(new byte[] {1, 2, 3}, read.get(5, TimeUnit.SECONDS));
    }

    @Test
    void fuzzedInputOnlyEverThrowsEofOrTooLarge() {
        Random random = new Random(0x5EEDL);
        int frames = 0;
        int eofs = 0;
        int tooLarge = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(40)];
            random.nextBytes(junk);
            // Bias some headers towards small lengths so that whole frames occur too.
            if (junk.length >= 4 && random.nextBoolean()) {
                junk[0] = 0;
                junk[1] = 0;
                junk[2] = 0;
            }
            InputStream in = new ByteArrayInputStream(junk);
            try {
                while (true) {
                    byte[] payload = read(in, 64);
                    assertTrue(payload.length <= 64);
                    frames++;
                }
            } catch (FrameTooLargeException e) {
                tooLarge++;
            } catch (EOFException e) {
                eofs++;
            } catch (Throwable t) {
                fail("input " + Arrays.toString(junk) + " raised " + t, t);
            }
        }
        assertEquals(10_000, eofs + tooLarge);
        assertTrue(frames > 0 && eofs > 0 && tooLarge > 0,
                "fuzz must reach every outcome: frames=" + frames + " eof=" + eofs + " tooLarge=" + tooLarge);
    }

    @Test
    void byteBuffersOfEitherKindRoundTripAndADroppedReplyKeepsTheStreamInStep() throws IOException {
        byte[] payload = randomBytes(20_000, 5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(payload.length).put(payload).flip();
        FrameCodec.write(out, direct);
        assertEquals(0, direct.remaining(), "the payload was consumed");
        FrameCodec.write(out, java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}, 1, 2));
        FrameCodec.write(out, java.nio.ByteBuffer.wrap(payload));
        assertArrayEquals(encode(payload), Arrays.copyOf(out.toByteArray(), payload.length + 4));

        InputStream in = new ByteArrayInputStream(out.toByteArray());
        java.nio.ByteBuffer into = java.nio.ByteBuffer.allocateDirect(payload.length + 1).position(1);
        java.nio.ByteBuffer filled = FrameCodec.read(in, 1 << 20, ReplyTarget.into(into));
        assertEquals(payload.length + 1, filled.position());
        byte[] got = new byte[payload.length];
        filled.flip().position(1);
        filled.get(got);
        assertArrayEquals(payload, got);

        java.nio.ByteBuffer tooSmall = java.nio.ByteBuffer.allocate(1);
        ReplyDiscardedException dropped = assertThrows(ReplyDiscardedException.class,
                () -> FrameCodec.read(in, 1 << 20, ReplyTarget.into(tooSmall)));
        assertEquals(2, dropped.length());
        assertArrayEquals(payload, read(in, 1 << 20), "the next frame is intact");
    }
}
