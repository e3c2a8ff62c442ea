package io.github.umdosgi.pgp.internal.verify;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import io.github.umdosgi.pgp.PgpAlgorithm;
import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.internal.wire.BoundedReader;

/**
 * A v4 public key decoded by the JVM from the raw packet body the parser returned, with its
 * fingerprint computed here (SHA-1 over 0x99, the body's 2-byte length and the body, RFC 4880
 * 12.2). The fingerprint and the {@link PublicKey} come from the same bytes, so a parser cannot pair
 * a trusted fingerprint with other key material. Immutable.
 */
public final class KeyMaterial {

    /** Smallest RSA modulus accepted. */
    static final int MIN_RSA_BITS = 2048;
    /** Largest RSA modulus accepted. */
    static final int MAX_RSA_BITS = 8192;

    /** DER of the Ed25519 curve OID 1.3.6.1.4.1.11591.15.1 without tag and length, as in legacy EdDSA keys. */
    private static final byte[] ED25519_LEGACY_OID = {0x2b, 0x06, 0x01, 0x04, 0x01, (byte) 0xda, 0x47, 0x0f, 0x01};
    /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410): followed by the 32-byte point. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final byte[] fingerprint;
    private final PgpAlgorithm algorithm;
    private final int bits;
    private final Instant created;
    private final PublicKey publicKey;

    private KeyMaterial(byte[] fingerprint, PgpAlgorithm algorithm, int bits, Instant created, PublicKey publicKey) {
        this.fingerprint = fingerprint;
        this.algorithm = algorithm;
        this.bits = bits;
        this.created = created;
        this.publicKey = publicKey;
    }

    /**
     * @param body a v4 public key packet body from the reply (untrusted)
     * @return the decoded key
     * @throws PgpException {@code UNSUPPORTED} for other versions, algorithms or curves and RSA sizes out of
     *         range, {@code MALFORMED_REPLY} for a truncated or overlong body or invalid key material
     */
    public static KeyMaterial decode(byte[] body) throws PgpException {
        BoundedReader in = new BoundedReader(body);
        int version = in.u8("key version");
        if (version != 4) {
            throw new PgpException(PgpException.Reason.UNSUPPORTED, "key version " + version
                    + " is not supported (only v4 keys)");
        }
        Instant created = Instant.ofEpochSecond(in.u32("key creation time"));
        int algorithmId = in.u8("key algorithm");
        KeyMaterial key;
        try {
            switch (algorithmId) {
                case 1, 3 -> {
                    BigInteger n = new BigInteger(1, mpi(in, "RSA modulus"));
                    BigInteger e = new BigInteger(1, mpi(in, "RSA exponent"));
                    int bits = n.bitLength();
                    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                        throw new PgpException(PgpException.Reason.UNSUPPORTED, "RSA key of " + bits
                                + " bits is outside [" + MIN_RSA_BITS + ", " + MAX_RSA_BITS + "]");
                    }
                    if (e.signum() <= 0 || !e.testBit(0) || e.bitLength() > 64) {
                        throw BoundedReader.malformed("RSA exponent is not a small odd number");
                    }
                    PublicKey pk = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
                    key = new KeyMaterial(null, algorithmId == 1 ? PgpAlgorithm.RSA : PgpAlgorithm.RSA_SIGN_ONLY,
                            bits, created, pk);
                }
                case 22 -> {
                    int oidLength = in.u8("curve OID length");
                    byte[] oid = in.fixed(oidLength, "curve OID");
                    if (!Arrays.equals(oid, ED25519_LEGACY_OID)) {
                        throw new PgpException(PgpException.Reason.UNSUPPORTED,
                                "EdDSA key on a curve other than Ed25519");
                    }
                    byte[] point = mpi(in, "EdDSA point");
                    if (point.length != 33 || point[0] != 0x40) {
                        throw BoundedReader.malformed("EdDSA point is not 0x40 followed by 32 bytes");
                    }
                    key = new KeyMaterial(null, PgpAlgorithm.EDDSA_LEGACY_ED25519, 256, created,
                            ed25519(Arrays.copyOfRange(point, 1, 33)));
                }
                case 27 -> key = new KeyMaterial(null, PgpAlgorithm.ED25519, 256, created,
                        ed25519(in.fixed(32, "Ed25519 key")));
                default -> throw new PgpException(PgpException.Reason.UNSUPPORTED, "public key algorithm "
                        + algorithmId + " is not supported (RSA 1, 3; EdDSA 22; Ed25519 27)");
            }
        } catch (GeneralSecurityException e) {
            throw new PgpException(PgpException.Reason.MALFORMED_REPLY, "malformed parser reply: key material "
                    + "is not a valid public key (" + e.getClass().getSimpleName() + ")", e);
        }
        in.expectEnd();
        return new KeyMaterial(fingerprintOf(body), key.algorithm, key.bits, key.created, key.publicKey);
    }

    /** An MPI: a 2-byte bit count, then the bytes; at most 8192 bits. */
    private static byte[] mpi(BoundedReader in, String field) throws PgpException {
        int bitCount = in.u16(field + " bit count");
        if (bitCount == 0 || bitCount > MAX_RSA_BITS) {
            throw BoundedReader.malformed(field + " of " + bitCount + " bits");
        }
        return in.fixed((bitCount + 7) / 8, field);
    }

    private static PublicKey ed25519(byte[] point) throws GeneralSecurityException {
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(point, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    static byte[] fingerprintOf(byte[] body) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update((byte) 0x99);
            sha1.update((byte) (body.length >> 8));
            sha1.update((byte) body.length);
            sha1.update(body);
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** @return the fingerprint, 40 upper-case hex digits */
    public String fingerprint() {
        return HexFormat.of().withUpperCase().formatHex(fingerprint);
    }

    /** @return the fingerprint bytes (a copy) */
    public byte[] fingerprintBytes() {
        return fingerprint.clone();
    }

    /** @return the key id: the fingerprint's last 8 bytes */
    public byte[] keyIdBytes() {
        return Arrays.copyOfRange(fingerprint, 12, 20);
    }

    /** @return the key id, 16 upper-case hex digits */
    public String keyId() {
        return HexFormat.of().withUpperCase().formatHex(keyIdBytes());
    }

    /** @return the algorithm */
    public PgpAlgorithm algorithm() {
        return algorithm;
    }

    /** @return RSA modulus bits, or 256 */
    public int bits() {
        return bits;
    }

    /** @return the key's creation time */
    public Instant created() {
        return created;
    }

    /** @return the key for java.security */
    PublicKey publicKey() {
        return publicKey;
    }

    /** @return true for the RSA algorithms */
    boolean isRsa() {
        return algorithm == PgpAlgorithm.RSA || algorithm == PgpAlgorithm.RSA_SIGN_ONLY;
    }
}
