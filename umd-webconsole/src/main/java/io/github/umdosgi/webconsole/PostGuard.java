package io.github.umdosgi.webconsole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps other web sites from making an operator's browser restart or kill
 * drivers. The Web Console authenticates every request (HTTP Basic by
 * default), but a browser replays Basic credentials on any request to the
 * console, a cross-site form POST included; the console itself has no
 * request forgery protection. So an action is accepted only when it carries
 * this page's token (a random value, shown only in the page's own forms,
 * which another origin cannot read) and, when the browser says where the
 * request came from ({@code Sec-Fetch-Site}, {@code Origin}), it came from
 * the console's own origin.
 *
 * <p>Immutable: the token is drawn once per plugin activation.
 */
final class PostGuard {

    /** The form field that carries the token. */
    static final String TOKEN_FIELD = "umd-token";

    private final String token;

    private PostGuard(String token) {
        this.token = token;
    }

    /** @return a guard with a fresh random token of 256 bits */
    static PostGuard random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new PostGuard(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** @return the token to put into the page's forms; URL- and HTML-safe */
    String token() {
        return token;
    }

    /**
     * @param sentToken the token field of the request, or null
     * @param secFetchSite the {@code Sec-Fetch-Site} header, or null
     * @param origin the {@code Origin} header, or null
     * @param scheme the request's scheme, e.g. {@code http}
     * @param host the request's {@code Host} header, or null
     * @return empty when the request may act, else why not (fixed text, no request data)
     */
    Optional<String> refusal(String sentToken, String secFetchSite, String origin, String scheme, String host) {
        if (secFetchSite != null) {
            String site = secFetchSite.trim().toLowerCase(Locale.ROOT);
            if (!site.equals("same-origin") && !site.equals("none")) {
                return Optional.of("the request came from another site (Sec-Fetch-Site: not same-origin)");
            }
        }
        if (origin != null && !origin.equalsIgnoreCase(scheme + "://" + host)) {
            return Optional.of("the request came from another origin than the console's");
        }
        if (sentToken == null || sentToken.isEmpty()) {
            return Optional.of("the request carries no " + TOKEN_FIELD + " (use the buttons of the umd page)");
        }
        // constant time, so the token cannot be guessed byte by byte from response times
        if (!MessageDigest.isEqual(sentToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of("the request's " + TOKEN_FIELD + " is not this page's (reload the page)");
        }
        return Optional.empty();
    }
}
