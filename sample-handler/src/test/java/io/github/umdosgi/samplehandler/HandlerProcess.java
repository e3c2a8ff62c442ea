package io.github.umdosgi.samplehandler;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/** A started handler binary with framed I/O helpers, for the tests only. */
final class HandlerProcess implements AutoCloseable {

    private final Process process;
    private final DataOutputStream in;
    private final DataInputStream out;

    private HandlerProcess(Process process) {
        this.process = process;
        this.in = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.out = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    /** Where the build put the binaries; surefire passes it, the fallback serves IDE runs. */
    static Path binary(String name) {
        Path dir = Paths.get(System.getProperty("handler.bin.dir", "target/classes/bin"));
        Path bin = dir.resolve(name);
        if (!Files.isRegularFile(bin)) {
            throw new IllegalStateException("handler binary not built: " + bin.toAbsolutePath());
        }
        return bin;
    }

    static HandlerProcess start(String name) throws IOException {
        return start(name, java.util.Map.of());
    }

    /** With exactly this environment: handlers must not need one, so an empty one proves it. */
    static HandlerProcess start(String name, java.util.Map<String, String> environment) throws IOException {
        return startCommand(java.util.List.of(binary(name).toAbsolutePath().toString()), environment);
    }

    /** Any command that speaks the frame protocol, such as a handler behind a sandbox's launcher. */
    static HandlerProcess startCommand(java.util.List<String> command, java.util.Map<String, String> environment)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(environment);
        // Handler logs stay visible in the test output without a pipe to drain.
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new HandlerProcess(pb.start());
    }

    void writeFrame(byte[] payload) throws IOException {
        in.writeInt(payload.length);
        in.write(payload);
        in.flush();
    }

    /** Writes only a header: lets tests announce lengths without sending the bytes. */
    void writeRaw(byte[] bytes) throws IOException {
        in.write(bytes);
        in.flush();
    }

    byte[] readFrame() throws IOException {
        long len = Integer.toUnsignedLong(out.readInt());
        if (len > (256L << 20)) {
            throw new IOException("reply length " + len + " is implausible");
        }
        byte[] payload = new byte[(int) len];
        out.readFully(payload);
        return payload;
    }

    byte[] call(byte[] request) throws IOException {
        writeFrame(request);
        return readFrame();
    }

    /** Closes stdin and waits for the exit status. */
    int closeInputAndWait() throws IOException, InterruptedException {
        in.close();
        return waitForExit();
    }

    int waitForExit() throws InterruptedException {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("handler did not exit within 10 s");
        }
        return process.exitValue();
    }

    /** True when stdout has no more data (the handler wrote nothing beyond its replies). */
    boolean stdoutAtEof() throws IOException {
        try {
            out.readByte();
            return false;
        } catch (EOFException e) {
            return true;
        }
    }

    /** The pid of the started process (the launcher's, when a command was started). */
    long pid() {
        return process.pid();
    }

    /** The process itself, for its descendants and exit. */
    Process process() {
        return process;
    }

    /** Kills the process and the descendants it has now (children it forked); those that left its tree stay. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
