package io.github.umdosgi.itest.pgp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Runs a command line through the real Gogo {@link CommandProcessor}. A class of its own so that the
 * test class, which JUnit also loads outside the framework, names no Gogo type.
 */
final class Shell {

    private Shell() {
    }

    /** @return what the shell prints for the result; a failing command throws what the shell would print */
    static String run(BundleContext context, String command) throws Exception {
        ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        if (ref == null) {
            throw new AssertionError("no Gogo CommandProcessor");
        }
        CommandProcessor processor = context.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
             CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            return out.toString(StandardCharsets.UTF_8)
                    + (result == null ? "" : session.format(result, Converter.INSPECT));
        } finally {
            context.ungetService(ref);
        }
    }
}
