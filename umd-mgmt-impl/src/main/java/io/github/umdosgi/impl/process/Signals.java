package io.github.umdosgi.impl.process;

/** Names the signals by which the sandbox's limits end a process. Stateless. */
final class Signals {

    private Signals() {
    }

    /**
     * @param signal a signal number (Linux numbering)
     * @return e.g. {@code " (SIGXCPU: the cpu-time limit was reached)"}, or an empty string
     */
    static String meaning(int signal) {
        return switch (signal) {
            case 24 -> " (SIGXCPU: the cpu-time limit was reached)";
            case 25 -> " (SIGXFSZ: the file-size limit was reached)";
            case 31 -> " (SIGSYS: a system call the seccomp profile denies)";
            default -> "";
        };
    }
}
