package io.github.umdosgi.pgp.internal.service;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PgpVerifier;
import io.github.umdosgi.pgp.PublicKeyInfo;
import io.github.umdosgi.pgp.Verification;
import io.github.umdosgi.pgp.internal.verify.SignatureVerifier;
import io.github.umdosgi.pgp.internal.verify.TrustedFingerprints;
import io.github.umdosgi.pgp.internal.wire.ReplyDecoder;
import io.github.umdosgi.pgp.internal.wire.RequestEncoder;

/**
 * The {@link PgpVerifier} service: sends the key and signature (never the data) to the {@code pgp}
 * driver, decodes the reply strictly and verifies in this JVM. Stateless; the manager serializes or
 * spreads the calls over the driver's instances.
 */
@Component(service = PgpVerifier.class)
public final class PgpVerifierComponent implements PgpVerifier {

    /** A parse of at most 1 MiB of key and 64 KiB of signature takes milliseconds; a hang is killed at this. */
    static final Duration PARSE_TIMEOUT = Duration.ofSeconds(10);

    private final UmdManager manager;

    /** @param manager the manager running the driver */
    @Activate
    public PgpVerifierComponent(@Reference(name = "manager") UmdManager manager) {
        this.manager = manager;
    }

    @Override
    public Verification verify(byte[] data, byte[] signature, byte[] key, Set<String> trustedFingerprints)
            throws PgpException, UmdException {
        if (data == null) {
            throw new PgpException(PgpException.Reason.BAD_INPUT, "no data given");
        }
        Set<String> trusted = TrustedFingerprints.normalize(trustedFingerprints);
        checkSize("key", key, MAX_KEY_SIZE);
        checkSize("signature", signature, MAX_SIGNATURE_SIZE);
        byte[] reply = manager.call(DRIVER_NAME, RequestEncoder.keysAndSignature(key, signature), PARSE_TIMEOUT);
        return SignatureVerifier.verify(ReplyDecoder.decode(reply, true), data, trusted);
    }

    @Override
    public List<PublicKeyInfo> keys(byte[] key) throws PgpException, UmdException {
        checkSize("key", key, MAX_KEY_SIZE);
        byte[] reply = manager.call(DRIVER_NAME, RequestEncoder.keys(key), PARSE_TIMEOUT);
        return SignatureVerifier.keys(ReplyDecoder.decode(reply, false));
    }

    private static void checkSize(String what, byte[] bytes, int max) throws PgpException {
        if (bytes == null || bytes.length == 0) {
            throw new PgpException(PgpException.Reason.BAD_INPUT, "no " + what + " given");
        }
        if (bytes.length > max) {
            throw new PgpException(PgpException.Reason.BAD_INPUT, what + " of " + bytes.length
                    + " bytes exceeds " + max);
        }
    }
}
