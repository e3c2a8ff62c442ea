package io.github.umdosgi.pgp;

import java.util.List;
import java.util.Set;

import io.github.umdosgi.api.UmdException;

/**
 * Verifies OpenPGP detached signatures (RSA PKCS#1 v1.5 with SHA-256/384/512, Ed25519) over data,
 * parsing the untrusted key and signature in the sandboxed {@code pgp} driver. Implemented by the
 * driver bundle; consumers only call it.
 */
public interface PgpVerifier {

    /** The name of the driver that parses OpenPGP input. */
    String DRIVER_NAME = "pgp";

    /** Largest key file accepted, armored or binary: 1 MiB. */
    int MAX_KEY_SIZE = 1 << 20;

    /** Largest signature file accepted, armored or binary: 64 KiB. */
    int MAX_SIGNATURE_SIZE = 64 << 10;

    /**
     * Verifies a detached signature.
     *
     * @param data the signed data (hashed by this JVM, never sent to the driver)
     * @param signature the detached signature, armored or binary
     * @param key the signer's public key (a transferable public key, armored or binary)
     * @param trustedFingerprints v4 fingerprints (40 hex digits, any case, spaces allowed) of the keys
     *        the caller trusts; the signing key's fingerprint must be one of them
     * @return who signed, when, with what
     * @throws PgpException the signature is not valid for a trusted key, or the input was refused;
     *         {@link PgpException#reason()} says which
     * @throws UmdException the driver could not be called (not loaded, timed out, died)
     */
    Verification verify(byte[] data, byte[] signature, byte[] key, Set<String> trustedFingerprints)
            throws PgpException, UmdException;

    /**
     * Lists the public keys (primary and subkeys) of a key file, each with the fingerprint computed by
     * this JVM from the key material.
     *
     * @param key the key file, armored or binary
     * @return the keys, primary first
     * @throws PgpException the input was refused, or the driver's reply was malformed
     * @throws UmdException the driver could not be called
     */
    List<PublicKeyInfo> keys(byte[] key) throws PgpException, UmdException;
}
