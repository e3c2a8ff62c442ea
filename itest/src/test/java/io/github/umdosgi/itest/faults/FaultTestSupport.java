package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Shared by the fault injection tests: driver bundles that run the test-only {@code fault-handler}
 * (see its source for the opcodes: the first byte of a request picks the fault), typed-exception
 * checks, and the leak check that ends every case and prints its figures.
 */
public abstract class FaultTestSupport extends UmdTestSupport {

    /** The test-only handler built by sample-handler from {@code fault-handler.c}. */
    static final String FAULT_HANDLER = "fault-handler";

    /** Where the handler lies inside the test bundles. */
    static final String HANDLER_PATH = "bin/fault-handler";

    /** The header attribute of a test that needs the handler unconfined; each such test says why. */
    static final String UNCONFINED = "sandbox=none";

    /** Slack for fds and threads in {@link LeakProbe#assertNoGrowth}: the JDK opens and pools a few. */
    static final int SLACK = 4;

    /** The fault handler's bytes. */
    static byte[] faultHandler() {
        return DriverBundles.handler(FAULT_HANDLER);
    }

    /** Its digest, checked against the one the sample-handler build recorded. */
    static String faultDigest() {
        String digest = DriverBundles.sha256(faultHandler());
        assertEquals("digest recorded by the sample-handler build", DriverBundles.recordedSha256(FAULT_HANDLER),
                digest);
        return digest;
    }

    /**
     * Installs (not starts) a header-only driver bundle running the fault handler.
     *
     * @param attributes extra header attributes without the leading ';', or ""
     */
    protected Bundle installFaultDriver(String driver, String attributes) throws BundleException {
        String header = driver + ";handler=" + HANDLER_PATH + ";sha256=" + faultDigest()
                + (attributes.isEmpty() ? "" : ";" + attributes);
        return install("itest:fault-" + driver, BundleJar.named("itest.fault." + driver)
                .driverHeader(header).entry(HANDLER_PATH, faultHandler()), driver);
    }

    /** As {@link #installFaultDriver}, then starts it and checks the driver is IDLE with a handler. */
    protected Bundle startFaultDriver(String driver, String attributes) throws BundleException {
        Bundle b = installFaultDriver(driver, attributes);
        b.start();
        DriverInfo d = info(driver);
        assertEquals("loaded by the bundle start: " + d, DriverState.IDLE, d.state());
        assertTrue("handler runs: " + d, d.pid().isPresent());
        return b;
    }

    /** A started bundle that embeds the fault handler without declaring a driver: for programmatic loads. */
    protected Bundle startOwnerBundle(String driver) throws BundleException {
        Bundle b = install("itest:fault-owner-" + driver, BundleJar.named("itest.fault.owner." + driver)
                .entry(HANDLER_PATH, faultHandler()), driver);
        b.start();
        return b;
    }

    /** A request: the opcode byte, then the data. */
    static byte[] req(char op, String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        byte[] r = new byte[d.length + 1];
        r[0] = (byte) op;
        System.arraycopy(d, 0, r, 1, d.length);
        return r;
    }

    static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }

    /** One call that must not hang, with the driver's timeout; returns the reply as text. */
    protected String call(String driver, char op, String data) throws Exception {
        return text(Waits.runBounded("call " + op + " on " + driver, () -> umd.call(driver, req(op, data))));
    }

    /** An echo call that must work: the manager is usable. */
    protected void assertEchoWorks(String driver, String payload) throws Exception {
        byte[] reply = Waits.runBounded("echo call on " + driver, () -> umd.call(driver, req('E', payload)));
        assertArrayEquals("echo of '" + payload + "' on " + driver + ", got '" + text(reply) + "'",
                payload.getBytes(StandardCharsets.UTF_8), reply);
    }

    /** The live handler pid of the driver; fails when none runs. */
    protected long pid(String driver) {
        DriverInfo d = info(driver);
        return d.pid().orElseThrow(() -> new AssertionError("no handler pid: " + d));
    }

    /**
     * Expects exactly {@code type} (not a subclass, not a superclass) within {@link Waits#NO_HANG},
     * with a message matching {@code messagePattern} (a regex searched case-insensitively).
     */
    static <E extends Throwable> E expectExactly(Class<E> type, String messagePattern, String what,
            Callable<?> action) {
        Throwable t = Waits.expectThrows(Throwable.class, what, action);
        return checkExactly(type, messagePattern, what, t);
    }

    static <E extends Throwable> E checkExactly(Class<E> type, String messagePattern, String what, Throwable t) {
        if (t.getClass() != type) {
            AssertionError e = new AssertionError(what + ": expected exactly " + type.getName() + " but got " + t);
            e.initCause(t);
            throw e;
        }
        assertMentions(what + ": exception message", messagePattern, t.getMessage());
        return type.cast(t);
    }

    static void assertMentions(String what, String pattern, String text) {
        assertTrue(what + " should match /" + pattern + "/: '" + text + "'",
                text != null && Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
                        .matcher(text).find());
    }

    /**
     * Waits until the manager noticed by itself (eager exit detection, no call) that the handler
     * {@code deadPid} died: its pid is dropped and lastError records the death matching
     * {@code errorPattern} (the exit callback may record it a moment after the pid is dropped).
     */
    protected DriverInfo awaitDeathRecorded(String driver, long deadPid, String errorPattern) {
        Pattern p = Pattern.compile(errorPattern, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        return Waits.waitFor("manager notices the exit of handler " + deadPid + " of '" + driver
                + "' and records /" + errorPattern + "/ in lastError", Waits.SOON, () -> info(driver),
                d -> (d.pid().isEmpty() || d.pid().getAsLong() != deadPid)
                        && d.lastError().map(e -> p.matcher(e).find()).orElse(false));
    }

    /** Handlers of the driver now, as "pid command" lines. */
    protected List<String> handlersOf(String driver) {
        return HandlerProcesses.describeAll(HandlerProcesses.ofDriver(root(), driver));
    }

    /** Fails unless exactly one handler process of the driver runs (no killed one or child left). */
    protected void assertOneHandler(String driver) {
        Waits.waitFor("exactly one handler process of '" + driver + "'", Waits.SOON, () -> handlersOf(driver),
                l -> l.size() == 1);
    }

    /** Fails unless the process is alive now. */
    static void assertAlive(String what, long pid) {
        assertTrue(what + " (pid " + pid + ") should be alive", HandlerProcesses.alive(pid));
    }

    /**
     * Ends a case: uninstalls the driver bundle, checks that the driver left nothing and that no
     * counted resource grew, and prints the figures.
     */
    protected LeakProbe finish(String caseName, Bundle bundle, String driver, LeakProbe before, String observed)
            throws BundleException {
        if (bundle.getState() != Bundle.UNINSTALLED) {
            bundle.uninstall();
        }
        assertNothingLeft(driver);
        LeakProbe after = LeakProbe.assertNoGrowth(caseName, root(), before, SLACK);
        Figures.row(getClass(), caseName, before, after, observed);
        return after;
    }

    /** Duration in milliseconds with one decimal, for figures. */
    static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
