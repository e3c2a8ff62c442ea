package io.github.umdosgi.pgp.internal.verify;

import java.util.HexFormat;

import io.github.umdosgi.pgp.PgpException;

/**
 * The digests accepted in signatures, with their OpenPGP ids (RFC 4880 9.4) and the DER DigestInfo
 * prefix that RSA PKCS#1 v1.5 signs (RFC 8017 9.2). SHA-1 and MD5 are refused.
 */
enum HashAlgorithm {
    SHA256(8, "SHA-256", "3031300d060960864801650304020105000420"),
    SHA384(9, "SHA-384", "3041300d060960864801650304020205000430"),
    SHA512(10, "SHA-512", "3051300d060960864801650304020305000440"),
    SHA224(11, "SHA-224", "302d300d06096086480165030402040500041c");

    private final int id;
    private final String javaName;
    private final byte[] digestInfoPrefix;

    HashAlgorithm(int id, String javaName, String digestInfoPrefix) {
        this.id = id;
        this.javaName = javaName;
        this.digestInfoPrefix = HexFormat.of().parseHex(digestInfoPrefix);
    }

    static HashAlgorithm of(int id) throws PgpException {
        for (HashAlgorithm h : values()) {
            if (h.id == id) {
                return h;
            }
        }
        throw new PgpException(PgpException.Reason.UNSUPPORTED, "hash algorithm " + id
                + " is not accepted (SHA-224 11, SHA-256 8, SHA-384 9, SHA-512 10)");
    }

    String javaName() {
        return javaName;
    }

    byte[] digestInfoPrefix() {
        return digestInfoPrefix.clone();
    }
}
