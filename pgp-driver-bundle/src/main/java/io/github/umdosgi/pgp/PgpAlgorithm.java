package io.github.umdosgi.pgp;

/** The public key algorithms this verifier handles, with their OpenPGP ids. */
public enum PgpAlgorithm {
    /** RSA (encrypt or sign), id 1. */
    RSA(1),
    /** RSA sign-only, id 3 (deprecated, still met in old keys). */
    RSA_SIGN_ONLY(3),
    /** Ed25519 in the legacy EdDSA encoding (id 22, curve OID 1.3.6.1.4.1.11591.15.1), as GnuPG makes it. */
    EDDSA_LEGACY_ED25519(22),
    /** Ed25519 as RFC 9580 encodes it, id 27. */
    ED25519(27);

    private final int id;

    PgpAlgorithm(int id) {
        this.id = id;
    }

    /** @return the OpenPGP public key algorithm id */
    public int id() {
        return id;
    }
}
