package io.github.umdosgi.benchmarks;

import io.github.umdosgi.kit.JavaHandler;

/** The Java handler the {@code java} section starts: the handler kit's loop, echoing each request. */
public final class KitEcho extends JavaHandler {

    /** For the kit's main. */
    public KitEcho() {
    }

    @Override
    public byte[] handle(byte[] request) {
        return request;
    }
}
