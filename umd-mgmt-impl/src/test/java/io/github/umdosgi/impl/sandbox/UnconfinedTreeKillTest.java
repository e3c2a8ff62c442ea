package io.github.umdosgi.impl.sandbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.process.HandlerProcess;
import io.github.umdosgi.impl.process.HandlerProcessTest;
import io.github.umdosgi.impl.process.LaunchShim;
import io.github.umdosgi.impl.process.ProcessServices;
import io.github.umdosgi.impl.testing.Await;

/**
 * Issue 8, bug 7: a tree is killed only through what cannot be recycled. An unconfined handler
 * (sandbox=none) whose child left its session and who then died on its own used to leave that
 * child behind: the manager looked for it by the dead handler's session id. In a cgroup of its
 * own, the whole tree is killed at once with {@code cgroup.kill}, whatever pids it had. Needs
 * root (to create cgroups) and the built launch shim.
 */
class UnconfinedTreeKillTest {

    private static final Path SHIM = Path.of("target/classes/native", LaunchShim.architecture(), "umd-launch");

    /** Starts a child in a new session, waits until it wrote its pid, then exits on its own. */
    private static final String LEAVER = "#!/bin/sh\n"
            + "setsid /bin/sh -c 'echo $$ > orphan.pid.tmp && mv orphan.pid.tmp orphan.pid; exec sleep 300'"
            + " </dev/null >/dev/null 2>&1 &\n"
            + "while [ ! -s orphan.pid ]; do sleep 0.01; done\n"
            + "exit 3\n";

    @TempDir
    Path dir;

    private ProcessServices services;
    private Cgroups cgroups;
    private long orphan = -1;

    @AfterEach
    void tearDown() {
        if (orphan > 0) {
            ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (services != null) {
            services.close();
        }
        if (cgroups != null) {
            cgroups.close();
        }
    }

    @Test
    void whatAnUnconfinedHandlerLeftOutsideItsSessionDiesWithItsCgroup() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SHIM), "the build compiled no shim");
        cgroups = Cgroups.discover();
        Assumptions.assumeTrue(cgroups.controllers().contains(Cgroups.UNIFIED), "no writable cgroup2 hierarchy");
        Path tools = Files.createDirectory(dir.resolve("launcher"));
        services = ProcessServices.create(HandlerBlob.extract(SHIM.toUri().toURL(), "umd-launch", Optional.empty(),
                tools, "umd-launch"));
        Path source = Files.writeString(dir.resolve("leaver.sh"), LEAVER);
        Path home = Files.createDirectory(dir.resolve("driver"));
        HandlerBlob blob = HandlerBlob.extract(source.toUri().toURL(), "bin/leaver", Optional.empty(), home, "leaver");
        SandboxLaunches launches = new SandboxLaunches(new SandboxHost(Path.of("/usr/bin/bwrap"), java.util.Map.of(),
                Optional.empty(), "not needed: unconfined"), cgroups, true);
        DriverDescriptor none = DriverDescriptor.builder("leaver", "bin/leaver")
                .sandbox(Sandbox.builder().profile(Sandbox.Profile.NONE).build()).build();

        HandlerProcess p = HandlerProcess.start(services, launches.plan("leaver", 0, none, blob, blob.verify()),
                "leaver", line -> { });
        p.onExit().get(10, TimeUnit.SECONDS);
        Path pidFile = home.resolve("orphan.pid");
        Await.await("the orphan wrote its pid", () -> Files.exists(pidFile));
        orphan = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(!HandlerProcessTest.isDead(orphan), "the orphan runs");
        assertTrue(ProcessHandle.of(orphan).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L) != p.pid(),
                "the orphan is no longer the handler's child");

        // What the manager does when it notices a handler's exit, then at its shutdown.
        p.killOrphans();
        Await.await("the orphan is killed with its cgroup", Duration.ofSeconds(5),
                () -> HandlerProcessTest.isDead(orphan));
        p.close(Duration.ofSeconds(5));
    }

    /** What a manager whose JVM died left in its cgroups is killed when the next manager starts. */
    @Test
    void aDeadManagersLeftoversAreKilledWhenTheNextManagerStarts() throws Exception {
        Assumptions.assumeTrue(Cgroups.discover().controllers().contains(Cgroups.UNIFIED), "no writable cgroup2 hierarchy");
        long dead = ProcessHandle.current().pid() + 1_000_000; // above pid_max: certainly no live process
        Path unified = Path.of("/sys/fs/cgroup/unified");
        Path mine = Path.of(Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3));
        Path tree = Files.createDirectories(unified.resolve(unified.relativize(unified.resolve(mine.toString().substring(1))))
                .resolve("umd-osgi." + dead).resolve("left.0.1"));
        Process left = new ProcessBuilder("/bin/sleep", "300").start();
        orphan = left.pid();
        Files.writeString(tree.resolve("cgroup.procs"), Long.toString(left.pid()));
        cgroups = Cgroups.discover();
        assertTrue(left.waitFor(5, TimeUnit.SECONDS), "the leftover was killed");
        Await.await("the dead manager's folder is gone", () -> !Files.exists(tree.getParent()));
    }
}
