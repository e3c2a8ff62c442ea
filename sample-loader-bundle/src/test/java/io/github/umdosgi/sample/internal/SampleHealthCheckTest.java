package io.github.umdosgi.sample.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.HandlerChannel;
import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.sample.SampleDriver;

/** The loader's post-start hook against an in-memory stand-in for a freshly started handler. */
class SampleHealthCheckTest {

    @Test
    void sendsOffsetZeroAndAcceptsTheRightReply() throws Exception {
        List<byte[]> requests = new ArrayList<>();
        new SampleHealthCheck().afterStart(channel(request -> {
            requests.add(request);
            byte[] reply = new byte[SampleDriver.REPLY_SIZE];
            reply[0] = 1;
            return reply;
        }));
        assertEquals(1, requests.size());
        assertArrayEquals(new byte[4], requests.get(0));
    }

    @Test
    void failsOnAReplyWithoutItsByteSet() {
        assertThrows(ProtocolException.class,
                () -> new SampleHealthCheck().afterStart(channel(request -> new byte[SampleDriver.REPLY_SIZE])));
    }

    private static HandlerChannel channel(UnaryOperator<byte[]> handler) {
        return new HandlerChannel() {
            @Override
            public String driverName() {
                return SampleDriver.DRIVER_NAME;
            }

            @Override
            public byte[] call(byte[] request) {
                return handler.apply(request);
            }
        };
    }
}
