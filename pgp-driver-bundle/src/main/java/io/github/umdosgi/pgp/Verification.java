package io.github.umdosgi.pgp;

import java.time.Instant;

/**
 * A successful verification: the signing key (its fingerprint computed by the JVM, one of the
 * trusted ones) and the signature's creation time from its hashed (signed) subpackets.
 *
 * @param fingerprint the signing key's v4 fingerprint, 40 upper-case hex digits
 * @param keyId the key id (the fingerprint's last 16 hex digits)
 * @param algorithm the key's algorithm
 * @param hashAlgorithm the signature's digest, e.g. {@code SHA-256}
 * @param keyCreated the key's creation time
 * @param signatureCreated the signature's creation time
 */
public record Verification(String fingerprint, String keyId, PgpAlgorithm algorithm, String hashAlgorithm,
        Instant keyCreated, Instant signatureCreated) {
}
