package io.github.umdosgi.impl.driver;

import java.time.Duration;

import io.github.umdosgi.impl.blob.DriverDirectories;
import io.github.umdosgi.impl.process.ProcessServices;
import io.github.umdosgi.impl.sandbox.SandboxLaunches;

/**
 * What every driver shares with the manager: the private directory root,
 * the watchdog timer, the log and the event sink. Immutable.
 *
 * @param directories the root of private directories
 * @param watchdog the shared deadline timer
 * @param processes the threads handler processes share
 * @param log the log
 * @param settleTime how long a handler without post-start hook must stay alive after its first start to count as started
 * @param reapTimeout how long to wait for a killed handler to be reaped
 * @param events where driver events go
 * @param launches turns each driver's sandbox into the command line that starts its handlers
 */
public record DriverServices(DriverDirectories directories, Watchdog watchdog, ProcessServices processes, DriverLog log,
        Duration settleTime, Duration reapTimeout, DriverEvents events, SandboxLaunches launches) {

    /**
     * Without events.
     *
     * @param directories the root of private directories
     * @param watchdog the shared deadline timer
     * @param processes the threads handler processes share
     * @param log the log
     * @param settleTime see the canonical constructor
     * @param reapTimeout how long to wait for a killed handler to be reaped
     */
    public DriverServices(DriverDirectories directories, Watchdog watchdog, ProcessServices processes, DriverLog log,
            Duration settleTime, Duration reapTimeout) {
        this(directories, watchdog, processes, log, settleTime, reapTimeout, DriverEvents.NONE,
                SandboxLaunches.unavailable(processes.spawner().throughShim()));
    }
}
