package io.github.umdosgi.pgp.handler;

/** The input cannot be parsed within the parser's rules; the message becomes the reply's reason. */
final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    Refusal(String message) {
        super(message, null, false, false);
    }
}
