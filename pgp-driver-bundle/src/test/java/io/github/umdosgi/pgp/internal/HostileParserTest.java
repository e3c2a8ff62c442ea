package io.github.umdosgi.pgp.internal;

import static io.github.umdosgi.pgp.internal.VerificationTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PgpException.Reason;
import io.github.umdosgi.pgp.Verification;

/**
 * The parser class on hostile input, in the test JVM: each bound ends in a refusal, and random input
 * never becomes anything but a typed failure (the integration test repeats the cases through the
 * sandboxed driver).
 */
class HostileParserTest {

    private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);
    private static final TestKeys.Key KEY = TestKeys.ed25519();

    private static byte[] packet(int tag, byte[] body) {
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

    private static byte[] compressed(byte[] inner) {
        Deflater d = new Deflater(9, true);
        d.setInput(inner);
        d.finish();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(1);
        byte[] buffer = new byte[65536];
        while (!d.finished()) {
            body.write(buffer, 0, d.deflate(buffer));
        }
        d.end();
        return packet(8, body.toByteArray());
    }

    private static String refusal(byte[] signature, byte[] key) {
        PgpException e = assertReason(Reason.PARSE_REFUSED,
            () -> Harness.verify(DATA, signature, key, Set.of(KEY.fingerprint())));
        return e.getMessage();
    }

    @Test
    void oneLevelOfCompressionIsReadAndDeeperNestingIsRefused() throws Exception {
        byte[] sig = KEY.sign(DATA);
        Harness.verify(DATA, compressed(sig), KEY.publicKey(), Set.of(KEY.fingerprint()));
        Harness.verify(DATA, compressed(compressed(sig)), KEY.publicKey(), Set.of(KEY.fingerprint()));
        assertTrue(refusal(compressed(compressed(compressed(sig))), KEY.publicKey()).contains("nested deeper than 2"));
    }

    @Test
    void aBombStopsAtTheInflationBound() {
        assertTrue(refusal(KEY.sign(DATA), compressed(new byte[16 << 20])).contains("inflates to more than"));
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeAnyAllocation() {
        byte[] huge = {(byte) 0xc2, (byte) 0xff, (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 4};
        assertTrue(refusal(huge, KEY.publicKey()).contains("declares 2147483647 bytes"));
    }

    @Test
    void aKeyWithThousandsOfSignaturesHitsThePacketBound() {
        ByteArrayOutputStream key = new ByteArrayOutputStream();
        key.writeBytes(KEY.publicKey());
        byte[] sig = KEY.sign(DATA);
        for (int i = 0; i < 3000; i++) {
            key.writeBytes(sig);
        }
        assertTrue(refusal(sig, key.toByteArray()).contains("more than 2000 packets"));
    }

    @Test
    void secretKeysAndOtherPacketsAreRefusedByName() {
        assertTrue(refusal(KEY.sign(DATA), packet(5, new byte[10])).contains("secret key"));
        assertTrue(refusal(packet(11, new byte[3]), KEY.publicKey()).contains("unexpected packet tag 11"));
    }

    @Test
    void randomAndMutatedInputIsATypedFailureOrTheSameVerification() throws Exception {
        byte[] sig = KEY.sign(DATA);
        Verification good = Harness.verify(DATA, sig, KEY.publicKey(), Set.of(KEY.fingerprint()));
        Random random = new Random(42);
        int same = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] input;
            if (i % 3 == 0) {
                input = new byte[1 + random.nextInt(512)];
                random.nextBytes(input);
                input[0] = (byte) (0x80 | input[0]);
            } else {
                input = sig.clone();
                for (int f = 1 + random.nextInt(3); f > 0; f--) {
                    input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            try {
                assertEquals(good, Harness.verify(DATA, input, KEY.publicKey(), Set.of(KEY.fingerprint())));
                same++;
            } catch (PgpException expected) {
                // typed: fine
            }
        }
        assertTrue(same < 300, same + " mutated signatures verified");
    }
}
