package io.github.umdosgi.kit;

/**
 * The base of a Java handler that is one class with one method:
 *
 * <pre>
 * public final class Upper extends JavaHandler {
 *     &#64;Override
 *     public byte[] handle(byte[] request) {
 *         return new String(request, UTF_8).toUpperCase(Locale.ROOT).getBytes(UTF_8);
 *     }
 * }
 * </pre>
 *
 * <p>Named as {@code java=com.example.Upper} in a driver header, the class is
 * run by the {@code main} it inherits: the manager tells it which class was
 * named through the system property {@value #CLASS_PROPERTY}; run by hand,
 * the class comes from the launcher's command ({@code sun.java.command}). It
 * needs a public no-argument constructor.
 */
public abstract class JavaHandler implements RequestHandler {

    /** The system property naming the handler class; set by the manager. */
    public static final String CLASS_PROPERTY = "io.github.umdosgi.handler";

    /** For subclasses. */
    protected JavaHandler() {
    }

    /**
     * Instantiates the named handler class and serves requests until stdin ends.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String name = System.getProperty(CLASS_PROPERTY);
        if (name == null) {
            String command = System.getProperty("sun.java.command", "");
            name = command.isBlank() ? "" : command.trim().split("\\s+")[0];
        }
        RequestHandler handler;
        try {
            Class<?> type = Class.forName(name, true, JavaHandler.class.getClassLoader());
            handler = (RequestHandler) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            new HandlerLog(System.err).error("cannot create the handler '" + name
                    + "' (a RequestHandler with a public no-argument constructor)", e);
            System.exit(HandlerLoop.HANDLER_FAILED);
            return;
        }
        HandlerLoop.serve(handler);
    }
}
