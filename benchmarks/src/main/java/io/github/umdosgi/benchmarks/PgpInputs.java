package io.github.umdosgi.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.util.Date;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

/**
 * The inputs of the {@code pgp} section, made by Bouncy Castle in the harness JVM at the start of
 * the section: a key (Ed25519 or RSA-2048) with a self-certified user id, a file of random bytes
 * and a binary detached SHA-256 signature over it; and the in-JVM baselines, {@link #verifyInJvm(boolean)},
 * which parse and verify the same bytes with Bouncy Castle as an application without the driver
 * would: with the Bouncy Castle provider for the digest and the signature check, or with the
 * JDK's providers (whose SHA-256 uses the CPU's SHA instructions where there are any). The Bouncy Castle provider is used as an instance, never registered with
 * {@link java.security.Security}, so that the driver bundle's own {@code java.security} look-ups in the
 * same JVM are unaffected. Immutable.
 *
 * @param name the row name, e.g. {@code ed25519.1k}
 * @param data the signed file
 * @param signature the detached signature
 * @param publicKey the transferable public key, binary
 * @param fingerprint its v4 fingerprint, 40 upper-case hex digits
 */
record PgpInputs(String name, byte[] data, byte[] signature, byte[] publicKey, String fingerprint) {

    private static final Provider BC = new BouncyCastleProvider();

    /** The key algorithms measured, as row-name prefixes. */
    enum KeyType {
        ED25519("ed25519", "Ed25519", 0, PublicKeyAlgorithmTags.EDDSA_LEGACY),
        RSA2048("rsa2048", "RSA", 2048, PublicKeyAlgorithmTags.RSA_GENERAL);

        final String label;
        private final String jca;
        private final int bits;
        private final int pgpAlgorithm;

        KeyType(String label, String jca, int bits, int pgpAlgorithm) {
            this.label = label;
            this.jca = jca;
            this.bits = bits;
            this.pgpAlgorithm = pgpAlgorithm;
        }
    }

    /** A key pair with its certified public key, to sign several files with. */
    record Signer(KeyType type, PGPKeyPair pair, byte[] publicKey) {

        /** @return a new key of the type, certified with a user id */
        static Signer make(KeyType type) throws Exception {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance(type.jca, BC);
            if (type.bits > 0) {
                kpg.initialize(type.bits);
            }
            PGPKeyPair pair = new JcaPGPKeyPair(type.pgpAlgorithm, kpg.generateKeyPair(), new Date());
            PGPSignatureGenerator gen = generator(pair);
            gen.init(PGPSignature.POSITIVE_CERTIFICATION, pair.getPrivateKey());
            String uid = "Benchmark " + type.label + " <bench@example.org>";
            PGPPublicKey certified = PGPPublicKey.addCertification(pair.getPublicKey(), uid,
                    gen.generateCertification(uid, pair.getPublicKey()));
            return new Signer(type, pair, certified.getEncoded());
        }

        /**
         * @param sizeLabel the size part of the row name, e.g. {@code 1k}
         * @param size how many random bytes to sign
         * @param seed seeds the bytes, so that runs sign the same content
         * @return the inputs
         */
        PgpInputs sign(String sizeLabel, int size, long seed) throws Exception {
            byte[] data = new byte[size];
            new Random(seed).nextBytes(data);
            PGPSignatureGenerator gen = generator(pair);
            gen.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, new Date());
            hashed.setIssuerFingerprint(false, pair.getPublicKey());
            gen.setHashedSubpackets(hashed.generate());
            PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
            unhashed.setIssuerKeyID(false, pair.getKeyID());
            gen.setUnhashedSubpackets(unhashed.generate());
            gen.update(data);
            String fingerprint = HexFormat.of().withUpperCase().formatHex(pair.getPublicKey().getFingerprint());
            return new PgpInputs(type.label + "." + sizeLabel, data, gen.generate().getEncoded(), publicKey,
                    fingerprint);
        }

        private static PGPSignatureGenerator generator(PGPKeyPair pair) {
            return new PGPSignatureGenerator(new JcaPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(),
                    HashAlgorithmTags.SHA256).setProvider(BC), pair.getPublicKey());
        }
    }

    /** @return the trusted fingerprints to pass with every verification: this key only */
    Set<String> trusted() {
        return Set.of(fingerprint);
    }

    /**
     * The baseline: parses the key and the signature and verifies the signature over the data with
     * Bouncy Castle in this JVM, checking that the signing key is the trusted one, as the driver does.
     *
     * @param jdkProviders true to have the digest and the signature computed by the JDK's providers,
     *        false for the Bouncy Castle provider
     * @throws PGPException the signature does not verify or the key is not the trusted one
     * @throws IOException the key or the signature does not parse
     */
    void verifyInJvm(boolean jdkProviders) throws PGPException, IOException {
        PGPPublicKeyRing ring = new PGPPublicKeyRing(decoder(publicKey), new JcaKeyFingerprintCalculator());
        Object object = new JcaPGPObjectFactory(decoder(signature)).nextObject();
        if (!(object instanceof PGPSignatureList list) || list.isEmpty()) {
            throw new PGPException(name + ": no signature packet");
        }
        PGPSignature sig = list.get(0);
        PGPPublicKey key = ring.getPublicKey(sig.getKeyID());
        if (key == null || !HexFormat.of().withUpperCase().formatHex(key.getFingerprint()).equals(fingerprint)) {
            throw new PGPException(name + ": signed by a key that is not trusted");
        }
        JcaPGPContentVerifierBuilderProvider verifiers = new JcaPGPContentVerifierBuilderProvider();
        sig.init(jdkProviders ? verifiers : verifiers.setProvider(BC), key);
        sig.update(data);
        if (!sig.verify()) {
            throw new PGPException(name + ": the signature does not verify");
        }
    }

    private static InputStream decoder(byte[] bytes) throws IOException {
        return PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes));
    }
}
