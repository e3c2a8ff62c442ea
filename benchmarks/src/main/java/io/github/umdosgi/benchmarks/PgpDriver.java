package io.github.umdosgi.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The real OpenPGP driver bundle ({@code pgp-driver-bundle}, built by the reactor and copied to
 * {@code HOME/umd/pgp-driver-bundle.jar}) installed into the embedded framework, and its
 * {@code io.github.umdosgi.pgp.PgpVerifier} service. The harness does not link against the
 * bundle's API (the bundle exports it itself), so the service is called through reflection; the
 * method is looked up once, so a call costs what an ordinary interface call costs plus
 * {@link Method#invoke}. Uninstalling the bundle on {@link #close()} unloads the driver.
 *
 * <p>Used by one thread at a time.
 */
final class PgpDriver implements AutoCloseable {

    /** The driver's name, {@code PgpVerifier.DRIVER_NAME}. */
    static final String DRIVER = "pgp";

    private static final String SERVICE = "io.github.umdosgi.pgp.PgpVerifier";

    private final Bundle bundle;
    private final ServiceTracker<Object, Object> tracker;
    private final Object verifier;
    private final Method verify;

    private PgpDriver(Bundle bundle, ServiceTracker<Object, Object> tracker, Object verifier, Method verify) {
        this.bundle = bundle;
        this.tracker = tracker;
        this.verifier = verifier;
        this.verify = verify;
    }

    /**
     * Installs and starts the bundle and waits for its service.
     *
     * @param felix the framework
     * @param jar the pgp-driver-bundle jar
     * @return the started driver
     * @throws Exception the jar is missing, the bundle does not start or the service does not appear in 30 s
     */
    static PgpDriver start(EmbeddedFelix felix, Path jar) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no OpenPGP driver bundle at " + jar + " (built by benchmarks/run)");
        }
        Bundle bundle = felix.install("bench:pgp", Files.readAllBytes(jar));
        ServiceTracker<Object, Object> tracker = null;
        try {
            bundle.start();
            BundleContext context = felix.context();
            tracker = new ServiceTracker<>(context, context.createFilter("(objectClass=" + SERVICE + ")"), null);
            tracker.open(true);
            Object service = tracker.waitForService(30_000);
            if (service == null) {
                throw new IllegalStateException(SERVICE + " did not appear within 30 s of starting " + jar);
            }
            Class<?> type = bundle.loadClass(SERVICE);
            Method verify = type.getMethod("verify", byte[].class, byte[].class, byte[].class, Set.class);
            return new PgpDriver(bundle, tracker, service, verify);
        } catch (Exception | Error e) {
            if (tracker != null) {
                tracker.close();
            }
            bundle.uninstall();
            throw e;
        }
    }

    /**
     * One verification through the driver: the key and the signature are parsed by the sandboxed
     * handler, the data is hashed and the signature checked in this JVM.
     *
     * @throws Exception the verification failed (its {@code PgpException} or {@code UmdException})
     */
    void verify(PgpInputs inputs) throws Exception {
        try {
            if (verify.invoke(verifier, inputs.data(), inputs.signature(), inputs.publicKey(), inputs.trusted()) == null) {
                throw new IllegalStateException(inputs.name() + ": the driver returned no verification");
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
        }
    }

    @Override
    public void close() throws Exception {
        tracker.close();
        bundle.uninstall();
    }
}
