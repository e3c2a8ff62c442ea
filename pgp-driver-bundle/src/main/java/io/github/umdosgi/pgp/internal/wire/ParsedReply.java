package io.github.umdosgi.pgp.internal.wire;

import java.util.List;
import java.util.Optional;

/**
 * A reply of the parser, decoded and bounded but not yet believed: the key bodies are raw, the
 * signature fields are as the parser claims. {@code io.github.umdosgi.pgp.internal.verify} decides
 * what they are worth.
 *
 * @param keys the keys, in reply order
 * @param signature the signature, for a keys-and-signature request
 */
public record ParsedReply(List<Key> keys, Optional<Signature> signature) {

    /** Copies the list. */
    public ParsedReply {
        keys = List.copyOf(keys);
    }

    /**
     * One key of the reply.
     *
     * @param primary the parser says it is the primary key
     * @param body the v4 public key packet body, raw
     * @param userIds the user ids the parser reported, raw UTF-8 (untrusted)
     */
    public record Key(boolean primary, byte[] body, List<byte[]> userIds) {
        /** Copies the list. */
        public Key {
            userIds = List.copyOf(userIds);
        }
    }

    /**
     * The signature's fields as the parser reports them.
     *
     * @param version the signature version
     * @param type the signature type (0 binary, 1 text)
     * @param publicKeyAlgorithm the OpenPGP public key algorithm id
     * @param hashAlgorithm the OpenPGP hash algorithm id
     * @param hashedArea the hashed subpacket area, raw
     * @param issuerKeyId the issuer key id the parser found (8 bytes)
     * @param left16 the first two bytes of the signed digest
     * @param values the signature values (MPIs or raw), unsigned big-endian
     */
    public record Signature(int version, int type, int publicKeyAlgorithm, int hashAlgorithm, byte[] hashedArea,
            byte[] issuerKeyId, byte[] left16, List<byte[]> values) {
        /** Copies the list. */
        public Signature {
            values = List.copyOf(values);
        }
    }
}
