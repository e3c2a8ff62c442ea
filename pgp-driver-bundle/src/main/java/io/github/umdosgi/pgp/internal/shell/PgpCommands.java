package io.github.umdosgi.pgp.internal.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PgpVerifier;
import io.github.umdosgi.pgp.PublicKeyInfo;
import io.github.umdosgi.pgp.Verification;
import io.github.umdosgi.impl.text.SafeText;

/**
 * Gogo commands {@code pgp:key KEYFILE} and {@code pgp:verify FILE SIGFILE KEYFILE [FINGERPRINT...]}.
 * Failures are thrown with one-line messages, so the shell reports them and the command fails; text
 * from key files (user ids) is escaped.
 */
@Component(service = PgpCommands.class, property = {
        "osgi.command.scope=pgp",
        "osgi.command.function=key",
        "osgi.command.function=verify"
})
public final class PgpCommands {

    /** Largest data file {@code pgp:verify} reads. */
    static final long MAX_DATA_FILE = 256L << 20;

    private final PgpVerifier verifier;

    /** @param verifier the verifier service */
    @Activate
    public PgpCommands(@Reference(name = "verifier") PgpVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * Lists the keys of a key file with the fingerprints this JVM computed.
     *
     * @param keyFile path of an armored or binary public key file
     * @return one line per key, user ids (unverified) indented under the primary key
     * @throws Exception a one-line reason
     */
    public String key(String keyFile) throws Exception {
        byte[] bytes = read(keyFile, PgpVerifier.MAX_KEY_SIZE);
        List<PublicKeyInfo> keys = call(() -> verifier.keys(bytes));
        StringBuilder sb = new StringBuilder();
        for (PublicKeyInfo k : keys) {
            sb.append(k.primary() ? "pub " : "sub ").append(k.fingerprint()).append("  ").append(k.algorithm())
                    .append(' ').append(k.bits()).append("  created ").append(k.created()).append('\n');
            for (String uid : k.claimedUserIds()) {
                sb.append("    uid (unverified) ").append(SafeText.quoted(uid, 256)).append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }

    /**
     * Verifies a detached signature. Without fingerprints, the primary key of KEYFILE is trusted
     * (the operator vouches for the key file, as {@code gpgv --keyring} does); with them, only those.
     *
     * @param args FILE SIGFILE KEYFILE, then optionally trusted fingerprints (40 hex digits each)
     * @return {@code GOOD signature ...}
     * @throws Exception a one-line reason: a bad signature, an untrusted key, refused input
     */
    public String verify(String... args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: pgp:verify FILE SIGFILE KEYFILE [FINGERPRINT...]");
        }
        byte[] data = read(args[0], MAX_DATA_FILE);
        byte[] signature = read(args[1], PgpVerifier.MAX_SIGNATURE_SIZE);
        byte[] key = read(args[2], PgpVerifier.MAX_KEY_SIZE);
        Set<String> trusted = new HashSet<>(Arrays.asList(args).subList(3, args.length));
        if (trusted.isEmpty()) {
            trusted.add(call(() -> verifier.keys(key)).get(0).fingerprint());
        }
        Verification v = call(() -> verifier.verify(data, signature, key, trusted));
        return "GOOD signature by " + v.fingerprint() + " (" + v.algorithm() + ", " + v.hashAlgorithm()
                + "), made " + v.signatureCreated();
    }

    private interface Call<T> {
        T run() throws PgpException, UmdException;
    }

    /** Prefixes the reason, so the shell's one line says what kind of failure it was. */
    private static <T> T call(Call<T> call) throws Exception {
        try {
            return call.run();
        } catch (PgpException e) {
            throw new Failed(e.reason() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A verification that failed, printed by the interactive shell as its one line, without a class
     * name: the reason says what kind of failure it was. The cause is not kept (the shell would print
     * it too), only its stack trace.
     */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String line, Exception cause) {
            super(line);
            setStackTrace(cause.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    private static byte[] read(String name, long max) throws IOException {
        Path path = Paths.get(name);
        long size = Files.size(path);
        if (size > max) {
            throw new IOException(SafeText.quoted(name, 256) + " has " + size + " bytes, more than " + max);
        }
        return Files.readAllBytes(path);
    }
}
