package io.github.umdosgi.itest.pgp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keys and detached signatures made by the real {@code gpg} during the test, in a GnuPG home of the
 * test's own. {@link #close()} stops the agent gpg started, so no process outlives the test.
 */
final class Gpg implements AutoCloseable {

    private final Path home;

    Gpg(Path home) throws IOException {
        this.home = home;
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** Makes a signing-only primary key; returns its fingerprint. */
    String generate(String email, String algorithm) throws Exception {
        run("--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Test <" + email + ">",
                algorithm, "sign", "never");
        for (String line : run("--with-colons", "--fingerprint", email).split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new AssertionError("gpg printed no fingerprint for " + email);
    }

    /** Exports the public key, binary or armored. */
    byte[] export(String email, boolean armor, Path file) throws Exception {
        List<String> args = new ArrayList<>(List.of("--yes", "-o", file.toString()));
        if (armor) {
            args.add("--armor");
        }
        args.add("--export");
        args.add(email);
        run(args.toArray(new String[0]));
        return Files.readAllBytes(file);
    }

    /** Makes a detached signature of a file, binary or armored. */
    byte[] sign(String email, Path data, boolean armor, Path signature) throws Exception {
        List<String> args = new ArrayList<>(List.of("--pinentry-mode", "loopback", "--passphrase", "", "--yes",
                "-u", email, "-o", signature.toString()));
        if (armor) {
            args.add("--armor");
        }
        args.add("--detach-sign");
        args.add(data.toString());
        run(args.toArray(new String[0]));
        return Files.readAllBytes(signature);
    }

    private String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--homedir", home.toString()));
        command.addAll(List.of(args));
        return exec(command);
    }

    private String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hung: " + command);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        exec(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
    }
}
