package io.github.umdosgi.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class PostGuardTest {

    private final PostGuard guard = PostGuard.random();

    @Test
    void thePagesOwnTokenFromTheSameOriginMayAct() {
        assertEquals(Optional.empty(), guard.refusal(guard.token(), "same-origin", "http://127.0.0.1:8080", "http",
                "127.0.0.1:8080"));
        // older browsers send neither header
        assertEquals(Optional.empty(), guard.refusal(guard.token(), null, null, "http", "127.0.0.1:8080"));
    }

    @Test
    void aMissingOrWrongTokenIsRefused() {
        assertTrue(guard.refusal(null, null, null, "http", "h").get().contains("carries no"));
        assertTrue(guard.refusal("", null, null, "http", "h").get().contains("carries no"));
        assertTrue(guard.refusal(guard.token() + "x", null, null, "http", "h").get().contains("not this page's"));
        assertTrue(guard.refusal(PostGuard.random().token(), null, null, "http", "h").isPresent());
    }

    @Test
    void anotherSiteIsRefusedEvenWithTheToken() {
        assertTrue(guard.refusal(guard.token(), "cross-site", null, "http", "127.0.0.1:8080").isPresent());
        assertTrue(guard.refusal(guard.token(), "same-site", null, "http", "127.0.0.1:8080").isPresent());
        assertTrue(guard.refusal(guard.token(), null, "http://evil.example", "http", "127.0.0.1:8080").isPresent());
    }

    @Test
    void tokensAreRandomAndUrlSafe() {
        assertNotEquals(guard.token(), PostGuard.random().token());
        assertTrue(guard.token().matches("[A-Za-z0-9_-]{43}"), guard.token());
    }
}
