package io.github.umdosgi.itest.security;

import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * What an operator sees, inside the framework: Gogo commands run through the
 * shell's {@link CommandProcessor}, and the manager's entries in the OSGi
 * log. A class of its own so that the test classes, which JUnit also loads
 * outside the framework, name no Gogo or log type in their signatures.
 *
 * <p>The captured log is a copy-on-write list, written by the log's thread.
 */
final class OperatorSurfaces implements AutoCloseable {

    private static final String MANAGER = "io.github.umdosgi.impl";

    private final BundleContext context;
    private final ServiceReference<LogReaderService> readerRef;
    private final LogReaderService reader;
    private final LogListener listener;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private OperatorSurfaces(BundleContext context) {
        this.context = context;
        this.readerRef = context.getServiceReference(LogReaderService.class);
        if (readerRef == null) {
            fail("no LogReaderService");
        }
        this.reader = context.getService(readerRef);
        this.listener = this::logged;
        reader.addLogListener(listener);
    }

    /** Starts capturing the manager's log entries. */
    static OperatorSurfaces open(BundleContext context) {
        return new OperatorSurfaces(context);
    }

    private void logged(LogEntry entry) {
        if (entry.getBundle() != null && MANAGER.equals(entry.getBundle().getSymbolicName())) {
            log.add(entry.getLogLevel() + " " + entry.getMessage());
        }
    }

    /** @return the manager's log entries since {@link #open}, as "LEVEL message" */
    List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Runs one command line as the shell would.
     *
     * @return what the shell prints for the result
     * @throws Exception the command failed; the shell prints its {@code toString()}
     */
    String run(String command) throws Exception {
        ServiceReference<CommandProcessor> ref = processorReference();
        CommandProcessor processor = context.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
             CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            print.flush();
            // Output the command printed itself, then its result as the shell formats it.
            return out.toString(StandardCharsets.UTF_8)
                    + (result == null ? "" : session.format(result, org.apache.felix.service.command.Converter.INSPECT));
        } finally {
            context.ungetService(ref);
        }
    }

    /**
     * Runs a command that goes on until interrupted ({@code umd:log -f}), as the interactive shell
     * does: Gogo runs it in a job thread of its own, and Ctrl-C interrupts the foreground job.
     *
     * @param command the command line
     * @param until polled with what the command printed so far; once true, the job is interrupted
     * @return what the command printed, once it ended
     * @throws Exception the command failed, or did not end within {@link Waits#NO_HANG} of the interrupt
     */
    String runUntilInterrupted(String command, java.util.function.Predicate<String> until) throws Exception {
        ServiceReference<CommandProcessor> ref = processorReference();
        CommandProcessor processor = context.getService(ref);
        // Written by the job's thread, read here: the stream is synchronized.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
             CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            java.util.concurrent.CompletableFuture<Object> done = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return session.execute(command);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            io.github.umdosgi.itest.Waits.waitFor("output of " + command, io.github.umdosgi.itest.Waits.SOON,
                    () -> until.test(out.toString(StandardCharsets.UTF_8)) || done.isDone());
            for (org.apache.felix.service.command.Job job : new java.util.ArrayList<>(session.jobs())) {
                job.interrupt();
            }
            try {
                done.get(io.github.umdosgi.itest.Waits.NO_HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // The job's thread reports the interrupt (it cancels the command's pipe thread, with an
                // interrupt): what Ctrl-C does in the shell. Anything else is the command's failure.
                Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause()
                        : e.getCause();
                if (!(cause instanceof InterruptedException)) {
                    throw e;
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public void close() {
        reader.removeLogListener(listener);
        context.ungetService(readerRef);
    }

    private ServiceReference<CommandProcessor> processorReference() {
        ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        if (ref == null) {
            fail("no Gogo CommandProcessor");
        }
        return ref;
    }
}
