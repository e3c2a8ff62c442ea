package io.github.umdosgi.itest.faults;

import io.github.umdosgi.itest.LeakProbe;

/**
 * Prints one line per fault case with the leak counters before and after, for docs/RELIABILITY.md.
 * Failsafe redirects it to {@code target/failsafe-reports/<class>-output.txt}; grep for
 * {@code FIGURES|}.
 */
final class Figures {

    private Figures() {
    }

    static synchronized void row(Class<?> test, String caseName, LeakProbe before, LeakProbe after, String observed) {
        System.out.println("FIGURES| " + test.getSimpleName() + " | " + caseName
                + " | handlers " + before.handlers() + "->" + after.handlers()
                + " | fds " + before.fds() + "->" + after.fds()
                + " | umd threads " + before.umdThreads() + "->" + after.umdThreads()
                + " | threads " + before.threads() + "->" + after.threads()
                + " | dirs " + before.dirs() + "->" + after.dirs()
                + " | " + observed + " |");
        System.out.flush();
    }

    static synchronized void note(Class<?> test, String caseName, String text) {
        System.out.println("FIGURES-NOTE| " + test.getSimpleName() + " | " + caseName + " | " + text);
        System.out.flush();
    }
}
