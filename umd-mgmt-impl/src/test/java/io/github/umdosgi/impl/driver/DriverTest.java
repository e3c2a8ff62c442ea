package io.github.umdosgi.impl.driver;

import static io.github.umdosgi.impl.testing.Await.await;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import io.github.umdosgi.impl.process.HandlerProcessTest;
import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverNotLoadedException;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.InstanceInfo;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.api.RestartPolicy;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.impl.blob.DriverDirectories;
import io.github.umdosgi.impl.process.ProcessServices;

/**
 * A driver end to end, outside OSGi: a hand-written bundle stand-in serves
 * handler files from a directory; the handlers are real processes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DriverTest {

    // The lifecycle is tested here without the launch shim, hence without a sandbox; the sandbox
    // has tests of its own (SandboxLaunchesTest, the sandbox ITs).
    private static final io.github.umdosgi.api.Sandbox UNCONFINED = io.github.umdosgi.api.Sandbox.builder()
            .profile(io.github.umdosgi.api.Sandbox.Profile.NONE).build();

    private static DriverDescriptor unconfined(String name, String handler) {
        return DriverDescriptor.builder(name, handler).sandbox(UNCONFINED).build();
    }


    @TempDir
    Path temp;

    private Path bundleContent;
    private DriverDirectories directories;
    private Watchdog watchdog;
    private ProcessServices spawner;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private DriverServices services;
    private final List<Driver> drivers = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        bundleContent = Files.createDirectory(temp.resolve("bundle"));
        Files.createDirectories(bundleContent.resolve("bin"));
        Files.copy(Path.of("/bin/cat"), bundleContent.resolve("bin/cat"));
        directories = new DriverDirectories(temp.resolve("drivers"));
        watchdog = new Watchdog();
        spawner = ProcessServices.create();
        DriverLog driverLog = new DriverLog() {
            @Override
            public void info(String message) {
                log.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                log.add("WARN " + message);
            }

            @Override
            public void error(String message) {
                log.add("ERROR " + message);
            }
        };
        services = new DriverServices(directories, watchdog, spawner, driverLog, Duration.ofMillis(50),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(Driver::unload);
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        watchdog.close();
        spawner.close();
    }

    // ------------------------------------------------------------ helpers

    /** A stand-in for the loader bundle: entries come from {@link #bundleContent}. */
    private Bundle bundle(long id, AtomicInteger startCalls) {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getEntry": {
                            Path entry = bundleContent.resolve((String) args[0]);
                            return Files.isRegularFile(entry) ? entry.toUri().toURL() : null;
                        }
                        case "getBundleId":
                            return id;
                        case "getSymbolicName":
                            return "test.loader" + id;
                        case "getState":
                            return Bundle.ACTIVE;
                        case "start":
                            if (startCalls != null) {
                                startCalls.incrementAndGet();
                            }
                            return null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "test bundle " + id;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private Bundle bundle() {
        return bundle(7, null);
    }

    private void script(String entry, String body) throws IOException {
        Files.writeString(bundleContent.resolve(entry), "#!/bin/sh\n" + body + "\n", StandardCharsets.US_ASCII);
    }

    private Driver driver(String name) {
        Driver d = new Driver(name, services);
        drivers.add(d);
        return d;
    }

    private Driver loaded(String name, DriverDescriptor descriptor) throws Exception {
        Driver d = driver(name);
        d.load(bundle(), descriptor, null);
        return d;
    }

    private static long pid(Driver d, int instance) {
        OptionalLong pid = d.snapshot().instances().get(instance).pid();
        assertTrue(pid.isPresent(), "instance " + instance + " runs: " + d.snapshot());
        return pid.getAsLong();
    }

    private long entriesUnderRoot() throws IOException {
        try (Stream<Path> children = Files.list(directories.root())) {
            return children.count();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void loadCallAndUnloadAnEchoHandler() throws Exception {
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        assertTrue(d.isLoaded());
        DriverInfo info = d.snapshot();
        assertEquals(DriverState.IDLE, info.state());
        assertEquals(7, info.bundleId());
        assertEquals("test.loader7", info.bundleSymbolicName());
        assertEquals(1, info.starts());
        long pid = pid(d, 0);

        // The private directory holds the extracted handler, named after the driver.
        assertEquals(1, entriesUnderRoot());
        Path dir;
        try (Stream<Path> children = Files.list(directories.root())) {
            dir = children.findFirst().orElseThrow();
        }
        assertTrue(dir.getFileName().toString().startsWith("echo."));
        assertTrue(Files.isExecutable(dir.resolve("echo")));

        Random random = new Random(3);
        // Sizes that fit in the pipes: cat echoes while the request is still being written.
        for (int size : new int[] {0, 1, 4096, 100_000}) {
            byte[] request = new byte[size];
            random.nextBytes(request);
            assertArrayEquals(request, d.call(request, null), "size " + size);
        }
        assertEquals(4, d.snapshot().calls());
        assertEquals(0, d.snapshot().failures());
        assertEquals(pid, pid(d, 0), "no restart was needed");

        d.unload();
        assertFalse(d.isLoaded());
        assertEquals(DriverState.NOT_LOADED, d.snapshot().state());
        await("the handler is gone", () -> HandlerProcessTest.isDead(pid));
        assertEquals(0, entriesUnderRoot(), "the private directory was deleted");
        // No declaring bundle: nothing can load it lazily.
        assertThrows(DriverNotLoadedException.class, () -> d.call(bytes("x"), null));
        d.unload(); // idempotent
    }

    @Test
    void callOnAnUnloadedDriverStartsTheDeclaringBundle() throws Exception {
        Driver d = driver("lazy");
        AtomicInteger starts = new AtomicInteger();
        Bundle declaring = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getState" -> Bundle.RESOLVED;
                    case "getSymbolicName" -> "lazy.bundle";
                    case "getBundleId" -> 9L;
                    case "start" -> {
                        starts.incrementAndGet();
                        // What the extender does when the bundle starts.
                        d.load(bundle(9, null), unconfined("lazy", "bin/cat"), null);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        d.declaredBy(declaring);
        assertArrayEquals(bytes("wake up"), d.call(bytes("wake up"), null));
        assertEquals(1, starts.get());
        assertTrue(d.isLoaded());
    }

    @Test
    void aKilledHandlerIsRestartedByTheNextCall() throws Exception {
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        long first = pid(d, 0);
        assertEquals(1, d.kill());
        await("the handler died", () -> HandlerProcessTest.isDead(first));
        await("the snapshot shows no pid", () -> d.snapshot().instances().get(0).pid().isEmpty());

        assertArrayEquals(bytes("again"), d.call(bytes("again"), null));
        long second = pid(d, 0);
        assertNotEquals(first, second);
        assertEquals(2, d.snapshot().starts());
        assertEquals(DriverState.IDLE, d.snapshot().state());
    }

    @Test
    void aHandlerThatDiesOnItsOwnIsReportedEagerlyAndRestarted() throws Exception {
        script("bin/once", "head -c 5 >/dev/null; printf '\\000\\000\\000\\001k'; echo 'bye' >&2; exit 4");
        Driver d = loaded("once", unconfined("once", "bin/once"));
        long first = pid(d, 0);
        assertArrayEquals(bytes("k"), d.call(bytes("?"), null));
        await("the handler exited", () -> HandlerProcessTest.isDead(first));
        await("the exit is recorded", () -> d.snapshot().lastError().orElse("").contains("exited with status 4"));
        assertArrayEquals(bytes("k"), d.call(bytes("?"), null));
        // The new handler also exits right after its reply, so count starts rather than read its pid.
        assertEquals(2, d.snapshot().starts(), "the second call started a new handler: " + d.snapshot());
        assertTrue(log.stream().anyMatch(l -> l.contains("bye")), "stderr reached the log: " + log);
    }

    @Test
    void restartsBeyondTheIntensityFailTheDriverUntilAnOperatorRestart() throws Exception {
        script("bin/once", "head -c 5 >/dev/null; printf '\\000\\000\\000\\001k'; exit 0");
        Driver d = loaded("once", DriverDescriptor.builder("once", "bin/once").sandbox(UNCONFINED)
                .restartPolicy(RestartPolicy.DEFAULT.withIntensity(2, Duration.ofMinutes(5))).build());
        // The loaded handler answers once, then two restarts are allowed.
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(bytes("k"), d.call(bytes("?"), null), "call " + i);
            await("the handler exited", () -> d.snapshot().instances().get(0).pid().isEmpty());
        }
        HandlerStartException e = assertThrows(HandlerStartException.class, () -> d.call(bytes("?"), null));
        assertTrue(e.getMessage().contains("more than 2 restarts"), e.getMessage());
        assertEquals(DriverState.FAILED, d.snapshot().state());
        // Failed for good: no further start is even tried.
        long starts = d.snapshot().starts();
        HandlerStartException again = assertThrows(HandlerStartException.class, () -> d.call(bytes("?"), null));
        assertTrue(again.getMessage().contains("failed state"), again.getMessage());
        assertEquals(starts, d.snapshot().starts());

        d.restart();
        assertEquals(DriverState.IDLE, d.snapshot().state());
        assertArrayEquals(bytes("k"), d.call(bytes("?"), null));
    }

    @Test
    void aCallThatOverrunsItsTimeoutKillsTheHandlerAndTheNextCallRestartsIt() throws Exception {
        script("bin/slow", "head -c 5 >/dev/null; exec sleep 1000");
        Driver d = loaded("slow", unconfined("slow", "bin/slow"));
        long pid = pid(d, 0);
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> d.call(bytes("?"), Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        await("the handler was killed", () -> HandlerProcessTest.isDead(pid));
        assertEquals(1, d.snapshot().failures());

        CallTimeoutException second = assertThrows(CallTimeoutException.class,
                () -> d.call(bytes("?"), Duration.ofMillis(300)));
        assertTrue(second.getMessage().contains("timeout"), second.getMessage());
        assertEquals(2, d.snapshot().starts(), "the second call restarted the handler");
    }

    @Test
    void aTooLargeRequestIsRefusedWithoutTouchingTheHandler() throws Exception {
        Driver d = loaded("echo", DriverDescriptor.builder("echo", "bin/cat").sandbox(UNCONFINED).maxMessageSize(16).build());
        long pid = pid(d, 0);
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
                () -> d.call(new byte[17], null));
        assertTrue(e.getMessage().contains("17") && e.getMessage().contains("16"), e.getMessage());
        assertArrayEquals(new byte[16], d.call(new byte[16], null));
        assertEquals(pid, pid(d, 0));
    }

    @Test
    void aForgedReplyLengthIsAProtocolErrorAndKillsTheHandler() throws Exception {
        script("bin/liar", "head -c 5 >/dev/null; printf '\\377\\377\\377\\377'; exec sleep 1000");
        Driver d = loaded("liar", unconfined("liar", "bin/liar"));
        long pid = pid(d, 0);
        ProtocolException e = assertThrows(ProtocolException.class, () -> d.call(bytes("?"), null));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
        await("the handler was killed", () -> HandlerProcessTest.isDead(pid));
    }

    @Test
    void aSecondReplyNeverReachesTheNextCaller() throws Exception {
        script("bin/twice", "head -c 5 >/dev/null; printf '\\000\\000\\000\\001x\\000\\000\\000\\001y'; exec sleep 1000");
        Driver d = loaded("twice", unconfined("twice", "bin/twice"));
        assertArrayEquals(bytes("x"), d.call(bytes("1"), null));
        // The stale "y" must be dropped with its handler; a fresh handler answers "x".
        assertArrayEquals(bytes("x"), d.call(bytes("2"), null));
        assertEquals(2, d.snapshot().starts());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("WARN") && l.contains("twice")), log.toString());
    }

    @Test
    void outputBetweenCallsIsDroppedWithItsHandler() throws Exception {
        // Chatters on stdout right after start, then echoes.
        // Chatters on its first start only (the private directory persists across restarts).
        script("bin/chatty", "if [ ! -e chatted ]; then : > chatted; printf '\\000\\000\\000\\005hello'; fi; exec cat");
        Driver d = loaded("chatty", unconfined("chatty", "bin/chatty"));
        long pid = pid(d, 0);
        await("the chatter arrived", () -> {
            try {
                return Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals("cat");
            } catch (IOException gone) {
                return true;
            }
        });
        Thread.sleep(100);
        byte[] reply = d.call(bytes("mine"), null);
        assertArrayEquals(bytes("mine"), reply, "the caller must never get the unsolicited 'hello'");
    }

    @Test
    void aHandlerThatExitsAtOnceFailsTheDriverAndLeavesNothing() throws Exception {
        script("bin/broken", "echo 'cannot open /dev/thing' >&2; exit 3");
        Driver d = driver("broken");
        // The load does not wait for the settle time; the exit within it fails the driver right after.
        d.load(bundle(), unconfined("broken", "bin/broken"), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (d.snapshot().state() != DriverState.FAILED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(DriverState.FAILED, d.snapshot().state());
        assertFalse(d.isLoaded());
        String error = d.snapshot().lastError().orElse("");
        assertTrue(error.contains("exited with status 3") && error.contains("right after start"), error);
        assertTrue(error.contains("cannot open /dev/thing"), error);
        HandlerStartException e = assertThrows(HandlerStartException.class, () -> d.call(bytes("x"), null));
        assertTrue(e.getMessage().contains("exited with status 3"), e.getMessage());
        assertEquals(0, entriesUnderRoot(), "the private directory was removed");
    }

    @Test
    void aMissingEntryFailsTheLoadNamingIt() throws Exception {
        Driver d = driver("missing");
        HandlerStartException e = assertThrows(HandlerStartException.class,
                () -> d.load(bundle(), unconfined("missing", "bin/nothing-here"), null));
        assertTrue(e.getMessage().contains("bin/nothing-here"), e.getMessage());
        assertEquals(0, entriesUnderRoot());
    }

    @Test
    void aWrongDigestFailsTheLoadAndLeavesNothing() throws Exception {
        Driver d = driver("echo");
        HandlerStartException e = assertThrows(HandlerStartException.class,
                () -> d.load(bundle(), DriverDescriptor.builder("echo", "bin/cat").sandbox(UNCONFINED).sha256("ab".repeat(32)).build(), null));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        assertEquals(DriverState.FAILED, d.snapshot().state());
        assertEquals(0, entriesUnderRoot());
    }

    @Test
    void aHandlerModifiedOnDiskIsNotRestarted() throws Exception {
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        Path exe;
        try (Stream<Path> children = Files.list(directories.root())) {
            exe = children.findFirst().orElseThrow().resolve("echo");
        }
        long pid = pid(d, 0);
        d.kill();
        await("the handler died", () -> HandlerProcessTest.isDead(pid));
        await("the manager saw it die", () -> d.snapshot().instances().get(0).pid().isEmpty());
        // A running executable cannot be written ("text file busy"), so tamper after the kill.
        exe.toFile().setWritable(true, true);
        Files.write(exe, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        HandlerStartException e = assertThrows(HandlerStartException.class, () -> d.call(bytes("x"), null));
        assertTrue(e.getMessage().contains("modified"), e.getMessage());
    }

    @Test
    void postStartHookRunsAfterEachStartAndItsFailureFailsTheLoad() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Driver d = driver("hooked");
        d.load(bundle(), unconfined("hooked", "bin/cat"), channel -> {
            byte[] reply = channel.call(bytes("ping"));
            seen.add(channel.driverName() + ":" + new String(reply, StandardCharsets.US_ASCII));
        });
        assertEquals(List.of("hooked:ping"), seen);
        d.kill();
        await("the handler died", () -> d.snapshot().instances().get(0).pid().isEmpty());
        d.call(bytes("x"), null);
        assertEquals(List.of("hooked:ping", "hooked:ping"), seen, "the hook ran again on restart");

        Driver failing = driver("failing");
        HandlerStartException e = assertThrows(HandlerStartException.class,
                () -> failing.load(bundle(), unconfined("failing", "bin/cat"), channel -> {
                    throw new IllegalStateException("handshake refused");
                }));
        assertTrue(e.getMessage().contains("handshake refused"), e.getMessage());
        assertFalse(failing.isLoaded());
        assertEquals(1, entriesUnderRoot(), "only the first driver's directory remains");
    }

    @Test
    void aHookThatOverrunsTheStartTimeoutFailsTheLoad() throws Exception {
        script("bin/mute", "exec sleep 1000");
        Driver d = driver("mute");
        HandlerStartException e = assertThrows(HandlerStartException.class,
                () -> d.load(bundle(), DriverDescriptor.builder("mute", "bin/mute").sandbox(UNCONFINED)
                        .startTimeout(Duration.ofMillis(300)).build(), channel -> channel.call(bytes("hello?"))));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(0, entriesUnderRoot());
    }

    @Test
    void theHookChannelCannotBeUsedAfterTheHookReturned() throws Exception {
        List<io.github.umdosgi.api.HandlerChannel> kept = new ArrayList<>();
        Driver d = driver("hooked");
        d.load(bundle(), unconfined("hooked", "bin/cat"), kept::add);
        d.kill();
        await("the handler died", () -> d.snapshot().instances().get(0).pid().isEmpty());
        d.call(bytes("x"), null); // restart: a new channel
        assertThrows(TransportException.class, () -> kept.get(0).call(bytes("late")));
    }

    @Test
    void theSameDriverCannotBeLoadedByTwoBundles() throws Exception {
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        d.load(bundle(), unconfined("echo", "bin/cat"), null); // same bundle: no-op
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> d.load(bundle(8, null), unconfined("echo", "bin/cat"), null));
        assertTrue(e.getMessage().contains("already loaded"), e.getMessage());
        assertEquals(1, d.snapshot().starts());
    }

    @Test
    void severalInstancesServeCallsInParallel() throws Exception {
        // Each reply waits until both requests have arrived: only two parallel handlers can answer.
        Path barrier = Files.createDirectory(temp.resolve("barrier"));
        script("bin/pair", "while head -c 5 > /dev/null; do"
                + " touch " + barrier + "/$UMD_INSTANCE;"
                + " while [ ! -e " + barrier + "/0 ] || [ ! -e " + barrier + "/1 ]; do sleep 0.01; done;"
                + " printf '\\000\\000\\000\\001'\"$UMD_INSTANCE\"; done");
        Driver d = loaded("pair", DriverDescriptor.builder("pair", "bin/pair").sandbox(UNCONFINED).instances(2).build());
        assertEquals(2, d.snapshot().instances().size());
        assertNotEquals(pid(d, 0), pid(d, 1));
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<byte[]> a = callers.submit(() -> d.call(bytes("a"), Duration.ofSeconds(20)));
            Future<byte[]> b = callers.submit(() -> d.call(bytes("b"), Duration.ofSeconds(20)));
            List<String> replies = new ArrayList<>(List.of(
                    new String(a.get(30, TimeUnit.SECONDS), StandardCharsets.US_ASCII),
                    new String(b.get(30, TimeUnit.SECONDS), StandardCharsets.US_ASCII)));
            replies.sort(null);
            assertEquals(List.of("0", "1"), replies);
        } finally {
            callers.shutdownNow();
        }
        long perInstance = d.snapshot().instances().stream().mapToLong(InstanceInfo::calls).sum();
        assertEquals(2, perInstance);
    }

    @Test
    void theWrapperRunsBeforeTheHandlerAndTheAllowlistPassesVariables() throws Exception {
        String jvmVariable = System.getenv().keySet().stream()
                .filter(k -> k.matches("[A-Za-z_][A-Za-z0-9_]*"))
                .filter(k -> !List.of("PATH", "LANG", "HOME", "TMPDIR", "UMD_DRIVER", "UMD_INSTANCE", "UMD_PROTOCOL",
                        "PWD", "SHLVL", "_")
                        .contains(k))
                .sorted().findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(jvmVariable != null);
        script("bin/env", "env >&2; exec cat");
        Driver d = loaded("wrapped", DriverDescriptor.builder("wrapped", "bin/env").sandbox(UNCONFINED)
                .wrapper(List.of("/usr/bin/env", "WRAPPED_BY=env"))
                .environment(List.of(jvmVariable)).build());
        assertArrayEquals(bytes("ok"), d.call(bytes("ok"), null));
        await("the environment was logged", () -> log.stream().anyMatch(l -> l.contains("WRAPPED_BY=env")));
        String expected = jvmVariable + "=" + System.getenv(jvmVariable);
        await("the allowed variable was passed", () -> log.stream().anyMatch(l -> l.endsWith(": " + expected)));
        assertTrue(log.stream().anyMatch(l -> l.endsWith(": UMD_DRIVER=wrapped")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.endsWith(": UMD_INSTANCE=0")), log.toString());
    }

    @Test
    void unloadDuringACallFailsTheCallPromptly() throws Exception {
        script("bin/slow", "head -c 5 >/dev/null; exec sleep 1000");
        Driver d = loaded("slow", unconfined("slow", "bin/slow"));
        long pid = pid(d, 0);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> call = caller.submit(() -> d.call(bytes("?"), Duration.ofSeconds(30)));
            await("the call is in flight", () -> d.snapshot().instances().get(0).busy());
            d.unload();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> call.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TransportException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("unloaded"), e.getCause().getMessage());
        } finally {
            caller.shutdownNow();
        }
        assertTrue(HandlerProcessTest.isDead(pid));
        assertEquals(0, entriesUnderRoot());
    }

    @Test
    void extractedHandlerIsNamedAfterTheDriverAndRunsInItsPrivateDirectory() throws Exception {
        script("bin/where", "pwd >&2; echo \"HOME=$HOME\" >&2; echo \"ARG0=$0\" >&2; exec cat");
        Driver d = loaded("where", unconfined("where", "bin/where"));
        Path dir;
        try (Stream<Path> children = Files.list(directories.root())) {
            dir = children.findFirst().orElseThrow().toRealPath();
        }
        Path privateDir = dir;
        await("the handler reported", () -> log.stream().anyMatch(l -> l.contains("ARG0=")));
        assertTrue(log.stream().anyMatch(l -> l.endsWith(": " + privateDir)), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.endsWith(": HOME=" + privateDir)), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.endsWith(": ARG0=" + privateDir.resolve("where"))), log.toString());
        assertArrayEquals(bytes("ok"), d.call(bytes("ok"), null));
    }

    @Test
    void aLargeRequestToAHandlerThatRepliesWhileReadingDoesNotDeadlock() throws Exception {
        // cat starts echoing before it has read the whole request. Writing the whole request before
        // reading anything fills both pipes: cat blocks on stdout, the manager on cat's stdin.
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        byte[] request = new byte[1 << 20];
        new Random(5).nextBytes(request);
        assertArrayEquals(request, d.call(request, Duration.ofSeconds(10)));
    }

    @Test
    void aRequestAtTheInlineWriteLimitToAHandlerThatRepliesWhileReadingDoesNotDeadlock() throws Exception {
        // Written by the caller before it reads: it must fit into the two pipes and cat's own buffer.
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        for (int size : new int[] {(64 << 10) - 4, 64 << 10, 128 << 10, (128 << 10) + 1}) {
            byte[] request = new byte[size];
            new Random(size).nextBytes(request);
            assertArrayEquals(request, d.call(request, Duration.ofSeconds(10)), "size " + size);
        }
    }

    @Test
    void theCallRightAfterAnOperatorKillRestartsTheHandler() throws Exception {
        // UmdManager.kill: "the next call restarts them" - also when it comes at once.
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        for (int i = 0; i < 20; i++) {
            assertEquals(1, d.kill());
            assertArrayEquals(bytes("after kill " + i), d.call(bytes("after kill " + i), null), "round " + i);
        }
    }

    // ------------------------------------------------ lifecycle bugs (issue 8)

    @Test
    void anUnloadedHeaderDriverIsLoadedAgainByTheNextCallAndCanBeRestarted() throws Exception {
        // Bug 2: the declaring bundle stays ACTIVE after UmdManager.unload(name), so starting it loads nothing.
        Bundle declaring = bundle();
        Driver d = driver("header");
        d.declaredBy(declaring);
        d.load(declaring, unconfined("header", "bin/cat"), null);
        d.unload();
        assertArrayEquals(bytes("back"), d.call(bytes("back"), null));
        assertTrue(d.isLoaded());
        d.unload();
        d.restart();
        assertTrue(d.isLoaded(), "an operator restart loads an unloaded header driver again");
        assertArrayEquals(bytes("again"), d.call(bytes("again"), null));
    }

    @Test
    void reloadsMakeConcurrentCallersWaitInsteadOfFailing() throws Exception {
        // Bug 3: 20 reloads against spinning callers; a caller waits for the new handler.
        Driver d = loaded("echo", unconfined("echo", "bin/cat"));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.LongAdder ok = new java.util.concurrent.atomic.LongAdder();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            for (int c = 0; c < 2; c++) {
                callers.submit(() -> {
                    while (!stop.get()) {
                        try {
                            d.call(bytes("spin"), Duration.ofSeconds(10));
                            ok.increment();
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                });
            }
            await("the callers are spinning", () -> ok.sum() > 10);
            for (int i = 0; i < 20; i++) {
                d.configure(new io.github.umdosgi.impl.config.DriverOverrides(0, 10_000 + i, 0, 0, -1, 0,
                        List.of(), List.of(), java.util.Map.of()));
                long before = ok.sum();
                await("a call succeeded after reload " + i, () -> ok.sum() > before);
            }
        } finally {
            stop.set(true);
            callers.shutdown();
            assertTrue(callers.awaitTermination(20, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), failures.stream().map(String::valueOf).limit(5).toList(),
                failures.size() + " of " + (failures.size() + ok.sum()) + " calls failed");
        assertEquals(DriverState.IDLE, d.snapshot().state());
    }

    @Test
    void anInterruptedCallLeavesTheDriverUsableAtOnce() throws Exception {
        // Bug 4: Ctrl-C in Gogo interrupts the command's thread, which is blocked reading a reply.
        script("bin/slowfirst", "if [ ! -e slept ]; then : > slept; head -c 5 >/dev/null; exec sleep 1000; fi; exec cat");
        Driver d = loaded("slow", unconfined("slow", "bin/slowfirst"));
        long pid = pid(d, 0);
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                d.call(bytes("?"), Duration.ofSeconds(30));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        caller.start();
        await("the call is in flight", () -> d.snapshot().instances().get(0).busy());
        Thread.sleep(100);
        caller.interrupt();
        Throwable failure = outcome.get(3, TimeUnit.SECONDS);
        assertTrue(failure instanceof TransportException, String.valueOf(failure));
        assertFalse(d.snapshot().instances().get(0).busy(), "the instance is free: " + d.snapshot());
        await("the half-served handler was killed", () -> HandlerProcessTest.isDead(pid));
        long started = System.nanoTime();
        assertArrayEquals(bytes("next"), d.call(bytes("next"), Duration.ofSeconds(5)));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "the next call did not wait");
        assertEquals(DriverState.IDLE, d.snapshot().state());
    }

    @Test
    void whatAnExitCallbackThrowsIsLoggedAndItRunsOffTheReaper() throws Exception {
        // Bugs 5 and 9: exit handling ran on the JDK's process reaper, and its failures vanished.
        List<String> threads = new CopyOnWriteArrayList<>();
        DriverEvents throwing = event -> {
            if (event.type() == DriverEvent.Type.HANDLER_EXITED) {
                threads.add(Thread.currentThread().getName());
                throw new IllegalStateException("event sink broke");
            }
        };
        services = new DriverServices(directories, watchdog, spawner, services.log(), Duration.ofMillis(50),
                Duration.ofSeconds(5), throwing, services.launches());
        script("bin/once", "head -c 5 >/dev/null; printf '\\000\\000\\000\\001k'; exit 4");
        Driver d = loaded("once", unconfined("once", "bin/once"));
        assertArrayEquals(bytes("k"), d.call(bytes("?"), null));
        await("the exit was published", () -> !threads.isEmpty());
        await("the callback's failure was logged",
                () -> log.stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("event sink broke")));
        assertFalse(threads.get(0).contains("reaper"), "published on " + threads);
    }

    @Test
    void unloadDuringARestartBackoffIsPromptAndStartsNothing() throws Exception {
        // Bugs 6 and 9: close waited startTimeout + reapTimeout for the lock, then shut down under a live
        // caller, which went on to start a handler for the unloaded driver.
        script("bin/first", "if [ -e started ]; then head -c 5 >/dev/null; exit 1; fi; : > started;"
                + " head -c 5 >/dev/null; printf '\\000\\000\\000\\001k'; exit 0");
        Driver d = loaded("first", DriverDescriptor.builder("first", "bin/first").sandbox(UNCONFINED)
                .startTimeout(Duration.ofMillis(200))
                .restartPolicy(RestartPolicy.DEFAULT.withBackoff(Duration.ofSeconds(8), Duration.ofSeconds(8))).build());
        assertArrayEquals(bytes("k"), d.call(bytes("?"), null));
        await("the handler exited", () -> d.snapshot().instances().get(0).pid().isEmpty());
        // The restarted handler reads the request and dies without a reply.
        assertThrows(TransportException.class, () -> d.call(bytes("?"), null));
        assertEquals(2, d.snapshot().starts());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            // The second restart in a row waits out the backoff first.
            Future<byte[]> call = caller.submit(() -> d.call(bytes("?"), Duration.ofSeconds(30)));
            await("the caller waits out its backoff", () -> d.snapshot().starts() == 2
                    && d.snapshot().instances().get(0).pid().isEmpty() && d.snapshot().instances().get(0).busy());
            long began = System.nanoTime();
            d.unload();
            assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(2),
                    "unload took " + (System.nanoTime() - began) / 1_000_000 + " ms");
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> call.get(15, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TransportException || e.getCause() instanceof HandlerStartException,
                    String.valueOf(e.getCause()));
            assertEquals(2, d.snapshot().starts(), "nothing was started for the unloaded driver");
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void aHookThatIgnoresInterruptsDoesNotHoldUpAnUnload() throws Exception {
        // Bug 9: the hook's thread cannot be taken back, but the unload does not wait for it.
        java.util.concurrent.CountDownLatch hookRuns = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger hookCalls = new AtomicInteger();
        Driver d = driver("hooked");
        d.load(bundle(), DriverDescriptor.builder("hooked", "bin/cat").sandbox(UNCONFINED)
                .startTimeout(Duration.ofSeconds(20)).build(), channel -> {
                    if (hookCalls.incrementAndGet() == 1) {
                        return;
                    }
                    hookRuns.countDown();
                    while (true) {
                        try {
                            if (release.await(60, TimeUnit.SECONDS)) {
                                return;
                            }
                        } catch (InterruptedException ignored) {
                            // A hook that will not be stopped.
                        }
                    }
                });
        d.kill();
        await("the handler died", () -> d.snapshot().instances().get(0).pid().isEmpty());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> call = caller.submit(() -> d.call(bytes("?"), Duration.ofSeconds(30)));
            assertTrue(hookRuns.await(10, TimeUnit.SECONDS));
            long began = System.nanoTime();
            d.unload();
            assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(3),
                    "unload took " + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThrows(java.util.concurrent.ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            caller.shutdownNow();
        }
    }

    @Test
    void aCallThatFindsEveryInstanceBusyTimesOutWithoutKillingAnything() throws Exception {
        // CallTimeoutException meant both "handler killed" and "nothing was sent": the second is its own type.
        script("bin/slowfirst", "if [ ! -e slept ]; then : > slept; head -c 5 >/dev/null; sleep 2;"
                + " printf '\\000\\000\\000\\001k'; fi; exec cat");
        Driver d = loaded("busy", unconfined("busy", "bin/slowfirst"));
        long pid = pid(d, 0);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> slow = caller.submit(() -> d.call(bytes("?"), Duration.ofSeconds(20)));
            await("the slow call holds the instance", () -> d.snapshot().instances().get(0).busy());
            assertEquals(DriverState.RUNNING, d.snapshot().state());
            io.github.umdosgi.api.NoInstanceFreeException e = assertThrows(
                    io.github.umdosgi.api.NoInstanceFreeException.class, () -> d.call(bytes("x"), Duration.ofMillis(200)));
            assertTrue(e.getMessage().contains("nothing was sent"), e.getMessage());
            assertArrayEquals(bytes("k"), slow.get(20, TimeUnit.SECONDS), "the busy handler was not killed");
            assertEquals(pid, pid(d, 0));
        } finally {
            caller.shutdownNow();
        }
    }
}
