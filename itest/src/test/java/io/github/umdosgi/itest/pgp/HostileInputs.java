package io.github.umdosgi.itest.pgp;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Inputs modelled on the published bugs of OpenPGP parsers, built with the JDK alone: compressed
 * packets that nest without end (GnuPG's compression quine, CVE-2013-4402, makes a packet that
 * inflates to itself; nesting 64 deep stands in for it: any bound on depth stops both), a
 * decompression bomb, a packet declaring a length of 4 GiB, a key carrying thousands of signatures,
 * and random bytes.
 */
final class HostileInputs {

    private HostileInputs() {
    }

    /** A new-format packet with a 5-byte length. */
    static byte[] packet(int tag, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xc0 | tag);
        out.write(0xff);
        out.write(body.length >>> 24);
        out.write(body.length >>> 16);
        out.write(body.length >>> 8);
        out.write(body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A compressed data packet (deflate, algorithm 1) holding {@code inner}. */
    static byte[] compressed(byte[] inner) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(inner);
        deflater.finish();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(1);
        byte[] buffer = new byte[65536];
        while (!deflater.finished()) {
            body.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return packet(8, body.toByteArray());
    }

    /** Signature inputs, each with what it models. */
    static Map<String, byte[]> signatures(byte[] goodSignature, long seed) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        byte[] nested = goodSignature;
        for (int i = 0; i < 64; i++) {
            nested = compressed(nested);
        }
        out.put("compressed packets nested 64 deep (the quine's endless self-nesting)", nested);
        byte[] huge = {(byte) 0xc2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 4, 0, 1, 8};
        out.put("a signature packet declaring 4 GiB", huge);
        Random random = new Random(seed);
        for (int i = 0; i < 10; i++) {
            byte[] noise = new byte[1 + random.nextInt(4096)];
            random.nextBytes(noise);
            if (i % 2 == 0) {
                noise[0] = (byte) 0x89; // an old-format signature header, so parsing gets past byte 0
            }
            out.put("random bytes #" + i + " (seed " + seed + ")", noise);
        }
        return out;
    }

    /**
     * The good signature with a few random bits flipped past its header: these get through the
     * framing and reach Bouncy Castle's packet parser.
     */
    static Map<String, byte[]> mutations(byte[] goodSignature, long seed, int count) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            byte[] m = goodSignature.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                m[2 + random.nextInt(m.length - 2)] ^= (byte) (1 << random.nextInt(8));
            }
            out.put("the signature with " + flips + " bit(s) flipped #" + i + " (seed " + seed + ")", m);
        }
        return out;
    }

    /** Key inputs, each with what it models. */
    static Map<String, byte[]> keys(byte[] goodKey, byte[] aSignaturePacket) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("a deflate bomb (64 MiB of zeros)", compressed(new byte[64 << 20]));
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        many.writeBytes(goodKey);
        for (int i = 0; i < 5000; i++) {
            many.writeBytes(aSignaturePacket);
        }
        out.put("a key carrying 5000 signatures", many.toByteArray());
        out.put("a key packet declaring 4 GiB", new byte[] {(byte) 0xc6, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, 4});
        return out;
    }
}
