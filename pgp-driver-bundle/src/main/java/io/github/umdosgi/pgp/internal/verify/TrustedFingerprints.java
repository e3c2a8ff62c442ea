package io.github.umdosgi.pgp.internal.verify;

import java.util.HashSet;
import java.util.Set;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.impl.text.SafeText;

/** The caller's trusted fingerprints, checked and normalized: 40 upper-case hex digits each. */
public final class TrustedFingerprints {

    /** Most trusted fingerprints in one call. */
    public static final int MAX = 1024;

    private TrustedFingerprints() {
    }

    /**
     * @param fingerprints v4 fingerprints, any case, spaces allowed between digits
     * @return the normalized set
     * @throws PgpException {@code BAD_INPUT} naming the first malformed one, or for an empty or huge set
     */
    public static Set<String> normalize(Set<String> fingerprints) throws PgpException {
        if (fingerprints == null || fingerprints.isEmpty()) {
            throw new PgpException(PgpException.Reason.BAD_INPUT, "no trusted fingerprint given");
        }
        if (fingerprints.size() > MAX) {
            throw new PgpException(PgpException.Reason.BAD_INPUT, fingerprints.size()
                    + " trusted fingerprints, at most " + MAX);
        }
        Set<String> out = new HashSet<>();
        for (String f : fingerprints) {
            String hex = f == null ? "" : f.replace(" ", "");
            if (hex.length() != 40 || !hex.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0)) {
                throw new PgpException(PgpException.Reason.BAD_INPUT, "trusted fingerprint " + SafeText.quoted(f, 256)
                        + " is not 40 hex digits (a v4 fingerprint)");
            }
            out.add(hex.toUpperCase(java.util.Locale.ROOT));
        }
        return out;
    }
}
