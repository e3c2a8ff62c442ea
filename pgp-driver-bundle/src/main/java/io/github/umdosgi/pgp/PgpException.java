package io.github.umdosgi.pgp;

/**
 * A verification or a key listing failed, for the {@link Reason} given. The message is one line,
 * safe to print: text the driver sent is escaped in it.
 */
public final class PgpException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why it failed. */
    public enum Reason {
        /** The caller's input was unusable before any parsing (too large, a malformed trusted fingerprint). */
        BAD_INPUT,
        /** The parser refused the key or signature (malformed, too many packets, nested too deep...). */
        PARSE_REFUSED,
        /** The driver's reply broke the reply format: the parser is faulty or lying. */
        MALFORMED_REPLY,
        /** A version, algorithm, digest or signature type that this verifier does not handle. */
        UNSUPPORTED,
        /** The key file holds no key with the signature's issuer key id. */
        UNKNOWN_ISSUER,
        /** The signing key's fingerprint is not among the trusted ones. */
        UNTRUSTED_KEY,
        /** The signature does not verify over the data with the key. */
        BAD_SIGNATURE
    }

    private final Reason reason;

    /**
     * @param reason why it failed
     * @param message a one-line, already escaped reason
     */
    public PgpException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * @param reason why it failed
     * @param message a one-line, already escaped reason
     * @param cause what failed underneath
     */
    public PgpException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why it failed */
    public Reason reason() {
        return reason;
    }
}
