package io.github.umdosgi.pgp.handler;

/** The parser's bounds: every input, packet count, nesting and inflation is capped by these. */
final class Limits {

    /** Largest key file (as the JVM side allows). */
    static final int MAX_KEY_INPUT = 1 << 20;
    /** Largest signature file. */
    static final int MAX_SIGNATURE_INPUT = 64 << 10;
    /** Most packets in one input, counted over every nesting level. */
    static final int MAX_PACKETS = 2000;
    /** Compressed packets may nest this deep (one level is all a real file uses). */
    static final int MAX_NESTING = 2;
    /** Most bytes all compressed packets of one input may inflate to, together. */
    static final int MAX_INFLATED = 1 << 20;
    /** Most keys reported (as the reply format allows). */
    static final int MAX_KEYS = 32;
    /** Most user ids reported. */
    static final int MAX_USER_IDS = 16;
    /** Longest user id reported; longer ones are cut. */
    static final int MAX_USER_ID = 1024;

    private Limits() {
    }
}
