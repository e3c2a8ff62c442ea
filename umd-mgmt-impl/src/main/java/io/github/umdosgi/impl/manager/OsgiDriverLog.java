package io.github.umdosgi.impl.manager;

import org.osgi.service.log.Logger;

import io.github.umdosgi.impl.driver.DriverLog;

/** Sends driver events to the OSGi log. Stateless beyond its logger. */
final class OsgiDriverLog implements DriverLog {

    private final Logger logger;

    OsgiDriverLog(Logger logger) {
        this.logger = logger;
    }

    @Override
    public void info(String message) {
        logger.info("{}", message);
    }

    @Override
    public void warn(String message) {
        logger.warn("{}", message);
    }

    @Override
    public void error(String message) {
        logger.error("{}", message);
    }
}
