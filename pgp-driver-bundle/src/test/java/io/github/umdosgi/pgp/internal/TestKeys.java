package io.github.umdosgi.pgp.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.util.Date;
import java.util.HexFormat;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

/** Keys and detached signatures made with Bouncy Castle during the test, as gpg would write them. */
public final class TestKeys {

    static {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    /** A key pair with its self-certified public key. */
    public record Key(PGPKeyPair pair, byte[] publicKey) {
        /** @return the v4 fingerprint, upper-case hex, as Bouncy Castle computes it */
        public String fingerprint() {
            return HexFormat.of().withUpperCase().formatHex(pair.getPublicKey().getFingerprint());
        }

        /** @return the public key, ASCII-armored */
        public byte[] armoredPublicKey() {
            return armor(publicKey);
        }

        /**
         * @param data the data
         * @param hash an OpenPGP hash id
         * @param type the signature type (0 binary, 1 text)
         * @return a binary detached signature over the data
         */
        public byte[] sign(byte[] data, int hash, int type) {
            try {
                PGPSignatureGenerator gen = new PGPSignatureGenerator(
                        new JcaPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(), hash).setProvider("BC"),
                        pair.getPublicKey());
                gen.init(type, pair.getPrivateKey());
                PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
                hashed.setSignatureCreationTime(false, new Date());
                hashed.setIssuerFingerprint(false, pair.getPublicKey());
                gen.setHashedSubpackets(hashed.generate());
                PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
                unhashed.setIssuerKeyID(false, pair.getKeyID());
                gen.setUnhashedSubpackets(unhashed.generate());
                gen.update(data);
                return gen.generate().getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** @return a binary SHA-256 signature over the data */
        public byte[] sign(byte[] data) {
            return sign(data, HashAlgorithmTags.SHA256, PGPSignature.BINARY_DOCUMENT);
        }
    }

    private TestKeys() {
    }

    /** @return a new RSA 2048 key with a user id */
    public static Key rsa() {
        return make("RSA", 2048, PublicKeyAlgorithmTags.RSA_GENERAL);
    }

    /** @return a new Ed25519 key (legacy EdDSA encoding, as gpg writes it) with a user id */
    public static Key ed25519() {
        return make("Ed25519", 0, PublicKeyAlgorithmTags.EDDSA_LEGACY);
    }

    private static Key make(String algorithm, int bits, int pgpAlgorithm) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance(algorithm, "BC");
            if (bits > 0) {
                kpg.initialize(bits);
            }
            PGPKeyPair pair = new JcaPGPKeyPair(pgpAlgorithm, kpg.generateKeyPair(), new Date());
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(pgpAlgorithm, HashAlgorithmTags.SHA256).setProvider("BC"),
                    pair.getPublicKey());
            gen.init(PGPSignature.POSITIVE_CERTIFICATION, pair.getPrivateKey());
            String uid = "Test " + algorithm + " <test@example.org>";
            PGPPublicKey certified = PGPPublicKey.addCertification(pair.getPublicKey(), uid,
                    gen.generateCertification(uid, pair.getPublicKey()));
            return new Key(pair, certified.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the bytes ASCII-armored */
    public static byte[] armor(byte[] binary) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
                armored.write(binary);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
