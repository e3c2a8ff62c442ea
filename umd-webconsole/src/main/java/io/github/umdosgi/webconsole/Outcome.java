package io.github.umdosgi.webconsole;

/**
 * What an action did, shown above the table after the action.
 *
 * @param ok whether it succeeded
 * @param message what happened; may quote a handler (escaped when shown)
 */
record Outcome(boolean ok, String message) {
}
