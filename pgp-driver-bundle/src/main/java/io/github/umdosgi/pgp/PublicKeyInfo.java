package io.github.umdosgi.pgp;

import java.time.Instant;
import java.util.List;

/**
 * One public key of a key file. The fingerprint, key id, algorithm, size and creation time come from
 * the key material, decoded and hashed by the JVM; the user ids are only what the parser claims (no
 * certification is checked) and are untrusted text.
 *
 * @param fingerprint v4 fingerprint, 40 upper-case hex digits
 * @param keyId the key id, 16 upper-case hex digits
 * @param algorithm the key's algorithm
 * @param bits the key size (RSA modulus bits; 256 for Ed25519)
 * @param created the key's creation time
 * @param primary true for the primary key, false for a subkey
 * @param claimedUserIds user ids the parser reported with the primary key (untrusted; empty for subkeys)
 */
public record PublicKeyInfo(String fingerprint, String keyId, PgpAlgorithm algorithm, int bits, Instant created,
        boolean primary, List<String> claimedUserIds) {

    /** Copies the list so the record stays immutable. */
    public PublicKeyInfo {
        claimedUserIds = List.copyOf(claimedUserIds);
    }
}
