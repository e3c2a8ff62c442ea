package io.github.umdosgi.samplehandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class SampleHandlerTest {

    private static final int REPLY_SIZE = 131072;

    private static byte[] offsetRequest(long offset) {
        return ByteBuffer.allocate(4).putInt((int) offset).array();
    }

    private static void assertValidReply(byte[] reply, int offset) {
        assertEquals(REPLY_SIZE, reply.length, "reply length");
        assertEquals(1, reply[offset], "byte[offset]");
        for (int i = 0; i < reply.length; i++) {
            if (i != offset && reply[i] != 0) {
                throw new AssertionError("byte[" + i + "] is " + reply[i] + ", expected 0 (offset " + offset + ")");
            }
        }
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1024, 65535, 65536, 127 * 1024, REPLY_SIZE - 1})
    void replySetsExactlyTheRequestedByte(int offset) throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            assertValidReply(h.call(offsetRequest(offset)), offset);
            assertEquals(0, h.closeInputAndWait());
        }
    }

    @Test
    void manyRequestsOnOneProcessLeaveNoStaleBytes() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            for (int i = 0; i < 128; i++) {
                int offset = i * 1024 + (i % 7);
                assertValidReply(h.call(offsetRequest(offset)), offset);
            }
            assertEquals(0, h.closeInputAndWait());
            assertTrue(h.stdoutAtEof(), "nothing but replies on stdout");
        }
    }

    @Test
    void offsetAtReplySizeIsRejected() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            byte[] reply = h.call(offsetRequest(REPLY_SIZE));
            assertTrue(reply.length < REPLY_SIZE, "error replies are short");
            assertTrue(text(reply).startsWith("EINVAL "), text(reply));
            assertTrue(text(reply).contains("131072"), text(reply));
            // Still serving after an error reply.
            assertValidReply(h.call(offsetRequest(7)), 7);
            assertEquals(0, h.closeInputAndWait());
        }
    }

    @Test
    void hugeUnsignedOffsetIsRejected() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            byte[] reply = h.call(offsetRequest(0xFFFF_FFFFL));
            assertEquals("EINVAL offset 4294967295 out of range [0, 131072)", text(reply));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 64})
    void payloadOfWrongSizeIsRejected(int size) throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            byte[] reply = h.call(new byte[size]);
            assertTrue(text(reply).startsWith("EINVAL "), text(reply));
            assertTrue(text(reply).contains(size + " bytes"), text(reply));
            assertValidReply(h.call(offsetRequest(0)), 0);
            assertEquals(0, h.closeInputAndWait());
        }
    }

    @Test
    void requestOverOneMebibyteIsDrainedAndRejected() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            byte[] big = new byte[(1 << 20) + 1];
            // The handler drains while we write, so a single thread cannot deadlock here.
            byte[] reply = h.call(big);
            assertTrue(text(reply).startsWith("EINVAL "), text(reply));
            assertTrue(text(reply).contains("limit"), text(reply));
            assertValidReply(h.call(offsetRequest(99)), 99);
            assertEquals(0, h.closeInputAndWait());
        }
    }

    @Test
    void exitsZeroOnEofWithoutRequests() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            assertEquals(0, h.closeInputAndWait());
            assertTrue(h.stdoutAtEof(), "no output without requests");
        }
    }

    @Test
    void exitsOneOnEofInsideAHeader() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            h.writeRaw(new byte[] {0, 0});
            assertEquals(1, h.closeInputAndWait());
        }
    }

    @Test
    void exitsOneOnEofInsideAPayload() throws Exception {
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            h.writeRaw(new byte[] {0, 0, 0, 4, 0, 0});
            assertEquals(1, h.closeInputAndWait());
        }
    }

    @Test
    void digestFileMatchesBinary() throws Exception {
        for (String name : new String[] {"sample-handler", "echo-handler"}) {
            byte[] bin = Files.readAllBytes(HandlerProcess.binary(name));
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bin));
            String recorded = Files.readString(HandlerProcess.binary(name).resolveSibling(name + ".sha256"),
                    StandardCharsets.US_ASCII);
            assertEquals(expected, recorded, name + ".sha256: 64 lowercase hex digits, no newline");
        }
    }

    @Test
    void encodingOfRequestIsBigEndian() throws IOException, InterruptedException {
        // Offset 0x00000100 = 256; little-endian reading would give 65536.
        try (HandlerProcess h = HandlerProcess.start("sample-handler")) {
            assertValidReply(h.call(new byte[] {0, 0, 1, 0}), 256);
        }
    }
}
