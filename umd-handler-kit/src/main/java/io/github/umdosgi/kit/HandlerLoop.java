package io.github.umdosgi.kit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The handler contract in one loop: read a request frame on stdin, reply
 * with exactly one frame on stdout, exit when stdin ends. {@code System.out}
 * is pointed at stderr first, so a stray {@code println} in handler code or
 * a library becomes a log line instead of a broken frame. A handler built
 * for another protocol version than the manager's ({@code UMD_PROTOCOL})
 * says so and exits.
 *
 * <p>Not thread safe: one loop per process, on the main thread.
 */
public final class HandlerLoop {

    /** The handler-contract version this kit speaks. */
    public static final int PROTOCOL = 1;

    /** Exit status when the handler's code threw. */
    public static final int HANDLER_FAILED = 70;

    /** Exit status when the frames broke the format or the protocol version differs. */
    public static final int PROTOCOL_ERROR = 76;

    private final InputStream in;
    private final OutputStream out;
    private final HandlerLog log;

    /**
     * @param in the request stream
     * @param out the reply stream
     * @param log the log
     */
    public HandlerLoop(InputStream in, OutputStream out, HandlerLog log) {
        this.in = in;
        this.out = out;
        this.log = log;
    }

    /**
     * Serves requests until stdin ends, then exits the JVM with 0 (or the status of a failure).
     *
     * @param handler the handler
     */
    public static void serve(RequestHandler handler) {
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        HandlerLog log = new HandlerLog(System.err);
        String protocol = System.getenv("UMD_PROTOCOL");
        if (protocol != null && !protocol.equals(Integer.toString(PROTOCOL))) {
            log.error("this handler speaks protocol " + PROTOCOL + ", the manager speaks " + protocol, null);
            System.exit(PROTOCOL_ERROR);
        }
        InputStream stdin = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
        System.exit(new HandlerLoop(stdin, stdout, log).run(handler));
    }

    /**
     * @param handler the handler
     * @return the exit status: 0 at the end of the requests, {@link #HANDLER_FAILED} or {@link #PROTOCOL_ERROR}
     */
    public int run(RequestHandler handler) {
        while (true) {
            byte[] request;
            try {
                request = Frames.read(in, Frames.MAX_PAYLOAD);
            } catch (IOException e) {
                log.error("bad request frame", e);
                return PROTOCOL_ERROR;
            }
            if (request == null) {
                return 0;
            }
            byte[] reply;
            try {
                reply = handler.handle(request);
                if (reply == null) {
                    throw new NullPointerException("the handler returned null instead of a reply");
                }
            } catch (Exception | Error e) {
                log.error("request of " + request.length + " bytes failed", e);
                return HANDLER_FAILED;
            }
            try {
                Frames.write(out, reply);
            } catch (IOException e) {
                // The manager closed the pipe: it is gone or unloading.
                return 0;
            }
        }
    }
}
