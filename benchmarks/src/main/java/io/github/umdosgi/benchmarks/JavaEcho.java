package io.github.umdosgi.benchmarks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plain Java baseline: {@link ProcessBuilder} and Data streams on the
 * JDK's (buffered) process pipes, one flush per request, a fresh array per
 * reply (as an API returning {@code byte[]} must allocate). No lock, no
 * timeout, no supervision: what a careful hand-written client costs.
 *
 * <p>Not thread safe.
 */
final class JavaEcho implements AutoCloseable {

    private final Process process;
    private final DataOutputStream out;
    private final DataInputStream in;

    private JavaEcho(Process process) {
        this.process = process;
        this.out = new DataOutputStream(process.getOutputStream());
        this.in = new DataInputStream(process.getInputStream());
    }

    /**
     * @param builder a builder whose stdin and stdout are pipes
     * @return the started handler
     * @throws IOException the exec failed
     */
    static JavaEcho start(ProcessBuilder builder) throws IOException {
        return new JavaEcho(builder.start());
    }

    /**
     * @param command the handler's argv
     * @return the started handler, with the ProcessBuilder defaults (three pipes)
     * @throws IOException the exec failed
     */
    static JavaEcho start(List<String> command) throws IOException {
        return start(new ProcessBuilder(command));
    }

    /** @return the process */
    Process process() {
        return process;
    }

    /**
     * One request frame out, one reply frame in.
     *
     * @param request the payload
     * @return the reply payload
     * @throws IOException the pipe failed or the handler ended
     */
    byte[] call(byte[] request) throws IOException {
        writeRequest(request);
        return readReply();
    }

    /**
     * @param request the payload, sent as one frame and flushed
     * @throws IOException the pipe failed
     */
    void writeRequest(byte[] request) throws IOException {
        out.writeInt(request.length);
        out.write(request);
        out.flush();
    }

    /**
     * @return the payload of the next reply frame, in a fresh array
     * @throws IOException the pipe failed or the handler ended
     */
    byte[] readReply() throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("reply length " + Integer.toUnsignedString(length) + " is too large");
        }
        byte[] reply = new byte[length];
        in.readFully(reply);
        return reply;
    }

    /**
     * As {@link #call}, but reads the reply into a reused array: isolates the
     * cost of allocating and zeroing a fresh reply array.
     *
     * @param request the payload
     * @param reply receives the reply payload; must be large enough
     * @return the reply length
     * @throws IOException the pipe failed, the handler ended or the reply does not fit
     */
    int callInto(byte[] request, byte[] reply) throws IOException {
        out.writeInt(request.length);
        out.write(request);
        out.flush();
        int length = in.readInt();
        if (length < 0 || length > reply.length) {
            throw new IOException("reply length " + Integer.toUnsignedString(length) + " does not fit");
        }
        in.readFully(reply, 0, length);
        return length;
    }

    /** Closes stdin, which tells the handler to exit, and reaps it; kills it if it does not exit in 5 s. */
    @Override
    public void close() throws IOException {
        try {
            out.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            in.close();
            process.getErrorStream().close();
        }
    }
}
