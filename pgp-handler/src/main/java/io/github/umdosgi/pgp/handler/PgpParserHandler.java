package io.github.umdosgi.pgp.handler;

import io.github.umdosgi.kit.JavaHandler;

/**
 * The pgp driver's handler ({@code java=io.github.umdosgi.pgp.handler.PgpParserHandler}): each
 * request is parsed by a {@link PgpParser}. A bug that escapes as an exception or an error (a stack
 * overflow, an out-of-memory exit) ends the process, and the manager starts a fresh one.
 */
public final class PgpParserHandler extends JavaHandler {

    private final PgpParser parser = new PgpParser();

    /** Instantiated by the kit's {@code main}. */
    public PgpParserHandler() {
    }

    @Override
    public byte[] handle(byte[] request) {
        return parser.parse(request);
    }
}
