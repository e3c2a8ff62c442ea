package io.github.umdosgi.benchmarks;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;

/**
 * The manager's own sandbox planner ({@code io.github.umdosgi.impl.sandbox.SandboxLaunches}), on a
 * host probed by the manager's own {@code SandboxHost} and with the manager's own {@code Cgroups},
 * driven through reflection because the manager bundle exports nothing. {@link #plan} returns the
 * launch the manager makes for a driver: the launch shim's options, the bubblewrap command line, the
 * environment and the cgroups. {@link #builder} puts the shim in front as the manager's spawner does,
 * so the start section can run exactly that from plain {@link ProcessBuilder}, with no manager in
 * between.
 *
 * <p>The cgroups it creates go into the manager's own folder (there is one per JVM) under names no
 * driver uses; each is removed by {@link Planned#release()}. Not thread safe.
 */
final class ManagerLaunches {

    private static final String IMPL = "io.github.umdosgi.impl.";

    private final Path shim;
    private final Object launches;
    private final Object blob;
    private final String identity;
    private final Method plan;
    // the accessors of the manager's Launch record
    private final Method shimOptionsOf;
    private final Method commandOf;
    private final Method directoryOf;
    private final Method environmentOf;
    private final Method confinementOf;
    private final Method release;

    private ManagerLaunches(EmbeddedFelix felix, Path shim, Object launches, Object blob, String identity)
            throws ReflectiveOperationException {
        Class<?> launch = felix.managerClass(IMPL + "process.Launch");
        this.shim = shim;
        this.launches = launches;
        this.blob = blob;
        this.identity = identity;
        this.plan = launches.getClass().getMethod("plan", String.class, int.class, DriverDescriptor.class,
                blob.getClass(), String.class);
        this.shimOptionsOf = launch.getMethod("shimOptions");
        this.commandOf = launch.getMethod("command");
        this.directoryOf = launch.getMethod("workingDirectory");
        this.environmentOf = launch.getMethod("environment");
        this.confinementOf = launch.getMethod("confinement");
        this.release = felix.managerClass(IMPL + "process.Confinement").getMethod("release");
    }

