package io.github.umdosgi.pgp.internal.wire;

/**
 * Constants of the request and reply formats between this bundle and the pgp parser (described in
 * the module's README, "The wire format"). All integers are big-endian and unsigned.
 */
public final class WireFormat {

    /** Magic of a request: {@code UPGQ}. */
    public static final byte[] REQUEST_MAGIC = {'U', 'P', 'G', 'Q'};
    /** Magic of a reply: {@code UPGR}. */
    public static final byte[] REPLY_MAGIC = {'U', 'P', 'G', 'R'};
    /** The only version of both formats. */
    public static final int VERSION = 1;

    /** Request: parse a key file. */
    public static final int OP_KEYS = 1;
    /** Request: parse a key file and a detached signature. */
    public static final int OP_KEYS_AND_SIGNATURE = 2;

    /** Reply status: parsed. */
    public static final int STATUS_PARSED = 0;
    /** Reply status: the parser refused the input, with a reason. */
    public static final int STATUS_REFUSED = 1;

    /** Largest reply accepted. */
    public static final int MAX_REPLY = 256 << 10;
    /** Largest refusal reason, bytes. */
    public static final int MAX_REASON = 1024;
    /** Most keys (primary and subkeys) in one reply. */
    public static final int MAX_KEYS = 32;
    /** Largest public key packet body (an RSA 8192 key is about 1.1 KB). */
    public static final int MAX_KEY_BODY = 4096;
    /** Most user ids reported with one key. */
    public static final int MAX_USER_IDS = 16;
    /** Largest user id, bytes. */
    public static final int MAX_USER_ID = 1024;
    /** Largest hashed subpacket area. */
    public static final int MAX_HASHED_AREA = 8192;
    /** Most signature values (RSA: 1, EdDSA: r and s). */
    public static final int MAX_SIGNATURE_VALUES = 2;
    /** Largest signature value, bytes (RSA 8192). */
    public static final int MAX_SIGNATURE_VALUE = 1024;

    private WireFormat() {
    }
}
