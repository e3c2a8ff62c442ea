package io.github.umdosgi.impl.driver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.ProtocolException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.impl.frame.FrameTooLargeException;
import io.github.umdosgi.impl.process.HandlerProcess;
import io.github.umdosgi.impl.process.RequestNotDeliveredException;

/**
 * The one place where a failed exchange becomes the caller's exception. Every
 * failure it classifies cost the handler (the caller has shut it down or is
 * about to); the order of the checks is the order of the causes: a deadline
 * or an interrupt kills the handler, which then shows as a broken pipe, so
 * those are named first. Stateless.
 */
final class ExchangeErrors {

    private ExchangeErrors() {
    }

    /**
     * The request could not be written at all, before any deadline or
     * interrupt: the handler never saw it, so one retry on a fresh handler
     * is safe.
     */
    static final class RequestNotDelivered extends TransportException {
        private static final long serialVersionUID = 1L;

        RequestNotDelivered(String driverName, String message, Throwable cause) {
            super(driverName, message, cause);
        }
    }

    /**
     * @param driver the driver name
     * @param e what the exchange threw
     * @param timedOut whether the watchdog killed the handler at the call's deadline
     * @param unloaded whether the instance was closed meanwhile
     * @param handler the handler of the exchange
     * @return what the caller gets
     */
    static UmdException classify(String driver, IOException e, boolean timedOut, boolean unloaded,
            HandlerProcess handler) {
        if (timedOut) {
            return new CallTimeoutException(driver, "no reply within the call timeout; handler killed", e);
        }
        if (interrupted(e)) {
            return new TransportException(driver, "the calling thread was interrupted during the call; handler killed", e);
        }
        if (e instanceof FrameTooLargeException) {
            return new ProtocolException(driver, "bad reply: " + e.getMessage() + "; handler killed", e);
        }
        if (unloaded) {
            return new TransportException(driver, "driver was unloaded during the call", e);
        }
        if (e instanceof RequestNotDeliveredException) {
            return new RequestNotDelivered(driver, "handler " + handler.describeExit(Duration.ofMillis(200))
                    + " before it read the request (" + e.getMessage() + "); it was shut down", e);
        }
        return new TransportException(driver, "handler " + handler.describeExit(Duration.ofMillis(200))
                + " (" + e.getMessage() + "); it was shut down", e);
    }

    /**
     * @param e what an exchange threw
     * @return whether the calling thread was interrupted, which killed the handler
     */
    static boolean interrupted(IOException e) {
        return e instanceof ClosedByInterruptException || e instanceof InterruptedIOException;
    }

    /**
     * @param driver the driver name
     * @return a reply that came only as the deadline passed: the watchdog is killing the handler
     */
    static UmdException lateReply(String driver) {
        return new CallTimeoutException(driver, "no reply within the call timeout; handler killed");
    }
}
