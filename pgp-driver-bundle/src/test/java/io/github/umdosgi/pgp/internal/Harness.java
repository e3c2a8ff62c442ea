package io.github.umdosgi.pgp.internal;

import java.util.Set;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PublicKeyInfo;
import io.github.umdosgi.pgp.Verification;
import io.github.umdosgi.pgp.handler.PgpParser;
import io.github.umdosgi.pgp.internal.verify.SignatureVerifier;
import io.github.umdosgi.pgp.internal.verify.TrustedFingerprints;
import io.github.umdosgi.pgp.internal.wire.ReplyDecoder;
import io.github.umdosgi.pgp.internal.wire.RequestEncoder;

/**
 * The JVM side of the service, with the real parser class run in the test JVM in place of the driver
 * (the same bytes cross: request encoder, parser, reply decoder, verifier), so that tests can also put
 * a lying reply in between.
 */
final class Harness {

    private Harness() {
    }

    static byte[] parserReply(byte[] signature, byte[] key) {
        return new PgpParser().parse(RequestEncoder.keysAndSignature(key, signature));
    }

    static Verification verify(byte[] data, byte[] signature, byte[] key, Set<String> trusted) throws PgpException {
        return verifyReply(parserReply(signature, key), data, trusted);
    }

    static Verification verifyReply(byte[] reply, byte[] data, Set<String> trusted) throws PgpException {
        return SignatureVerifier.verify(ReplyDecoder.decode(reply, true), data, TrustedFingerprints.normalize(trusted));
    }

    static java.util.List<PublicKeyInfo> keys(byte[] key) throws PgpException {
        return SignatureVerifier.keys(ReplyDecoder.decode(new PgpParser().parse(RequestEncoder.keys(key)), false));
    }
}
