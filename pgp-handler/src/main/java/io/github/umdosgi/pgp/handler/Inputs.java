package io.github.umdosgi.pgp.handler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.bouncycastle.apache.bzip2.CBZip2InputStream;
import org.bouncycastle.bcpg.ArmoredInputStream;

/**
 * Turns one input into its packets: ASCII armor removed (Bouncy Castle's {@link ArmoredInputStream},
 * CRC checked) and compressed packets opened (deflate, zlib, bzip2) with every bound of
 * {@link Limits}: a compression bomb stops at {@link Limits#MAX_INFLATED} bytes, a quine (a packet
 * that inflates to itself) at {@link Limits#MAX_NESTING} levels.
 */
final class Inputs {

    private static final byte[] ARMOR = "-----BEGIN PGP ".getBytes(StandardCharsets.US_ASCII);

    private Inputs() {
    }

    /**
     * @param input the raw input
     * @return its packets, compressed packets replaced by their contents
     * @throws Refusal the input breaks a rule or a bound
     */
    static List<Packets.Packet> packets(byte[] input) throws Refusal {
        byte[] binary = isArmored(input) ? dearmor(input) : input;
        int[] packetBudget = {Limits.MAX_PACKETS};
        int[] inflateBudget = {Limits.MAX_INFLATED};
        List<Packets.Packet> out = new ArrayList<>();
        expand(binary, 0, packetBudget, inflateBudget, out);
        return out;
    }

    private static void expand(byte[] bytes, int depth, int[] packetBudget, int[] inflateBudget,
            List<Packets.Packet> out) throws Refusal {
        for (Packets.Packet p : Packets.split(bytes, packetBudget)) {
            if (p.tag() != 8) {
                out.add(p);
                continue;
            }
            if (depth + 1 > Limits.MAX_NESTING) {
                throw new Refusal("compressed packets nested deeper than " + Limits.MAX_NESTING);
            }
            byte[] body = p.body();
            if (body.length < 1) {
                throw new Refusal("empty compressed packet");
            }
            expand(inflate(body, inflateBudget), depth + 1, packetBudget, inflateBudget, out);
        }
    }

    private static byte[] inflate(byte[] body, int[] budget) throws Refusal {
        InputStream data = new ByteArrayInputStream(body, 1, body.length - 1);
        Inflater inflater = null;
        try {
            InputStream in;
            switch (body[0]) {
                case 0 -> in = data;
                case 1 -> in = new InflaterInputStream(data, inflater = new Inflater(true));
                case 2 -> in = new InflaterInputStream(data, inflater = new Inflater(false));
                case 3 -> in = new CBZip2InputStream(data);
                default -> throw new Refusal("unknown compression algorithm " + (body[0] & 0xff));
            }
            return readBounded(in, budget, "compressed data inflates to more than " + Limits.MAX_INFLATED
                    + " bytes");
        } catch (IOException | RuntimeException e) {
            throw new Refusal("corrupt compressed data (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    private static byte[] readBounded(InputStream in, int[] budget, String tooLarge) throws IOException, Refusal {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0;) {
            budget[0] -= n;
            if (budget[0] < 0) {
                throw new Refusal(tooLarge);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean isArmored(byte[] input) {
        int i = 0;
        while (i < input.length && (input[i] == ' ' || input[i] == '\t' || input[i] == '\r' || input[i] == '\n')) {
            i++;
        }
        return java.util.Arrays.equals(input, i, Math.min(input.length, i + ARMOR.length), ARMOR, 0, ARMOR.length);
    }

    private static byte[] dearmor(byte[] input) throws Refusal {
        try (ArmoredInputStream armor = new ArmoredInputStream(new ByteArrayInputStream(input))) {
            // Base64 only shrinks, so the armored size bounds the result.
            return readBounded(armor, new int[] {input.length}, "armor larger than its input");
        } catch (IOException | RuntimeException e) {
            throw new Refusal("bad ASCII armor: " + e.getMessage());
        }
    }
}
