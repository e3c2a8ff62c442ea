package io.github.umdosgi.pgp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.umdosgi.pgp.PgpAlgorithm;
import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PublicKeyInfo;
import io.github.umdosgi.pgp.Verification;

/**
 * The JVM side against replies of the real parser class, on keys and signatures Bouncy Castle made in
 * this test: each case once per algorithm.
 */
class VerificationTest {

    private static final byte[] DATA = "the release tarball\n".getBytes(StandardCharsets.UTF_8);

    private static final TestKeys.Key RSA = TestKeys.rsa();
    private static final TestKeys.Key ED25519 = TestKeys.ed25519();
    private static final TestKeys.Key OTHER = TestKeys.ed25519();

    static Stream<Arguments> keys() {
        return Stream.of(Arguments.of(RSA, PgpAlgorithm.RSA), Arguments.of(ED25519, PgpAlgorithm.EDDSA_LEGACY_ED25519));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void aGoodSignatureVerifiesAndNamesTheSigner(TestKeys.Key key, PgpAlgorithm algorithm) throws Exception {
        Verification v = Harness.verify(DATA, key.sign(DATA), key.publicKey(), Set.of(key.fingerprint()));
        assertEquals(key.fingerprint(), v.fingerprint(), "the JVM's fingerprint equals Bouncy Castle's");
        assertEquals(key.fingerprint().substring(24), v.keyId());
        assertEquals(algorithm, v.algorithm());
        assertEquals("SHA-256", v.hashAlgorithm());
        assertEquals(key.pair().getPublicKey().getCreationTime().toInstant(), v.keyCreated());
    }

    @ParameterizedTest
    @MethodSource("keys")
    void armoredInputAndOtherDigestsAndTextSignaturesVerify(TestKeys.Key key, PgpAlgorithm algorithm)
            throws Exception {
        Set<String> trusted = Set.of(key.fingerprint().toLowerCase(java.util.Locale.ROOT));
        Harness.verify(DATA, TestKeys.armor(key.sign(DATA)), key.armoredPublicKey(), trusted);
        for (int hash : new int[] {HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA224}) {
            Harness.verify(DATA, key.sign(DATA, hash, PGPSignature.BINARY_DOCUMENT), key.publicKey(), trusted);
        }
        byte[] unix = "line one\nline two\n".getBytes(StandardCharsets.US_ASCII);
        byte[] dos = "line one\r\nline two\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] textSignature = key.sign(unix, HashAlgorithmTags.SHA256, PGPSignature.CANONICAL_TEXT_DOCUMENT);
        Harness.verify(dos, textSignature, key.publicKey(), trusted); // a text signature ignores line endings
    }

    @ParameterizedTest
    @MethodSource("keys")
    void tamperedDataFails(TestKeys.Key key, PgpAlgorithm algorithm) {
        byte[] signature = key.sign(DATA);
        byte[] tampered = DATA.clone();
        tampered[3] ^= 1;
        assertReason(PgpException.Reason.BAD_SIGNATURE,
            () -> Harness.verify(tampered, signature, key.publicKey(), Set.of(key.fingerprint())));
        byte[] longer = java.util.Arrays.copyOf(DATA, DATA.length + 1);
        assertReason(PgpException.Reason.BAD_SIGNATURE,
            () -> Harness.verify(longer, signature, key.publicKey(), Set.of(key.fingerprint())));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void aSignatureByAnotherKeyFails(TestKeys.Key key, PgpAlgorithm algorithm) {
        assertReason(PgpException.Reason.UNKNOWN_ISSUER, () -> Harness.verify(DATA, OTHER.sign(DATA),
            key.publicKey(), Set.of(key.fingerprint(), OTHER.fingerprint())));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void anUntrustedKeyFailsEvenWithAGoodSignature(TestKeys.Key key, PgpAlgorithm algorithm) {
        assertReason(PgpException.Reason.UNTRUSTED_KEY,
            () -> Harness.verify(DATA, key.sign(DATA), key.publicKey(), Set.of(OTHER.fingerprint())));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void keysAreListedWithTheJvmsFingerprintAndClaimedUserId(TestKeys.Key key, PgpAlgorithm algorithm)
            throws Exception {
        List<PublicKeyInfo> keys = Harness.keys(key.armoredPublicKey());
        assertEquals(1, keys.size());
        assertEquals(key.fingerprint(), keys.get(0).fingerprint());
        assertTrue(keys.get(0).primary());
        assertEquals(algorithm == PgpAlgorithm.RSA ? 2048 : 256, keys.get(0).bits());
        assertTrue(keys.get(0).claimedUserIds().get(0).startsWith("Test "), keys.get(0).claimedUserIds().toString());
    }

    @org.junit.jupiter.api.Test
    void malformedTrustedFingerprintsAreBadInput() {
        assertReason(PgpException.Reason.BAD_INPUT,
            () -> Harness.verify(DATA, RSA.sign(DATA), RSA.publicKey(), Set.of("not a fingerprint")));
        assertReason(PgpException.Reason.BAD_INPUT,
            () -> Harness.verify(DATA, RSA.sign(DATA), RSA.publicKey(), Set.of(RSA.fingerprint().substring(24))));
        assertReason(PgpException.Reason.BAD_INPUT,
            () -> Harness.verify(DATA, RSA.sign(DATA), RSA.publicKey(), Set.of()));
    }

    @org.junit.jupiter.api.Test
    void sha1SignaturesAreRefused() {
        assertReason(PgpException.Reason.UNSUPPORTED, () -> Harness.verify(DATA,
            RSA.sign(DATA, HashAlgorithmTags.SHA1, PGPSignature.BINARY_DOCUMENT), RSA.publicKey(),
            Set.of(RSA.fingerprint())));
    }

    interface Failing {
        void run() throws Exception;
    }

    static PgpException assertReason(PgpException.Reason reason, Failing call) {
        PgpException e = assertThrows(PgpException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }
}
