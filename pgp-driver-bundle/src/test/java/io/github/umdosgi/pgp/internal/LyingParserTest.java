package io.github.umdosgi.pgp.internal;

import static io.github.umdosgi.pgp.internal.VerificationTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PgpException.Reason;
import io.github.umdosgi.pgp.Verification;
import io.github.umdosgi.pgp.internal.wire.ParsedReply;

/**
 * An exploited parser may send any reply. These replies are what it could forge from everything it
 * sees (the key file, the signature) plus an attacker's own key and signatures: none may verify data
 * that the trusted key did not sign.
 */
class LyingParserTest {

    private static final byte[] DATA = "release 1.0".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVIL = "release 1.0 with a backdoor".getBytes(StandardCharsets.UTF_8);

    private static final TestKeys.Key TRUSTED = TestKeys.ed25519();
    private static final TestKeys.Key TRUSTED_RSA = TestKeys.rsa();
    private static final TestKeys.Key ATTACKER = TestKeys.ed25519();
    private static final Set<String> TRUST = Set.of(TRUSTED.fingerprint(), TRUSTED_RSA.fingerprint());

    private static ParsedReply honest(TestKeys.Key key, byte[] data) throws Exception {
        return ReplyForge.decode(Harness.parserReply(key.sign(data), key.publicKey()));
    }

    @Test
    void theHonestRepliesVerify() throws Exception {
        // The baseline the lies start from: without it the failures below would prove nothing.
        Harness.verifyReply(ReplyForge.encode(honest(TRUSTED, DATA).keys(), honest(TRUSTED, DATA).signature()
                .orElseThrow()), DATA, TRUST);
        Harness.verifyReply(Harness.parserReply(TRUSTED_RSA.sign(DATA), TRUSTED_RSA.publicKey()), DATA, TRUST);
    }

    @Test
    void swappingInTheAttackersKeyFailsTheTrustCheck() throws Exception {
        // The attacker signs the evil data and the parser returns the attacker's key for it.
        ParsedReply evil = honest(ATTACKER, EVIL);
        assertReason(Reason.UNTRUSTED_KEY, () -> Harness.verifyReply(
            ReplyForge.encode(evil.keys(), evil.signature().orElseThrow()), EVIL, TRUST));
        // ... or the attacker's key labelled as the primary next to the trusted one, issuer unchanged.
        List<ParsedReply.Key> both = List.of(honest(TRUSTED, DATA).keys().get(0), evil.keys().get(0));
        assertReason(Reason.UNTRUSTED_KEY, () -> Harness.verifyReply(
            ReplyForge.encode(both, evil.signature().orElseThrow()), EVIL, TRUST));
    }

    @Test
    void claimingTheTrustedIssuerForTheAttackersSignatureFails() throws Exception {
        ParsedReply trusted = honest(TRUSTED, DATA);
        ParsedReply evil = honest(ATTACKER, EVIL);
        byte[] trustedId = trusted.signature().orElseThrow().issuerKeyId();
        // The attacker's signature, claimed to be by the trusted key, with the trusted key returned:
        ParsedReply.Signature lie = ReplyForge.withIssuer(evil.signature().orElseThrow(), trustedId);
        PgpException e = assertThrows(PgpException.class,
            () -> Harness.verifyReply(ReplyForge.encode(trusted.keys(), lie), EVIL, TRUST));
        // The attacker's hashed area names its own fingerprint; without it, the cryptography fails.
        assertEquals(Reason.BAD_SIGNATURE, e.reason(), e.getMessage());
        ParsedReply.Signature noFingerprint = ReplyForge.withHashedArea(lie, trusted.signature().orElseThrow()
                .hashedArea());
        assertReason(Reason.BAD_SIGNATURE,
            () -> Harness.verifyReply(ReplyForge.encode(trusted.keys(), noFingerprint), EVIL, TRUST));
        // And the trusted issuer id with only the attacker's key in the list names no key.
        assertReason(Reason.UNKNOWN_ISSUER,
            () -> Harness.verifyReply(ReplyForge.encode(evil.keys(), lie), EVIL, TRUST));
    }

