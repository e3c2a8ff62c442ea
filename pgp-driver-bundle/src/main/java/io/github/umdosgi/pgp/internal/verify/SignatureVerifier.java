package io.github.umdosgi.pgp.internal.verify;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PgpException.Reason;
import io.github.umdosgi.pgp.PublicKeyInfo;
import io.github.umdosgi.pgp.Verification;
import io.github.umdosgi.pgp.internal.wire.ParsedReply;

/**
 * Decides a verification from a decoded parser reply and the data, with {@code java.security} only.
 * Nothing the parser says is believed unless a check here makes it harmless: the key comes from the
 * raw body, its fingerprint is hashed here, it must be trusted by the caller, the digest is computed
 * here over the data and the hashed trailer, and the signature must verify over that digest with that
 * key. The issuer key id the parser reports only selects a key; a lie selects a key that fails.
 * Stateless.
 */
public final class SignatureVerifier {

    private static final int ED25519_PART = 32;

    private SignatureVerifier() {
    }

    /**
     * @param reply the decoded reply of a keys-and-signature request
     * @param data the signed data
     * @param trusted the normalized trusted fingerprints ({@link TrustedFingerprints#normalize})
     * @return the verification
     * @throws PgpException why it is not one
     */
    public static Verification verify(ParsedReply reply, byte[] data, Set<String> trusted) throws PgpException {
        ParsedReply.Signature sig = reply.signature().orElseThrow(
            () -> new PgpException(Reason.MALFORMED_REPLY, "malformed parser reply: no signature"));
        if (sig.version() != 4) {
            throw new PgpException(Reason.UNSUPPORTED, "signature version " + sig.version()
                    + " is not supported (only v4)");
        }
        if (sig.type() != SignedDigest.BINARY && sig.type() != SignedDigest.TEXT) {
            throw new PgpException(Reason.UNSUPPORTED, String.format(
                    "signature type 0x%02x is not a signature of a binary document or text", sig.type()));
        }
        HashAlgorithm hash = HashAlgorithm.of(sig.hashAlgorithm());
        HashedSubpackets hashed = HashedSubpackets.read(sig.hashedArea());

        KeyMaterial key = null;
        for (ParsedReply.Key k : reply.keys()) {
            KeyMaterial candidate = KeyMaterial.decode(k.body());
            if (Arrays.equals(candidate.keyIdBytes(), sig.issuerKeyId())) {
                key = candidate;
                break;
            }
        }
        if (key == null) {
            throw new PgpException(Reason.UNKNOWN_ISSUER, "the key file has no key with the signature's issuer id "
                    + java.util.HexFormat.of().withUpperCase().formatHex(sig.issuerKeyId()));
        }
        if (hashed.issuerFingerprint().isPresent()
                && !Arrays.equals(hashed.issuerFingerprint().get(), key.fingerprintBytes())) {
            throw new PgpException(Reason.BAD_SIGNATURE, "the signature's hashed issuer fingerprint is not "
                    + key.fingerprint());
        }
        if (sig.publicKeyAlgorithm() != key.algorithm().id()) {
            throw new PgpException(Reason.BAD_SIGNATURE, "signature algorithm " + sig.publicKeyAlgorithm()
                    + " does not match the key's algorithm " + key.algorithm().id());
        }
        if (!trusted.contains(key.fingerprint())) {
            throw new PgpException(Reason.UNTRUSTED_KEY, "the signing key " + key.fingerprint()
                    + " is not among the trusted fingerprints");
        }
        byte[] digest = SignedDigest.compute(hash, data, sig);
        if (digest[0] != sig.left16()[0] || digest[1] != sig.left16()[1]) {
            throw new PgpException(Reason.BAD_SIGNATURE, "the data's digest does not match the signature "
                    + "(the data was changed or the signature is for other data)");
        }
        if (!cryptographicallyValid(key, hash, digest, sig.values())) {
            throw new PgpException(Reason.BAD_SIGNATURE, "the signature does not verify with key "
                    + key.fingerprint());
        }
        if (hashed.expiresAfterSeconds() != 0
                && Instant.now().isAfter(hashed.created().plusSeconds(hashed.expiresAfterSeconds()))) {
            throw new PgpException(Reason.BAD_SIGNATURE, "the signature expired at "
                    + hashed.created().plusSeconds(hashed.expiresAfterSeconds()));
        }
        return new Verification(key.fingerprint(), key.keyId(), key.algorithm(), hash.javaName(), key.created(),
                hashed.created());
    }

    /**
     * @param reply the decoded reply of a keys request
     * @return the keys, with fingerprints computed here
     * @throws PgpException a key body is malformed or unsupported
     */
    public static List<PublicKeyInfo> keys(ParsedReply reply) throws PgpException {
        List<PublicKeyInfo> out = new ArrayList<>();
        for (ParsedReply.Key k : reply.keys()) {
            KeyMaterial key = KeyMaterial.decode(k.body());
            List<String> userIds = new ArrayList<>();
            for (byte[] uid : k.userIds()) {
                userIds.add(utf8(uid));
            }
            out.add(new PublicKeyInfo(key.fingerprint(), key.keyId(), key.algorithm(), key.bits(), key.created(),
                    k.primary(), userIds));
        }
        return out;
    }

    private static boolean cryptographicallyValid(KeyMaterial key, HashAlgorithm hash, byte[] digest,
            List<byte[]> values) throws PgpException {
        try {
            if (key.isRsa()) {
                if (values.size() != 1) {
                    throw new PgpException(Reason.BAD_SIGNATURE, "an RSA signature has one value, not "
                            + values.size());
                }
                int modulusBytes = (key.bits() + 7) / 8;
                byte[] s = stripLeadingZeros(values.get(0));
                if (s.length > modulusBytes) {
                    return false;
                }
                // PKCS#1 v1.5 over DigestInfo(digest): NONEwithRSA pads exactly what it is given.
                Signature rsa = Signature.getInstance("NONEwithRSA");
                rsa.initVerify(key.publicKey());
                rsa.update(hash.digestInfoPrefix());
                rsa.update(digest);
                return rsa.verify(leftPad(s, modulusBytes));
            }
            byte[] rs;
            if (values.size() == 2) {
                byte[] r = stripLeadingZeros(values.get(0));
                byte[] s = stripLeadingZeros(values.get(1));
                if (r.length > ED25519_PART || s.length > ED25519_PART) {
                    return false;
                }
                rs = new byte[2 * ED25519_PART];
                System.arraycopy(leftPad(r, ED25519_PART), 0, rs, 0, ED25519_PART);
                System.arraycopy(leftPad(s, ED25519_PART), 0, rs, ED25519_PART, ED25519_PART);
            } else {
                rs = values.get(0);
                if (rs.length != 2 * ED25519_PART) {
                    return false;
                }
            }
            // OpenPGP's EdDSA signs the digest, not the data (RFC 4880bis, RFC 9580 5.2.3.4).
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(key.publicKey());
            ed.update(digest);
            return ed.verify(rs);
        } catch (java.security.SignatureException e) {
            return false; // a value of the wrong shape: not a valid signature
        } catch (GeneralSecurityException e) {
            throw new PgpException(Reason.BAD_SIGNATURE, "the signature cannot be checked: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] stripLeadingZeros(byte[] b) {
        int i = 0;
        while (i < b.length - 1 && b[i] == 0) {
            i++;
        }
        return Arrays.copyOfRange(b, i, b.length);
    }

    private static byte[] leftPad(byte[] b, int length) {
        byte[] out = new byte[length];
        System.arraycopy(b, 0, out, length - b.length, b.length);
        return out;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return "(undecodable)";
        }
    }
}
