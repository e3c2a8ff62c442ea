package io.github.umdosgi.webconsole;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.Sandbox;

class DriverTableTest {

    private static final String HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\u001b[2J";

    private static DriverInfo hostile(Sandbox sandbox) {
        DriverDescriptor settings = DriverDescriptor.builder("evil", "bin/evil").sandbox(sandbox)
                .environment(List.of("TZ")).build();
        return new DriverInfo("evil", 7, "bundle." + HOSTILE, DriverState.FAILED,
                List.of(new InstanceInfo(0, OptionalLong.of(4242), false, 3, 2)), 3, 1, 2, Optional.of(HOSTILE),
                Optional.of(settings));
    }

    private static void assertInert(String html) {
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("\u001b"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;\\e[2J"), html);
    }

    @Test
    void tableShowsHostileTextInertAndTheCounters() {
        String html = DriverTable.render(List.of(hostile(Sandbox.DEFAULT)), Optional.of(new Outcome(false, HOSTILE)),
                "/system/console/umd", "tok");
        assertInert(html);
        assertTrue(html.contains("<td class=\"umd-pids\">4242</td>"), html);
        assertTrue(html.contains("<td class=\"umd-state\">FAILED</td>"), html);
        assertTrue(html.contains("<td class=\"umd-sandbox\">default</td>"), html);
        assertTrue(html.contains("name=\"umd-token\" value=\"tok\""), html);
        assertTrue(html.contains("href=\"/system/console/umd?driver=evil\""), html);
    }

    @Test
    void anUnconfinedDriverStandsOut() {
        String html = DriverTable.render(List.of(hostile(Sandbox.builder().profile(Sandbox.Profile.NONE).build())),
                Optional.empty(), "/r", "t");
        assertTrue(html.contains("NONE!"), html);
    }

    @Test
    void detailShowsStderrLinesInertAndTheSettings() {
        String html = DriverDetail.render(hostile(Sandbox.DEFAULT), RecentStderr.of(List.of("line 1", HOSTILE)),
                Optional.empty(), "/system/console/umd", "tok");
        assertInert(html);
        assertTrue(html.contains("<pre id=\"umd-stderr\">line 1\n&lt;script&gt;"), html);
        assertTrue(html.contains("bin/evil"), html);
        assertTrue(html.contains("memory 512 MiB"), html);
        assertTrue(html.contains("<td>TZ</td>"), html);
    }
}
