package io.github.umdosgi.impl.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FrameChannels over real OS pipes ({@link Pipe}), against FrameCodec's encoding. */
class FrameChannelsTest {

    private final Pipe pipe = open();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10);

    private static Pipe open() {
        try {
            return Pipe.open();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        pipe.sink().close();
        pipe.source().close();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private void send(byte[] wire) throws IOException {
        pipe.sink().write(ByteBuffer.wrap(wire));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 60, 65532, 65533, 200_000, 1 << 22})
    void writesExactlyFrameCodecsBytesAndReadsThemBack(int size) throws Exception {
        byte[] payload = randomBytes(size, size);
        ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 << 10);
        // Larger than the pipe: the writer blocks until the reader drains, as with a handler.
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                FrameChannels.write(pipe.sink(), writeBuffer, payload);
                FrameChannels.write(pipe.sink(), writeBuffer, new byte[] {42});
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertArrayEquals(payload, FrameChannels.read(pipe.source(), buffer, size));
        written.get(30, TimeUnit.SECONDS);
        // The second frame was either left unread or read past the first one: both visible.
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        while (buffer.hasRemaining()) {
            rest.write(buffer.get());
        }
        pipe.sink().close();
        rest.write(Channels.newInputStream(pipe.source()).readAllBytes());
        assertArrayEquals(new byte[] {0, 0, 0, 1, 42}, rest.toByteArray());
    }

    @Test
    void bytesReadPastTheFrameStayInTheBuffer() throws IOException {
        send(new byte[] {0, 0, 0, 2, 7, 8, 0, 0, 0, 1, 9});
        assertArrayEquals(new byte[] {7, 8}, FrameChannels.read(pipe.source(), buffer, 100));
        assertEquals(5, buffer.remaining(), "the unsolicited second frame is reported");
    }

    @Test
    void aFrameReadToItsEndLeavesNothing() throws IOException {
        send(new byte[] {0, 0, 0, 3, 1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, FrameChannels.read(pipe.source(), buffer, 100));
        assertFalse(buffer.hasRemaining());
    }

    @Test
    void aForgedLengthIsRefusedBeforeAnythingIsAllocated() throws IOException {
        send(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> FrameChannels.read(pipe.source(), buffer, 1 << 20));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void endOfStreamBeforeAndInsideAFrameAreTyped() throws IOException {
        pipe.sink().close();
        EOFException before = assertThrows(EOFException.class, () -> FrameChannels.read(pipe.source(), buffer, 10));
        assertEquals("end of stream before a reply", before.getMessage());

        Pipe second = Pipe.open();
        second.sink().write(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 1, 2}));
        second.sink().close();
        EOFException inside = assertThrows(EOFException.class, () -> FrameChannels.read(second.source(), buffer, 10));
        assertTrue(inside.getMessage().contains("after 2 bytes"), inside.getMessage());
        second.source().close();

        Pipe third = Pipe.open();
        third.sink().write(ByteBuffer.wrap(new byte[] {0, 0}));
        third.sink().close();
        EOFException header = assertThrows(EOFException.class, () -> FrameChannels.read(third.source(), buffer, 10));
        assertTrue(header.getMessage().contains("frame header after 2 bytes"), header.getMessage());
        third.source().close();
    }

    @Test
    void aTooSmallScratchBufferIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> FrameChannels.read(pipe.source(), ByteBuffer.allocate(8), 10));
        assertThrows(IllegalArgumentException.class,
                () -> FrameChannels.write(pipe.sink(), ByteBuffer.allocate(8), new byte[1]));
    }
}
