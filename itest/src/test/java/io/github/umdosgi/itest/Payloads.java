package io.github.umdosgi.itest;

import java.nio.ByteBuffer;
import java.util.Random;

/** Request encodings shared by the tests. */
public final class Payloads {

    /** Size of every successful reply of the sample handler: 128 KiB, more than a pipe buffer. */
    public static final int SAMPLE_REPLY_SIZE = 128 * 1024;

    private Payloads() {
    }

    /** The sample driver's request: a 4-byte big-endian offset. */
    public static byte[] offset(int offset) {
        return ByteBuffer.allocate(4).putInt(offset).array();
    }

    /** {@code size} random bytes. */
    public static byte[] random(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    /**
     * A payload unique to one caller and sequence number: 4-byte thread index, 4-byte sequence,
     * then {@code extra} random bytes. An echo reply that belongs to another request cannot match.
     */
    public static byte[] tagged(int thread, int sequence, Random rnd, int extra) {
        ByteBuffer b = ByteBuffer.allocate(8 + extra).putInt(thread).putInt(sequence);
        byte[] tail = new byte[extra];
        rnd.nextBytes(tail);
        return b.put(tail).array();
    }

    /**
     * Checks a sample reply: {@link #SAMPLE_REPLY_SIZE} bytes, zero except {@code reply[offset] == 1}.
     *
     * @return null when correct, else what is wrong
     */
    public static String sampleReplyProblem(byte[] reply, int offset) {
        if (reply.length != SAMPLE_REPLY_SIZE) {
            return "reply length " + reply.length + ", expected " + SAMPLE_REPLY_SIZE;
        }
        for (int i = 0; i < reply.length; i++) {
            int expected = i == offset ? 1 : 0;
            if (reply[i] != expected) {
                return "reply[" + i + "] = " + reply[i] + ", expected " + expected + " (offset " + offset + ")";
            }
        }
        return null;
    }
}
