package io.github.umdosgi.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What could leak from the manager, counted at one moment: handler processes
 * under the manager's root, this JVM's open file descriptors, live threads
 * the manager started (named {@code umd-*}), all live threads, and private
 * directories under the root. Tests take one before and one after, and
 * compare with {@link #assertNoGrowth}.
 *
 * @param handlers live descendant processes under the root
 * @param fds entries of /proc/self/fd
 * @param umdThreads live threads whose name starts with "umd-", but for the two shared pools
 *        ({@code umd-worker}, {@code umd-hook}): they are bounded and end after 30 idle
 *        seconds, so a case that used them may end with a few still idle; they are not a driver's
 * @param threads all live threads
 * @param dirs entries directly under the root
 */
public record LeakProbe(int handlers, int fds, int umdThreads, int threads, int dirs) {

    /** Counts now. */
    public static LeakProbe take(Path root) {
        return new LeakProbe(HandlerProcesses.under(root).size(), openFds(),
                (int) Thread.getAllStackTraces().keySet().stream()
                        .filter(Thread::isAlive).filter(LeakProbe::countedUmdThread).count(),
                Thread.activeCount(), HandlerProcesses.entries(root).size());
    }

    /**
     * Waits (asynchronous reaping, stderr drains and timer threads settle
     * within seconds) until nothing counted is above {@code before} plus
     * {@code slack} (fds and threads only: the JDK itself opens a few and
     * pools come and go), then fails naming what grew.
     */
    public static LeakProbe assertNoGrowth(String what, Path root, LeakProbe before, int slack) {
        return Waits.waitFor(what + ": nothing leaked (before " + before + ")", Waits.SOON,
                () -> take(root),
                now -> now.handlers <= before.handlers && now.dirs <= before.dirs
                        && now.fds <= before.fds + slack && now.umdThreads <= before.umdThreads + 1
                        && now.threads <= before.threads + slack);
    }

    private static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd", e);
        }
    }

    /** The manager's own threads that a driver could leak: every umd-* thread but the two idle-expiring pools. */
    private static boolean countedUmdThread(Thread t) {
        String name = t.getName();
        return name.startsWith("umd-") && !name.equals("umd-worker") && !name.equals("umd-hook");
    }
}
