package io.github.umdosgi.itest.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.UmdManager;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.Payloads;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;

/**
 * A planted root cannot redirect extraction or clean-up: when the manager's root is a symbolic
 * link to another directory, the manager refuses to activate, and nothing under the link's target
 * is written, changed or deleted (its start-up clean-up, which deletes everything under the root,
 * would otherwise wipe the target). Private directory names are random and created atomically
 * with owner-only mode, so the root is the one name an attacker could plant in advance.
 *
 * <p>The framework property fixes the root, so the test stops the manager bundle, swaps the root
 * for a link, starts the manager again, and restores the root afterwards.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RootSymlinkIT extends SecurityTestSupport {

    @Test
    public void rootThatIsASymbolicLinkIsRefused() throws Exception {
        awaitSampleReady();
        Path root = root();
        Bundle manager = managerBundle();
        manager.stop();
        Waits.waitFor("root empty after the manager stopped", Waits.SOON,
                () -> HandlerProcesses.entries(root), List::isEmpty);

        // The link target: a directory with content the manager must not touch, including a
        // directory named like a stale private directory.
        Path target = root.getParent().resolve("elsewhere");
        Files.createDirectories(target.resolve("sample.123"));
        Files.writeString(target.resolve("canary"), "canary", StandardCharsets.UTF_8);
        Files.writeString(target.resolve("sample.123").resolve("sample"), "#!/bin/sh\nexec cat\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> targetBefore = snapshot(target);

        Files.delete(root);
        Files.createSymbolicLink(root, target);
        try {
            manager.start();

            // The manager runs, and every driver fails with the reason, where operators look.
            UmdManager refusing = Waits.waitFor("UmdManager service with the refused root", Duration.ofSeconds(10),
                    () -> {
                        ServiceReference<UmdManager> ref = bundleContext.getServiceReference(UmdManager.class);
                        return ref == null ? null : bundleContext.getService(ref);
                    }, m -> m != null);
            DriverInfo failed = Waits.waitFor("the sample driver failed with the root's reason", Duration.ofSeconds(10),
                    () -> refusing.driver(SAMPLE).orElse(null), d -> d != null && d.state() == DriverState.FAILED);
            String reason = failed.lastError().orElse("");
            System.out.println("[RootSymlinkIT] sample driver with a symlinked root: " + reason);
            assertTrue("the failure names the root and the reason: " + reason,
                    reason.contains(root.toString()) && reason.contains("not a plain directory"));
            HandlerStartException call = Waits.expectThrows(HandlerStartException.class, "a call on the failed driver",
                    () -> refusing.call(SAMPLE, Payloads.offset(0)));
            assertTrue(call.getMessage(), call.getMessage().contains("not a plain directory"));
            assertEquals("the link target is untouched", targetBefore, snapshot(target));
            assertEquals("no handler runs from the target", List.of(),
                    HandlerProcesses.describeAll(HandlerProcesses.under(target)));
        } finally {
            manager.stop();
            Files.deleteIfExists(root);
            Files.createDirectory(root);
            manager.start();
        }

        // Restored: a fresh manager service works and loads the sample driver again.
        UmdManager fresh = Waits.waitFor("UmdManager service after the root was restored", Duration.ofSeconds(20),
                () -> {
                    ServiceReference<UmdManager> ref = bundleContext.getServiceReference(UmdManager.class);
                    return ref == null ? null : bundleContext.getService(ref);
                }, m -> m != null);
        Waits.waitFor("sample loaded by the restored manager", Duration.ofSeconds(10),
                () -> fresh.driver(SAMPLE).map(d -> d.state()).orElse(null), s -> s == DriverState.IDLE);
        assertNull(Payloads.sampleReplyProblem(fresh.call(SAMPLE, Payloads.offset(1024)), 1024));
        assertEquals("the link target is still untouched", targetBefore, snapshot(target));
    }

    private Bundle managerBundle() {
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getLocation().endsWith("/umd-mgmt-impl.jar")) {
                return b;
            }
        }
        throw new AssertionError("manager bundle not found");
    }

    /** Every path under {@code dir} with its mode and (for files) content. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(p, StandardCharsets.UTF_8) : "";
                m.put(dir.relativize(p).toString(), mode + " " + content);
            }
        }
        return m;
    }
}
