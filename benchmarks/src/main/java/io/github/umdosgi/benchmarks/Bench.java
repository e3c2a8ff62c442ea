package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Locale;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.UmdManager;

/**
 * What every section of a pass measures with, set up once by {@link Pass}: the options, the
 * results, the extracted echo handler, the C client, the embedded framework with the manager, and
 * the echo bundle declaring {@link #ECHO}, {@link #ECHO2} and {@link #ECHO_SANDBOX}.
 *
 * @param handler the echo handler extracted for plain Java and the C client to exec
 * @param handlerBytes its content
 * @param handlerSha256 its SHA-256, 64 lower-case hex digits
 * @param echoBundle the bundle declaring the echo drivers (the scale section uninstalls it)
 * @param sandboxUnavailable why the default sandbox cannot run here, or null when {@link #ECHO_SANDBOX} is loaded
 */
record Bench(Options options, Results results, PrintStream log, Path handler, byte[] handlerBytes,
        String handlerSha256, CClient cClient, EmbeddedFelix felix, UmdManager manager, Bundle echoBundle,
        String sandboxUnavailable) {

    // sandbox=none, as every driver ran before the sandbox became the default: comparable with earlier runs
    static final String ECHO = "echo";
    static final String ECHO2 = "echo2";
    // the default sandbox (no sandbox attribute in the header)
    static final String ECHO_SANDBOX = "echosb";

    /** Prints a line of progress, prefixed with the pass's label. */
    void progress(String format, Object... args) {
        progress(log, options.label(), format, args);
    }

    /** Fails unless the driver is idle and ready. */
    void requireLoaded(String name) {
        String why = whyNotLoaded(manager, name);
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }

    static void progress(PrintStream log, String label, String format, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = label;
        System.arraycopy(args, 0, all, 1, args.length);
        log.printf(Locale.ROOT, "[%s] " + format + "%n", all);
        log.flush();
    }

    /** @return why the driver is not idle and ready, or null when it is */
    static String whyNotLoaded(UmdManager manager, String name) {
        DriverInfo info = manager.driver(name).orElse(null);
        if (info == null) {
            return "no driver " + name;
        }
        return info.state() == DriverState.IDLE ? null
                : "driver " + name + " is " + info.state() + ": " + info.lastError().orElse("");
    }

    /** SHA-256 of a file, read the way the manager reads a handler. */
    static byte[] sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // the manager's way: a stream and a 64 KiB buffer
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }
}
