package io.github.umdosgi.impl.process;

/**
 * What confines a running handler tree beyond its own process: a pid
 * namespace that dies with its first process, and the limits whose breach
 * explains a death. Implementations are thread safe.
 */
public interface Confinement {

    /** No confinement: the tree is found through the handler's session. */
    Confinement NONE = new Confinement() {
        @Override
        public boolean killsWholeTree() {
            return false;
        }

        @Override
        public String limitReached() {
            return "";
        }

        @Override
        public void killAll() {
        }

        @Override
        public void release() {
        }
    };

    /**
     * @return whether the whole tree can be killed without naming its processes by pid (which
     *         may be recycled): it lives in a pid namespace that the kernel kills whole when the
     *         started process dies, or in a cgroup that {@link #killAll} kills at once
     */
    boolean killsWholeTree();

    /**
     * @return why the tree was stopped by a limit, e.g. {@code "the memory limit (512 MiB) was reached"},
     *         or an empty string when no limit was hit
     */
    String limitReached();

    /** Kills every process of the tree at once, where the confinement can; idempotent. */
    void killAll();

    /** Frees what was set up for the tree, once the process is reaped; idempotent. */
    void release();
}
