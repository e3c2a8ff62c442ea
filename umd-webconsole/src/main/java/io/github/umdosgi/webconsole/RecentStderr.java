package io.github.umdosgi.webconsole;

import java.util.List;
import java.util.Optional;

/**
 * A driver's recent stderr as the detail view shows it: the raw lines
 * (untrusted, escaped when shown), or why there are none to show.
 *
 * @param lines the lines, newest last, when they could be read
 * @param unavailable why not, when they could not
 */
record RecentStderr(Optional<List<String>> lines, String unavailable) {

    /** @return lines read from the manager */
    static RecentStderr of(List<String> lines) {
        return new RecentStderr(Optional.of(List.copyOf(lines)), "");
    }

    /** @return no lines, for the given reason */
    static RecentStderr unavailable(String reason) {
        return new RecentStderr(Optional.empty(), reason);
    }
}
