package io.github.umdosgi.sample.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.sample.SampleDriver;
import io.github.umdosgi.sample.SampleProtocol;

/** The driver component against an in-memory stand-in for the handler. */
class SampleDriverComponentTest {

    /** Behaves like the C sample handler, so the Java side is tested against the same contract. */
    static byte[] fakeHandler(byte[] request) {
        if (request.length != 4) {
            return ("EINVAL request is " + request.length + " bytes, expected 4").getBytes();
        }
        long offset = Integer.toUnsignedLong(ByteBuffer.wrap(request).getInt());
        if (offset >= SampleDriver.REPLY_SIZE) {
            return ("EINVAL offset " + offset + " out of range [0, 131072)").getBytes();
        }
        byte[] reply = new byte[SampleDriver.REPLY_SIZE];
        reply[(int) offset] = 1;
        return reply;
    }

    /** A UmdManager whose call(name, request) goes to the given function; other methods fail. */
    static UmdManager manager(List<String> names, UnaryOperator<byte[]> handler) {
        return (UmdManager) Proxy.newProxyInstance(UmdManager.class.getClassLoader(),
                new Class<?>[] {UmdManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("call") && args.length == 2) {
                        names.add((String) args[0]);
                        return handler.apply((byte[]) args[1]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void checkCallsTheSampleDriverAndAcceptsGoodReplies() {
        List<String> names = new ArrayList<>();
        SampleDriver driver = new SampleDriverComponent(manager(names, SampleDriverComponentTest::fakeHandler));
        for (int offset : new int[] {0, 1024, 131071}) {
            assertDoesNotThrow(() -> driver.check(offset));
        }
        assertEquals(List.of("sample", "sample", "sample"), names);
    }

    @Test
    void checkRejectsOutOfRangeWithoutCalling() {
        List<String> names = new ArrayList<>();
        SampleDriver driver = new SampleDriverComponent(manager(names, SampleDriverComponentTest::fakeHandler));
        assertThrows(IllegalArgumentException.class, () -> driver.check(131072));
        assertThrows(IllegalArgumentException.class, () -> driver.check(-1));
        assertEquals(List.of(), names);
    }

    @Test
    void checkReportsWrongReply() {
        SampleDriver driver = new SampleDriverComponent(manager(new ArrayList<>(), request -> fakeHandler(SampleProtocol.encode(3))));
        assertThrows(ProtocolException.class, () -> driver.check(4));
    }
}
