package io.github.umdosgi.impl.manager;

import org.osgi.service.log.Logger;

import io.github.umdosgi.impl.driver.DriverLog;
import io.github.umdosgi.impl.text.SafeText;

/**
 * Sends driver events to the OSGi log, escaped ({@link SafeText}): they quote
 * handlers' stderr, hooks' exceptions and bundles' names, and the log ends up
 * on terminals (the shell's {@code log} command, the launcher's console echo).
 * Stateless beyond its logger.
 */
final class OsgiDriverLog implements DriverLog {

    private final Logger logger;

    OsgiDriverLog(Logger logger) {
        this.logger = logger;
    }

    @Override
    public void info(String message) {
        logger.info("{}", SafeText.field(message));
    }

    @Override
    public void warn(String message) {
        logger.warn("{}", SafeText.field(message));
    }

    @Override
    public void error(String message) {
        logger.error("{}", SafeText.field(message));
    }
}
