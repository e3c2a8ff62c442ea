package io.github.umdosgi.pgp.internal.verify;

import java.time.Instant;
import java.util.Optional;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.internal.wire.BoundedReader;

/**
 * What the JVM reads itself from a signature's hashed subpacket area (RFC 4880 5.2.3.1): the
 * creation time, the expiration and the issuer fingerprint. These bytes are covered by the signature,
 * so once it verifies they are the signer's, not the parser's. A critical subpacket of a kind not
 * read here makes the signature unusable, as the RFC requires.
 *
 * @param created the signature's creation time (subpacket 2, required)
 * @param expiresAfterSeconds the signature expiration (subpacket 3), 0 for none
 * @param issuerFingerprint the v4 issuer fingerprint (subpacket 33), if present
 */
record HashedSubpackets(Instant created, long expiresAfterSeconds, Optional<byte[]> issuerFingerprint) {

    private static final int CREATION_TIME = 2;
    private static final int EXPIRATION_TIME = 3;
    private static final int ISSUER_KEY_ID = 16;
    private static final int ISSUER_FINGERPRINT = 33;
    /** Read or harmless when critical: creation, expiration, issuer, issuer fingerprint. */
    private static boolean understood(int type) {
        return type == CREATION_TIME || type == EXPIRATION_TIME || type == ISSUER_KEY_ID || type == ISSUER_FINGERPRINT;
    }

    static HashedSubpackets read(byte[] area) throws PgpException {
        BoundedReader in = new BoundedReader(area);
        Instant created = null;
        long expires = 0;
        byte[] issuer = null;
        while (in.remaining() > 0) {
            long length = length(in);
            if (length < 1 || length > in.remaining()) {
                throw BoundedReader.malformed("hashed subpacket length " + length + " with " + in.remaining()
                        + " byte(s) left");
            }
            int typeByte = in.u8("subpacket type");
            int type = typeByte & 0x7f;
            byte[] body = in.fixed((int) length - 1, "subpacket " + type);
            if ((typeByte & 0x80) != 0 && !understood(type)) {
                throw new PgpException(PgpException.Reason.UNSUPPORTED, "the signature has a critical subpacket "
                        + type + " that this verifier does not understand");
            }
            switch (type) {
                case CREATION_TIME -> created = Instant.ofEpochSecond(u32(body, "creation time"));
                case EXPIRATION_TIME -> expires = u32(body, "expiration time");
                case ISSUER_FINGERPRINT -> {
                    if (body.length != 21 || body[0] != 4) {
                        throw new PgpException(PgpException.Reason.UNSUPPORTED,
                                "issuer fingerprint subpacket is not of a v4 key");
                    }
                    issuer = java.util.Arrays.copyOfRange(body, 1, 21);
                }
                default -> {
                    // not needed for verification
                }
            }
        }
        if (created == null) {
            throw new PgpException(PgpException.Reason.UNSUPPORTED,
                    "the signature has no hashed creation time (RFC 4880 requires one)");
        }
        return new HashedSubpackets(created, expires, Optional.ofNullable(issuer));
    }

    private static long length(BoundedReader in) throws PgpException {
        int first = in.u8("subpacket length");
        if (first < 192) {
            return first;
        }
        if (first < 255) {
            return ((first - 192) << 8) + in.u8("subpacket length") + 192;
        }
        return in.u32("subpacket length");
    }

    private static long u32(byte[] body, String field) throws PgpException {
        if (body.length != 4) {
            throw BoundedReader.malformed(field + " subpacket of " + body.length + " bytes");
        }
        return new BoundedReader(body).u32(field);
    }
}
