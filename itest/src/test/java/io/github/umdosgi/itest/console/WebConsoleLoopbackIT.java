package io.github.umdosgi.itest.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.itest.lifecycle.Distribution;

/**
 * The distribution's Web Console listens on the loopback address only,
 * unless the operator gives another address: the kernel's socket table
 * shows what was bound, and where this host has another address, a
 * connection to it is refused. The same checks against a run told to listen
 * everywhere show that they can fail.
 *
 * <p>A plain JUnit test (no framework in this JVM). Skipped, with a message,
 * when the distribution is not built.
 */
public class WebConsoleLoopbackIT {

    @Rule
    public final TestName testName = new TestName();

    private Path launcher;
    private Path work;

    @Before
    public void locateDistribution() throws IOException {
        launcher = Distribution.launcher(getClass());
        work = Distribution.freshWork(getClass().getSimpleName(), testName.getMethodName());
    }

    @Test
    public void listensOnLoopbackOnlyByDefault() throws Exception {
        try (ConsoleLaunch run = ConsoleLaunch.start(launcher, work, "default",
                Files.createDirectories(work.resolve("deploy")))) {
            List<InetAddress> bound = awaitListening(run);
            for (InetAddress a : bound) {
                assertTrue("the console listens on " + a + ", not only on loopback: " + bound, a.isLoopbackAddress());
            }
            run.awaitDrivers("sample"); // the page answers on loopback
            Optional<InetAddress> other = otherLocalAddress();
            System.out.println("[WebConsoleLoopbackIT] bound " + bound + "; another address of this host: " + other);
            other.ifPresent(a -> assertFalse("a connection to " + a + " must be refused", connects(a, run.port())));
            assertEquals("the distribution stopped in order\n" + run.output(), 0, run.stop());
        }
    }

    @Test
    public void listensWhereTheOperatorSays() throws Exception {
        try (ConsoleLaunch run = ConsoleLaunch.start(launcher, work, "anywhere",
                Files.createDirectories(work.resolve("deploy")), "-Dorg.apache.felix.http.host=0.0.0.0")) {
            List<InetAddress> bound = awaitListening(run);
            assertTrue("told to listen everywhere, it does: " + bound, bound.stream().anyMatch(InetAddress::isAnyLocalAddress));
            Optional<InetAddress> other = otherLocalAddress();
            other.ifPresent(a -> assertTrue("a connection to " + a + " is accepted", connects(a, run.port())));
            assertEquals("the distribution stopped in order\n" + run.output(), 0, run.stop());
        }
    }

    private static List<InetAddress> awaitListening(ConsoleLaunch run) {
        return Waits.waitFor("a socket listening on port " + run.port(), ConsoleLaunch.LIMIT, () -> {
            run.assertAlive();
            return ListeningSockets.on(run.port());
        }, list -> !list.isEmpty());
    }

    /** An IPv4 address of this host that is not loopback, if it has one. */
    private static Optional<InetAddress> otherLocalAddress() throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 3000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
