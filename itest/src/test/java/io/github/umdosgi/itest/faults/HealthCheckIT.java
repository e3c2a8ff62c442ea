package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionOptions;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;

/**
 * The manager's driver health check in real Felix Health Checks: run through the executor
 * service and through {@code hc:exec} in the Gogo shell, it is OK for a healthy driver, WARN for
 * one whose handler was restarted within the restart period and CRITICAL for one whose restart
 * policy gave up (FAILED).
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthCheckIT extends FaultTestSupport {

    @Override
    @Configuration
    public Option[] config() {
        return options(composite(super.config()),
                // Felix Health Checks, as in the distribution (slf4j comes from the system bundle here).
                bundle(bundleUrl("org.osgi.service.servlet")),
                bundle(bundleUrl("org.apache.felix.http.servlet-api")),
                bundle(bundleUrl("org.apache.felix.healthcheck.api")),
                bundle(bundleUrl("org.apache.felix.healthcheck.core")));
    }

    /** The umd-tagged checks, executed now (not from the executor's cache). */
    private Result umdHealth() {
        ServiceReference<HealthCheckExecutor> ref = bundleContext.getServiceReference(HealthCheckExecutor.class);
        assertTrue("Felix Health Checks' executor runs", ref != null);
        HealthCheckExecutor executor = bundleContext.getService(ref);
        try {
            List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags("umd"),
                    new HealthCheckExecutionOptions().setForceInstantExecution(true));
            assertEquals("exactly one check is tagged umd: " + results, 1, results.size());
            return results.get(0).getHealthCheckResult();
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** The status of the entry that names the driver. */
    private static Result.Status statusOf(Result result, String driver) {
        List<String> seen = new ArrayList<>();
        for (ResultLog.Entry entry : result) {
            seen.add(entry.getStatus() + " " + entry.getMessage());
            if (entry.getMessage().startsWith("driver '" + driver + "'")) {
                return entry.getStatus();
            }
        }
        throw new AssertionError("no entry for driver '" + driver + "' in " + seen);
    }

    private String hcExec() throws Exception {
        ServiceReference<CommandProcessor> ref = bundleContext.getServiceReference(CommandProcessor.class);
        assertTrue("Gogo runs", ref != null);
        CommandProcessor processor = bundleContext.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
             CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute("hc:exec -v umd");
            return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result.toString());
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    @Test
    public void healthyRestartingAndFailedDriversAreOkWarnAndCritical() throws Exception {
        String ok = "hcok";
        String restarting = "hcwarn";
        String failing = "hcfail";
        startFaultDriver(ok, "");
        // A period far longer than the test, so that the restart stays within it.
        startFaultDriver(restarting, "restart-period=600000");
        Bundle failingBundle = startFaultDriver(failing, "restart-intensity=1;restart-period=600000");
        assertEchoWorks(ok, "fine");

        Result all = umdHealth();
        assertEquals("every driver is fine at first: " + all, Result.Status.OK, all.getStatus());
        assertEquals(Result.Status.OK, statusOf(all, restarting));

        // One handler death and the restart of the next call: WARN while the period lasts.
        expectExactly(TransportException.class, "status 3", "call 'D'", () -> umd.call(restarting, req('D', "")));
        assertEchoWorks(restarting, "back");
        // Two deaths with one restart allowed: the policy gives up, the driver is FAILED.
        expectExactly(TransportException.class, "status 3", "call 'D'", () -> umd.call(failing, req('D', "")));
        expectExactly(TransportException.class, "status 3", "call 'D'", () -> umd.call(failing, req('D', "")));
        expectExactly(HandlerStartException.class, "restart", "call after the second death",
                () -> umd.call(failing, req('E', "")));
        awaitState(failing, DriverState.FAILED);

        Result now = umdHealth();
        assertEquals(Result.Status.OK, statusOf(now, ok));
        assertEquals(Result.Status.WARN, statusOf(now, restarting));
        assertEquals(Result.Status.CRITICAL, statusOf(now, failing));
        assertEquals("the worst entry decides", Result.Status.CRITICAL, now.getStatus());

        String shell = hcExec();
        assertTrue("hc:exec shows the overall result: " + shell, shell.contains("CRITICAL"));
        assertTrue("hc:exec names the failed driver and why: " + shell,
                shell.contains("driver '" + failing + "' is FAILED") && shell.contains("restart"));
        assertTrue("hc:exec shows the restart warning: " + shell,
                shell.contains("driver '" + restarting + "' handler restarted 1 time(s)"));

        // An operator restart clears FAILED and the restart window: both are OK again.
        admin.restart(failing);
        admin.restart(restarting);
        Result after = umdHealth();
        assertEquals("after operator restarts: " + after, Result.Status.OK, after.getStatus());
        assertFalse(hcExec().contains("CRITICAL"));

        failingBundle.uninstall();
        Waits.waitFor("the uninstalled driver leaves the check", Waits.SOON, () -> {
            for (ResultLog.Entry entry : umdHealth()) {
                if (entry.getMessage().startsWith("driver '" + failing + "'")) {
                    return false;
                }
            }
            return true;
        });
    }
}
