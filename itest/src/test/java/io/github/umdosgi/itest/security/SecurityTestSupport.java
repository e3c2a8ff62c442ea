package io.github.umdosgi.itest.security;

import org.junit.After;
import org.junit.Before;

import io.github.umdosgi.itest.LeakProbe;
import io.github.umdosgi.itest.UmdTestSupport;

/**
 * The security tests' common frame: a {@link LeakProbe} is taken before each test, and after the
 * test's bundles were uninstalled (and checked by {@link UmdTestSupport}) nothing may have grown;
 * both figures are printed.
 */
public abstract class SecurityTestSupport extends UmdTestSupport {

    private LeakProbe before;

    /** Waits for the provisioned sample driver first, so that its start is not counted as growth. */
    @Before
    public void takeLeakProbe() {
        awaitSampleReady();
        before = LeakProbe.take(root());
    }

    /** Replaces (and runs) the inherited clean-up, then compares with the probe taken before the test. */
    @Override
    @After
    public void uninstallTestBundles() throws Exception {
        super.uninstallTestBundles();
        LeakProbe after = LeakProbe.assertNoGrowth(getClass().getSimpleName(), root(), before, 8);
        System.out.println("[" + getClass().getSimpleName() + "] leak probe before " + before + ", after " + after);
    }
}