    @Test
    void aForgedValidVerdictHasNoWayIn() throws Exception {
        ParsedReply good = honest(TRUSTED, DATA);
        ParsedReply.Signature sig = good.signature().orElseThrow();
        byte[] reply = ReplyForge.encode(good.keys(), sig);
        // A status other than parsed or refused ("valid") and a trailing verdict byte are malformed.
        byte[] status = reply.clone();
        status[5] = 2;
        assertReason(Reason.MALFORMED_REPLY, () -> Harness.verifyReply(status, EVIL, TRUST));
        byte[] trailing = Arrays.copyOf(reply, reply.length + 1);
        trailing[reply.length] = 1;
        assertReason(Reason.MALFORMED_REPLY, () -> Harness.verifyReply(trailing, DATA, TRUST));
        // The trusted key's real signature of other data, presented for the evil data, with the evil
        // data's digest prefix copied from a signature the attacker made over it: the math says no.
        byte[] evilPrefix = honest(ATTACKER, EVIL).signature().orElseThrow().left16();
        ParsedReply.Signature replayed = ReplyForge.withValues(sig, evilPrefix, sig.values());
        assertReason(Reason.BAD_SIGNATURE,
            () -> Harness.verifyReply(ReplyForge.encode(good.keys(), replayed), EVIL, TRUST));
        // Zero, all-ones and oversized signature values.
        for (byte[] v : new byte[][] {new byte[64], filled(64, 0xff), filled(1024, 0x7f)}) {
            ParsedReply.Signature forged = ReplyForge.withValues(sig, evilPrefix, List.of(v));
            assertThrows(PgpException.class,
                () -> Harness.verifyReply(ReplyForge.encode(good.keys(), forged), EVIL, TRUST));
        }
    }

    @Test
    void aChangedHashedAreaBreaksTheSignature() throws Exception {
        ParsedReply good = honest(TRUSTED_RSA, DATA);
        ParsedReply.Signature sig = good.signature().orElseThrow();
        byte[] area = sig.hashedArea().clone();
        area[2] ^= 0x01; // inside the creation time (subpacket 2 comes first)
        assertReason(Reason.BAD_SIGNATURE, () -> Harness.verifyReply(
            ReplyForge.encode(good.keys(), ReplyForge.withHashedArea(sig, area)), DATA, TRUST));
    }

    @Test
    void everyTruncationIsMalformedAndNoSingleByteChangeForgesAVerification() throws Exception {
        for (TestKeys.Key key : List.of(TRUSTED, TRUSTED_RSA)) {
            byte[] reply = Harness.parserReply(key.sign(DATA), key.publicKey());
            Verification original = Harness.verifyReply(reply, DATA, TRUST);
            for (int n = 0; n < reply.length; n++) {
                byte[] cut = Arrays.copyOf(reply, n);
                assertReason(Reason.MALFORMED_REPLY, () -> Harness.verifyReply(cut, DATA, TRUST));
            }
            int accepted = 0;
            for (int i = 0; i < reply.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] changed = reply.clone();
                    changed[i] ^= (byte) bit;
                    assertThrows(PgpException.class, () -> Harness.verifyReply(changed, EVIL, TRUST));
                    try {
                        // A change may be harmless (a user id, the primary flag): then it must still
                        // be the same signer's verification of the same data.
                        assertEquals(original, Harness.verifyReply(changed, DATA, TRUST));
                        accepted++;
                    } catch (PgpException expected) {
                        // refused: fine
                    }
                }
            }
            // Most bytes matter; the harmless ones are the user id and flags (not signed material).
            int userIdBytes = good(reply).keys().get(0).userIds().get(0).length;
            assertEquals(true, accepted <= 2 * (userIdBytes + 2), "accepted " + accepted + " changed replies");
        }
    }

    private static ParsedReply good(byte[] reply) throws Exception {
        return ReplyForge.decode(reply);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