    /**
     * Probes the host as the manager does when it starts (the bubblewrap binary and uid it uses by
     * default, its seccomp programs installed from its bundle) and extracts the handler as the manager
     * extracts a driver's, so that the file inside the sandbox has the same name.
     *
     * @param felix the framework with the manager bundle
     * @param shim the manager's launch shim, extracted from its bundle
     * @param handler the handler file
     * @param sha256 its digest
     * @param fileName the name the manager gives the extracted file: the driver's name
     * @param work a folder that does not exist yet
     * @return the planner
     * @throws Exception the manager lacks one of the classes, or a step failed
     */
    static ManagerLaunches of(EmbeddedFelix felix, Path shim, Path handler, String sha256, String fileName, Path work)
            throws Exception {
        Class<?> hostType = felix.managerClass(IMPL + "sandbox.SandboxHost");
        Class<?> cgroupsType = felix.managerClass(IMPL + "sandbox.Cgroups");
        Class<?> launchesType = felix.managerClass(IMPL + "sandbox.SandboxLaunches");
        Class<?> blobType = felix.managerClass(IMPL + "blob.HandlerBlob");
        Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Object host = invoke(hostType.getMethod("probe", Bundle.class, Path.class, Optional.class, Path.class, int.class),
                null, felix.managerBundle(), work.resolve("seccomp"), Optional.of(shim),
                hostType.getField("DEFAULT_BWRAP").get(null), hostType.getField("DEFAULT_UID").getInt(null));
        Object cgroups = invoke(cgroupsType.getMethod("discover"), null);
        Object launches = launchesType.getConstructor(hostType, cgroupsType, boolean.class).newInstance(host, cgroups, true);
        Path directory = Files.createDirectory(work.resolve("handler"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Object blob = invoke(blobType.getMethod("extract", URL.class, String.class, Optional.class, Path.class, String.class),
                null, handler.toUri().toURL(), DriverBundles.HANDLER_ENTRY, Optional.of(sha256), directory, fileName);
        String identity = (String) invoke(blobType.getMethod("verify"), blob);
        return new ManagerLaunches(felix, shim, launches, blob, identity == null ? "" : identity);
    }

    /** @return why this host cannot sandbox, or null when it can */
    String unavailableReason() throws Exception {
        return (String) invoke(launches.getClass().getMethod("unavailableReason"), launches);
    }

    /** @return the cgroup controllers that limit handler trees here */
    @SuppressWarnings("unchecked")
    Set<String> cgroupControllers() throws Exception {
        return (Set<String>) invoke(launches.getClass().getMethod("cgroupControllers"), launches);
    }

    /** One planned launch, as the manager's {@code Launch} holds it. */
    final class Planned {
        final List<String> shimOptions;
        final List<String> command;
        final Path directory;
        final Map<String, String> environment;
        private final Object confinement;

        private Planned(Object launch) throws Exception {
            this.shimOptions = strings(shimOptionsOf.invoke(launch));
            this.command = strings(commandOf.invoke(launch));
            this.directory = (Path) directoryOf.invoke(launch);
            @SuppressWarnings("unchecked")
            Map<String, String> env = (Map<String, String>) environmentOf.invoke(launch);
            this.environment = env;
            this.confinement = confinementOf.invoke(launch);
        }

        private Planned(Planned planned, List<String> shimOptions) {
            this.shimOptions = shimOptions;
            this.command = planned.command;
            this.directory = planned.directory;
            this.environment = planned.environment;
            this.confinement = planned.confinement;
        }

        /**
         * @return the same launch with the shim's {@code --cgroup} options left out (an analysis
         *         variant: the tree then joins none of its cgroups and is bounded by nothing but rlimits)
         */
        Planned withoutCgroups() {
            List<String> options = new ArrayList<>();
            for (int i = 0; i < shimOptions.size(); i++) {
                if (shimOptions.get(i).equals("--cgroup")) {
                    i++;
                } else {
                    options.add(shimOptions.get(i));
                }
            }
            return new Planned(this, List.copyOf(options));
        }

        /** Removes the cgroups; call once the process has been reaped. */
        void release() throws Exception {
            invoke(release, confinement);
        }
    }

    /**
     * @param driver names the launch (its cgroups, {@code UMD_DRIVER}); must not be a loaded driver's name
     * @param descriptor the driver's effective settings, e.g. a loaded driver's {@code DriverInfo.settings()}
     * @return the launch the manager would make for instance 0; its cgroups exist until released
     * @throws Exception planning failed, e.g. the host cannot sandbox
     */
    Planned plan(String driver, DriverDescriptor descriptor) throws Exception {
        return new Planned(invoke(plan, launches, driver, 0, descriptor, blob, identity));
    }

    /**
     * @param planned a launch
     * @return a builder of the whole command line as the manager's spawner starts it (the shim with
     *         {@code --sync}, the launch's shim options, the JVM's pid, the command), with the
     *         launch's working directory and exactly its environment; stdin, stdout and stderr are pipes
     */
    ProcessBuilder builder(Planned planned) {
        List<String> line = new ArrayList<>(List.of(shim.toString(), "--sync"));
        line.addAll(planned.shimOptions);
        line.add(Long.toString(ProcessHandle.current().pid()));
        line.addAll(planned.command);
        ProcessBuilder builder = new ProcessBuilder(line).directory(planned.directory.toFile());
        builder.environment().clear();
        builder.environment().putAll(planned.environment);
        return builder;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String.class::cast).toList();
    }

    /** Invokes a manager method, unwrapping what it threw. */
    private static Object invoke(Method method, Object target, Object... args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new IOException("the manager's " + method.getName() + " failed", e.getCause());
        }
    }
}
