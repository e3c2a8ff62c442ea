package io.github.umdosgi.benchmarks;

import java.util.Arrays;
import java.util.Random;

/** Echo calls as the sections time them: the call, its payloads, the check of its reply. */
final class Calls {

    private Calls() {
    }

    /** One echo call: the request in, the reply out. */
    @FunctionalInterface
    interface Call {
        byte[] call(byte[] request) throws Exception;
    }

    /** Warms up, then times each of the calls; checks every reply's length and the last one's content. */
    static long[] timeCalls(byte[] payload, int warm, int iterations, Call call) throws Exception {
        for (int i = 0; i < warm; i++) {
            check(payload, call.call(payload), false);
        }
        long[] samples = new long[iterations];
        byte[] reply = null;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            reply = call.call(payload);
            samples[i] = System.nanoTime() - t0;
            if (reply.length != payload.length) {
                throw new IllegalStateException("reply of " + reply.length + " bytes to a request of " + payload.length);
            }
        }
        check(payload, reply, true);
        return samples;
    }

    /** Fails unless the reply has the request's length (and, with content, its bytes). */
    static void check(byte[] request, byte[] reply, boolean content) {
        if (reply.length != request.length || (content && !Arrays.equals(request, reply))) {
            throw new IllegalStateException("the echo reply differs from the request");
        }
    }

    /** Random bytes, the same for the same size. */
    static byte[] payload(int size) {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        return payload;
    }

    /** @return e.g. {@code 16 B}, {@code 4 KiB}, {@code 16 MiB} */
    static String sizeLabel(int bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
