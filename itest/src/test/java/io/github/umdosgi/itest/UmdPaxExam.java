package io.github.umdosgi.itest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.runner.Description;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunNotifier;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * The pax-exam runner plus one extra check per test class, reported as the test
 * {@value #CHECK_NAME}: once pax-exam has stopped the class's framework (every driver bundle
 * stopped, the manager deactivated), no handler process may be left under the class's root
 * directory and no driver directory may remain in it.
 *
 * <p>This runs outside the framework on purpose: pax-exam runs {@code @AfterClass} inside the
 * container around each single test method, so there is no in-container hook after the last
 * test of a class.
 */
public class UmdPaxExam extends PaxExam {

    static final String CHECK_NAME = "noHandlerLeftAfterFrameworkStop";

    private final Class<?> testClass;
    private final Description check;

    public UmdPaxExam(Class<?> klass) throws Exception {
        super(klass);
        this.testClass = klass;
        this.check = Description.createTestDescription(klass, CHECK_NAME);
    }

    @Override
    public Description getDescription() {
        Description d = super.getDescription();
        d.addChild(check);
        return d;
    }

    @Override
    public void run(RunNotifier notifier) {
        // PaxExam.run stops the framework (per-class or per-method reactor) before it returns.
        super.run(notifier);
        notifier.fireTestStarted(check);
        try {
            checkNothingLeft(UmdTestSupport.rootFor(testClass));
        } catch (Throwable t) {
            notifier.fireTestFailure(new Failure(check, t));
        } finally {
            notifier.fireTestFinished(check);
        }
    }

    private static void checkNothingLeft(Path root) {
        Waits.waitFor("no handler process under " + root + " after the framework stopped", Waits.SOON,
                () -> HandlerProcesses.describeAll(HandlerProcesses.under(root)), List::isEmpty);
        Waits.waitFor("no driver directory in " + root + " after the framework stopped", Waits.SOON,
                () -> HandlerProcesses.entries(root).stream().filter(Files::isDirectory)
                        .map(Path::toString).collect(Collectors.toList()),
                List::isEmpty);
    }
}
