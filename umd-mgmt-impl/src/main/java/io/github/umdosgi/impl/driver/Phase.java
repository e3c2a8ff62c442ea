package io.github.umdosgi.impl.driver;

import java.util.List;

import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverDescriptor;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.impl.blob.HandlerBlob;
import io.github.umdosgi.impl.process.StderrTail;

/**
 * The one state of a {@link Driver}, replaced as a whole under the driver's
 * lock and never mutated: the kernel's {@code tgid} and {@code kmod_loaded}
 * folded into one value, so that no two fields can disagree. Immutable.
 */
sealed interface Phase {

    /**
     * The arguments of a load, kept so that a lazy load, a reload or an
     * operator restart can repeat it.
     *
     * @param owner the bundle embedding the handler
     * @param declared the descriptor before operator overrides
     * @param hook the post-start hook, or null
     */
    record LoadRequest(Bundle owner, DriverDescriptor declared, PostStartHook hook) {
    }

    /**
     * Nothing runs.
     *
     * @param last the last load, or null when there was none
     */
    record NotLoaded(LoadRequest last) implements Phase {
    }

    /**
     * A load or reload is in progress; the thread doing it holds the driver's lock throughout, so a
     * caller that sees this waits on that lock.
     *
     * @param request what is being loaded
     */
    record Starting(LoadRequest request) implements Phase {
    }

    /**
     * The handlers run (or are restarted by the next call).
     *
     * @param request what was loaded
     * @param descriptor the effective settings, overrides applied
     * @param blob the extracted handler
     * @param instances the handler slots
     * @param restarts the restart policy's history for this load
     * @param stderr the handlers' recent stderr lines of this load
     */
    record Loaded(LoadRequest request, DriverDescriptor descriptor, HandlerBlob blob,
            List<HandlerInstance> instances, RestartTracker restarts, StderrTail stderr) implements Phase {
    }

    /**
     * The load failed or the restart policy gave up, until an operator restart or a bundle restart.
     *
     * @param reason why, for operators
     * @param last the load that failed, or null when it failed before a load (a bad header)
     * @param stderr the failed load's stderr lines, kept so that the failure can be read; null when
     *        no handler ran
     */
    record Failed(String reason, LoadRequest last, StderrTail stderr) implements Phase {
    }

    /** @return the last load request, or null */
    default LoadRequest lastLoad() {
        if (this instanceof NotLoaded n) {
            return n.last();
        }
        if (this instanceof Starting s) {
            return s.request();
        }
        if (this instanceof Loaded l) {
            return l.request();
        }
        return ((Failed) this).last();
    }
}
