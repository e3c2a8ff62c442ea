package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverLoader;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverOwnershipException;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.itest.DriverBundles;
import io.github.umdosgi.itest.Payloads;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * Bad input through the API's three services ({@link io.github.umdosgi.api.UmdManager},
 * {@link io.github.umdosgi.api.UmdAdmin}, {@link io.github.umdosgi.api.DriverLoader}): nulls, empty
 * and unknown names, a huge name, non-positive timeouts, bad load arguments. Each gives a clear
 * exception (NullPointerException naming the parameter, IllegalArgumentException,
 * IllegalStateException, DriverNotLoadedException or DriverOwnershipException) at once, and afterwards the manager still serves the sample driver
 * with the same handler and leaks nothing. (The Gogo commands are tested with the launcher.)
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadInputIT extends SecurityTestSupport {

    private static final byte[] REQUEST = Payloads.offset(1024);
    /** 1 MiB of 'a': not a valid driver name, and large enough to hurt a careless implementation. */
    private static final String HUGE = "a".repeat(1 << 20);

    private long samplePid;

    @Before
    public void sampleLoaded() {
        samplePid = awaitSampleReady().pid().getAsLong();
    }

    /** The manager still works, with the same handler (bad input never reached it); leaks: see the base class. */
    @After
    public void managerStillWorks() throws Exception {
        assertNull(Payloads.sampleReplyProblem(umd.call(SAMPLE, Payloads.offset(2048)), 2048));
        DriverInfo d = info(SAMPLE);
        assertEquals("the sample handler was not disturbed: " + d, samplePid, d.pid().getAsLong());
        assertEquals(DriverState.IDLE, d.state());
    }

    @Test
    public void callWithNullName() {
        npe("call(null, request)", "name", () -> umd.call(null, REQUEST));
        npe("call(null, request, timeout)", "name", () -> umd.call(null, REQUEST, Duration.ofSeconds(1)));
    }

    @Test
    public void callWithNullRequest() {
        npe("call(sample, null)", "request", () -> umd.call(SAMPLE, null));
        npe("call(sample, null, timeout)", "request", () -> umd.call(SAMPLE, null, Duration.ofSeconds(1)));
    }

    @Test
    public void callWithBadTimeout() {
        npe("call(sample, request, null)", "timeout", () -> umd.call(SAMPLE, REQUEST, null));
        iae("zero timeout", () -> umd.call(SAMPLE, REQUEST, Duration.ZERO));
        iae("negative timeout", () -> umd.call(SAMPLE, REQUEST, Duration.ofMillis(-1)));
        iae("very negative timeout", () -> umd.call(SAMPLE, REQUEST, Duration.ofSeconds(Long.MIN_VALUE)));
    }

    /** A timeout too long to express in nanoseconds is still a positive timeout: the call must work. */
    @Test
    public void callWithHugeTimeoutWorks() throws Exception {
        byte[] reply = Waits.runBounded("call with Duration.ofSeconds(Long.MAX_VALUE)",
                () -> umd.call(SAMPLE, Payloads.offset(4096), Duration.ofSeconds(Long.MAX_VALUE)));
        assertNull(Payloads.sampleReplyProblem(reply, 4096));
        byte[] days = Waits.runBounded("call with a timeout of 1000 years",
                () -> umd.call(SAMPLE, Payloads.offset(8192), Duration.ofDays(365L * 1000)));
        assertNull(Payloads.sampleReplyProblem(days, 8192));
    }

    @Test
    public void callWithEmptyUnknownOrHugeName() {
        notLoaded("call(\"\")", "", () -> umd.call("", REQUEST));
        notLoaded("call(unknown)", "nosuchdriver", () -> umd.call("nosuchdriver", REQUEST));
        notLoaded("call(../sample)", "../sample", () -> umd.call("../sample", REQUEST));
        notLoaded("call(SAMPLE upper case)", "SAMPLE", () -> umd.call("SAMPLE", REQUEST));
        DriverNotLoadedException e = notLoaded("call(1 MiB name)", HUGE, () -> umd.call(HUGE, REQUEST));
        // The message goes to logs and shells: the hostile name is cut, its length said, never copied whole.
        String message = e.getMessage();
        assertTrue("the message of a call with a 1 MiB name is short: " + message.length() + " chars",
                message.length() < 256);
        assertTrue("the message names the cut name and its length: " + message,
                message.startsWith("driver '" + "a".repeat(64) + "...(" + HUGE.length() + " chars)': "));
    }

    @Test
    public void lookupsWithBadNames() {
        Optional<DriverInfo> none = lookup("driver(null)", () -> umd.driver(null));
        System.out.println("[BadInputIT] driver(null) -> " + (none == null ? "NullPointerException" : none));
        assertEquals("driver(\"\")", Optional.empty(), umd.driver(""));
        assertEquals("driver(unknown)", Optional.empty(), umd.driver("nosuchdriver"));
        assertEquals("driver(huge)", Optional.empty(), umd.driver(HUGE));
        assertTrue("drivers() lists only the sample: " + umd.drivers(),
                umd.drivers().stream().allMatch(d -> d.name().equals(SAMPLE)));
    }

    @Test
    public void operatorActionsWithBadNames() {
        npe("kill(null)", "name", () -> admin.kill(null));
        notLoaded("kill(unknown)", "nosuchdriver", () -> admin.kill("nosuchdriver"));
        notLoaded("kill(huge)", HUGE, () -> admin.kill(HUGE));
        npe("restart(null)", "name", () -> admin.restart(null));
        notLoaded("restart(unknown)", "nosuchdriver", () -> admin.restart("nosuchdriver"));
        // unload of what is not loaded does nothing, as documented.
        returns("unload(unknown)", () -> {
            admin.unload("nosuchdriver");
            return null;
        });
        returns("unload(huge)", () -> {
            admin.unload(HUGE);
            return null;
        });
        Object unloadNull = outcome(() -> {
            admin.unload(null);
            return "returned";
        });
        System.out.println("[BadInputIT] unload(null) -> " + unloadNull);
        assertTrue("unload(null) returns or throws NullPointerException naming 'name': " + unloadNull,
                "returned".equals(unloadNull) || isNpeNaming(unloadNull, "name"));
    }

    @Test
    public void loadWithBadArguments() throws Exception {
        Bundle owner = install("itest:badload", BundleJar.named("itest.badload")
                .entry("bin/echo", DriverBundles.handler(DriverBundles.ECHO_HANDLER)), "badload");
        DriverDescriptor good = DriverDescriptor.of("badload", "bin/echo");

        owner.start();
        DriverLoader loader = loaderOf(owner);
        npe("load(null, null)", "descriptor", () -> loader.load(null, null));
        npe("loader unload(null)", "name", () -> {
            loader.unload(null);
            return null;
        });
        returns("loader unload(unknown)", () -> {
            loader.unload("nosuchdriver");
            return null;
        });
        DriverOwnershipException taken = ownership("load of a name another bundle's header declares (sample)",
                SAMPLE, () -> loader.load(DriverDescriptor.of(SAMPLE, "bin/echo"), null));
        assertTrue("names the declaring bundle: " + taken.getMessage(), taken.getMessage().contains(SAMPLE_BSN));
        assertEquals("the sample driver still belongs to its bundle", sampleBundle().getBundleId(),
                info(SAMPLE).bundleId());
        owner.stop();
        ise("load through a loader its bundle released by stopping", () -> loader.load(good, null));
        owner.start();

        // The descriptor itself refuses bad values before the manager sees them.
        npe("DriverDescriptor.of(null, ...)", "name", () -> DriverDescriptor.of(null, "bin/echo"));
        iae("DriverDescriptor with a huge name", () -> DriverDescriptor.of(HUGE, "bin/echo"));
        iae("DriverDescriptor with an empty name", () -> DriverDescriptor.of("", "bin/echo"));
        iae("DriverDescriptor with ../ in the handler", () -> DriverDescriptor.of("x", "../echo"));
        iae("DriverDescriptor with 0 instances", () -> good.toBuilder().instances(0).build());
        iae("DriverDescriptor with a zero call timeout", () -> good.toBuilder().callTimeout(Duration.ZERO).build());
        iae("DriverDescriptor with a relative wrapper", () -> good.toBuilder().wrapper(java.util.List.of("setpriv")).build());

        // And a good load still works, then unloads cleanly.
        DriverInfo loaded = loaderOf(owner).load(good, null);
        assertEquals(DriverState.IDLE, loaded.state());
        owner.uninstall();
        assertNothingLeft("badload");
        assertFalse(umd.driver("badload").isPresent());
    }

    // ---- expectations, each bounded so that a hang fails instead of blocking

    private static Object outcome(Callable<?> action) {
        try {
            return Waits.runBounded("bad input", action);
        } catch (Exception e) {
            return e;
        }
    }

    private static void returns(String what, Callable<?> action) {
        Object o = outcome(action);
        if (o instanceof Exception e) {
            throw new AssertionError(what + " threw " + e, e);
        }
    }

    private static void npe(String what, String parameter, Callable<?> action) {
        Object o = outcome(action);
        System.out.println("[BadInputIT] " + what + " -> " + o);
        assertTrue(what + ": expected NullPointerException naming '" + parameter + "', got " + o,
                isNpeNaming(o, parameter));
    }

    private static boolean isNpeNaming(Object o, String parameter) {
        return o instanceof NullPointerException e && e.getMessage() != null && e.getMessage().contains(parameter);
    }

    private static void iae(String what, Callable<?> action) {
        Object o = outcome(action);
        System.out.println("[BadInputIT] " + what + " -> " + shorten(o));
        assertTrue(what + ": expected IllegalArgumentException with a message, got " + shorten(o),
                o instanceof IllegalArgumentException e && e.getMessage() != null && !e.getMessage().isBlank());
    }

    private static void ise(String what, Callable<?> action) {
        Object o = outcome(action);
        System.out.println("[BadInputIT] " + what + " -> " + o);
        assertTrue(what + ": expected IllegalStateException with a message, got " + o,
                o instanceof IllegalStateException e && e.getMessage() != null && !e.getMessage().isBlank());
    }

    private static DriverOwnershipException ownership(String what, String name, Callable<?> action) {
        Object o = outcome(action);
        System.out.println("[BadInputIT] " + what + " -> " + shorten(o));
        if (!(o instanceof DriverOwnershipException e)) {
            fail(what + ": expected DriverOwnershipException, got " + shorten(o));
            return null;
        }
        assertEquals(what + ": driverName()", name, e.driverName());
        return e;
    }

    private static DriverNotLoadedException notLoaded(String what, String name, Callable<?> action) {
        Object o = outcome(action);
        System.out.println("[BadInputIT] " + what + " -> " + shorten(o));
        if (!(o instanceof DriverNotLoadedException e)) {
            fail(what + ": expected DriverNotLoadedException, got " + shorten(o));
            return null;
        }
        assertEquals(what + ": driverName()", name, e.driverName());
        return e;
    }

    @SuppressWarnings("unchecked")
    private static Optional<DriverInfo> lookup(String what, Callable<Optional<DriverInfo>> action) {
        Object o = outcome(action);
        if (o instanceof Optional<?> opt) {
            assertEquals(what + " finds nothing", Optional.empty(), opt);
            return (Optional<DriverInfo>) opt;
        }
        assertTrue(what + ": expected an empty result or NullPointerException naming 'name', got " + o,
                isNpeNaming(o, "name"));
        return null;
    }

    private static String shorten(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "... (" + s.length() + " chars)" : s;
    }
}
