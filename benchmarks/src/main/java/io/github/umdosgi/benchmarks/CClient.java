package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the C client ({@code src/main/c/umd-bench-client.c}) and reads the
 * samples it prints. The client inherits this JVM's CPU affinity, so a
 * pinned pass pins it (and the handler it starts) too. Stateless.
 */
final class CClient {

    private final Path executable;

    CClient(Path executable) {
        this.executable = executable;
    }

    /**
     * @param size payload bytes
     * @param warmup unmeasured round trips first
     * @param iterations measured round trips
     * @param handler the handler's argv
     * @return one sample per measured round trip, in nanoseconds
     * @throws IOException the client failed
     */
    long[] roundTrips(int size, int warmup, int iterations, List<String> handler) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "rtt", Integer.toString(size),
                Integer.toString(warmup), Integer.toString(iterations), "--"));
        command.addAll(handler);
        return run(command, iterations);
    }

    /**
     * @param iterations measured starts
     * @param handler the handler's argv (possibly behind a wrapper)
     * @return one sample per start to first reply, in nanoseconds
     * @throws IOException the client failed
     */
    long[] spawns(int iterations, List<String> handler) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "spawn", Integer.toString(iterations), "--"));
        command.addAll(handler);
        return run(command, iterations);
    }

    private static long[] run(List<String> command, int expected) throws IOException {
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String output;
        String errors;
        // stderr carries at most an error line, so reading it after stdout cannot block the client
        try (InputStream in = process.getInputStream(); InputStream err = process.getErrorStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            errors = new String(err.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while waiting for the C client", e);
        }
        if (status != 0) {
            throw new IOException("the C client " + command + " exited with status " + status
                    + (errors.isEmpty() ? "" : ": " + errors));
        }
        return parseSamples(output, expected);
    }

    /**
     * @param output one non-negative decimal number per line
     * @param expected how many lines there must be
     * @return the numbers
     * @throws IOException a line is not a number, or the count differs
     */
    static long[] parseSamples(String output, int expected) throws IOException {
        String[] lines = output.strip().isEmpty() ? new String[0] : output.strip().split("\n");
        if (lines.length != expected) {
            throw new IOException("the C client printed " + lines.length + " samples, expected " + expected);
        }
        long[] samples = new long[lines.length];
        for (int i = 0; i < lines.length; i++) {
            try {
                samples[i] = Long.parseLong(lines[i].strip());
            } catch (NumberFormatException e) {
                throw new IOException("the C client printed '" + lines[i] + "' where a sample was expected", e);
            }
            if (samples[i] < 0) {
                throw new IOException("negative sample from the C client: " + samples[i]);
            }
        }
        return samples;
    }
}
