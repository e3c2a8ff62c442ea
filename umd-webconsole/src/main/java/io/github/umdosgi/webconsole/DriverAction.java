package io.github.umdosgi.webconsole;

import java.util.Optional;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.UmdAdmin;
import io.github.umdosgi.api.UmdException;

/** The operator actions the page offers, each one POST form; stateless. */
enum DriverAction {

    /** Kills the handlers if they run, clears a failed state and starts them again. */
    RESTART("restart", "Restart") {
        @Override
        Outcome perform(UmdAdmin admin, String name) throws UmdException {
            DriverInfo after = admin.restart(name);
            return new Outcome(true, "restarted driver '" + name + "': " + after.state() + ", pid "
                    + (after.pid().isPresent() ? Long.toString(after.pid().getAsLong()) : "-"));
        }
    },
    /** Sends SIGKILL to the handlers, as a crash would; the next call restarts them. */
    KILL("kill", "Kill") {
        @Override
        Outcome perform(UmdAdmin admin, String name) throws UmdException {
            int killed = admin.kill(name);
            return new Outcome(true, "sent SIGKILL to " + killed + " handler process(es) of driver '" + name + "'");
        }
    };

    private final String key;
    private final String label;

    DriverAction(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** @return the value of the form's {@code action} field */
    String key() {
        return key;
    }

    /** @return the button's text */
    String label() {
        return label;
    }

    /**
     * @param admin the operator service
     * @param name a valid driver name
     * @return what happened
     * @throws UmdException the action failed (typed, with the manager's reason)
     */
    abstract Outcome perform(UmdAdmin admin, String name) throws UmdException;

    /**
     * @param key a form's {@code action} field, or null
     * @return the action, or empty when there is none by that key
     */
    static Optional<DriverAction> byKey(String key) {
        for (DriverAction a : values()) {
            if (a.key.equals(key)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
