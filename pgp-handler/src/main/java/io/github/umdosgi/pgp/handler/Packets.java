package io.github.umdosgi.pgp.handler;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits OpenPGP packets (RFC 4880 4.2) out of a byte array before any library sees them: every
 * declared length is checked against the bytes that remain, so a packet that declares gigabytes is
 * refused without an allocation. Partial body lengths are refused; an old-format indeterminate
 * length is accepted for compressed data only, where it runs to the end of the input.
 */
final class Packets {

    /** One packet: its tag, the whole packet (header and body) and the body's offset in it. */
    record Packet(int tag, byte[] bytes, int bodyOffset) {
        byte[] body() {
            return java.util.Arrays.copyOfRange(bytes, bodyOffset, bytes.length);
        }
    }

    private Packets() {
    }

    /**
     * @param input the bytes
     * @param budget the packet budget of the whole input (decremented)
     * @return the packets
     * @throws Refusal malformed framing, a length past the end, too many packets
     */
    static List<Packet> split(byte[] input, int[] budget) throws Refusal {
        List<Packet> out = new ArrayList<>();
        int pos = 0;
        while (pos < input.length) {
            if (--budget[0] < 0) {
                throw new Refusal("more than " + Limits.MAX_PACKETS + " packets");
            }
            int start = pos;
            int header = input[pos++] & 0xff;
            if ((header & 0x80) == 0) {
                throw new Refusal("byte " + start + " is not a packet header");
            }
            int tag;
            long length;
            if ((header & 0x40) != 0) {
                tag = header & 0x3f;
                int first = byteAt(input, pos++);
                if (first < 192) {
                    length = first;
                } else if (first < 224) {
                    length = ((first - 192) << 8) + byteAt(input, pos++) + 192;
                } else if (first == 255) {
                    length = 0;
                    for (int i = 0; i < 4; i++) {
                        length = (length << 8) | byteAt(input, pos++);
                    }
                } else {
                    throw new Refusal("packet at byte " + start + " uses partial body lengths");
                }
            } else {
                tag = (header >> 2) & 0x0f;
                int type = header & 3;
                if (type == 3) {
                    if (tag != 8) {
                        throw new Refusal("packet at byte " + start + " has an indeterminate length");
                    }
                    length = input.length - pos;
                } else {
                    int n = 1 << type;
                    length = 0;
                    for (int i = 0; i < n; i++) {
                        length = (length << 8) | byteAt(input, pos++);
                    }
                }
            }
            if (length > input.length - pos) {
                throw new Refusal("packet at byte " + start + " declares " + length + " bytes but only "
                        + (input.length - pos) + " remain");
            }
            int end = pos + (int) length;
            out.add(new Packet(tag, java.util.Arrays.copyOfRange(input, start, end), pos - start));
            pos = end;
        }
        return out;
    }

    private static int byteAt(byte[] input, int pos) throws Refusal {
        if (pos >= input.length) {
            throw new Refusal("packet header truncated at byte " + pos);
        }
        return input[pos] & 0xff;
    }
}
