package io.github.umdosgi.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.umdosgi.api.ProtocolException;

class SampleProtocolTest {

    static byte[] goodReply(int offset) {
        byte[] reply = new byte[SampleDriver.REPLY_SIZE];
        reply[offset] = 1;
        return reply;
    }

    @Test
    void encodesBigEndian() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, SampleProtocol.encode(0));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff, (byte) 0xff}, SampleProtocol.encode(131071));
        assertArrayEquals(new byte[] {0x12, 0x34, 0x56, 0x78}, SampleProtocol.encode(0x12345678));
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, SampleProtocol.encode(-1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, 65536, 131071})
    void acceptsCorrectReply(int offset) {
        assertDoesNotThrow(() -> SampleProtocol.verify(goodReply(offset), offset));
    }

    @Test
    void einvalTextBecomesIllegalArgument() {
        byte[] reply = "EINVAL offset 131072 out of range [0, 131072)".getBytes(StandardCharsets.US_ASCII);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleProtocol.verify(reply, 131072));
        assertTrue(e.getMessage().contains("EINVAL offset 131072 out of range [0, 131072)"), e.getMessage());
        assertTrue(e.getMessage().contains("'sample'"), e.getMessage());
    }

    @Test
    void einvalTextIsBoundedAndSanitised() {
        byte[] reply = ("EINVAL bad\n\u0000" + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleProtocol.verify(reply, 0));
        assertTrue(e.getMessage().contains("EINVAL bad??x"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, "bounded: " + e.getMessage().length());
        assertTrue(e.getMessage().endsWith("..."), e.getMessage());
    }

    @Test
    void shortReplyWithoutEinvalIsProtocolError() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> SampleProtocol.verify(new byte[10], 0));
        assertEquals("sample", e.driverName());
        assertTrue(e.getMessage().contains("10 bytes"), e.getMessage());
    }

    @Test
    void emptyReplyIsProtocolError() {
        assertThrows(ProtocolException.class, () -> SampleProtocol.verify(new byte[0], 0));
    }

    @Test
    void longReplyStartingWithEinvalIsStillProtocolError() {
        // Only a reply of the wrong length is an error text; at the right length it is data.
        byte[] reply = new byte[SampleDriver.REPLY_SIZE + 1];
        System.arraycopy("EINVAL".getBytes(StandardCharsets.US_ASCII), 0, reply, 0, 6);
        assertThrows(IllegalArgumentException.class, () -> SampleProtocol.verify(reply, 0));
        byte[] exact = goodReply(100);
        System.arraycopy("EINVAL".getBytes(StandardCharsets.US_ASCII), 0, exact, 0, 6);
        ProtocolException e = assertThrows(ProtocolException.class, () -> SampleProtocol.verify(exact, 100));
        assertTrue(e.getMessage().contains("byte[0]"), e.getMessage());
    }

    @Test
    void wrongByteAtOffsetIsProtocolError() {
        byte[] reply = goodReply(5);
        ProtocolException e = assertThrows(ProtocolException.class, () -> SampleProtocol.verify(reply, 6));
        assertTrue(e.getMessage().contains("byte[6] is 0x00"), e.getMessage());
        reply[5] = 2;
        e = assertThrows(ProtocolException.class, () -> SampleProtocol.verify(reply, 5));
        assertTrue(e.getMessage().contains("byte[5] is 0x02"), e.getMessage());
    }

    @Test
    void strayByteElsewhereIsProtocolError() {
        byte[] reply = goodReply(0);
        reply[SampleDriver.REPLY_SIZE - 1] = (byte) 0x80;
        ProtocolException e = assertThrows(ProtocolException.class, () -> SampleProtocol.verify(reply, 0));
        assertTrue(e.getMessage().contains("byte[131071] is 0x80"), e.getMessage());
    }

    @Test
    void usesGivenDriverName() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> SampleProtocol.verify("other", new byte[1], 0));
        assertEquals("other", e.driverName());
    }

    @Test
    void nullReplyIsProtocolError() {
        assertThrows(ProtocolException.class, () -> SampleProtocol.verify(null, 0));
    }
}
