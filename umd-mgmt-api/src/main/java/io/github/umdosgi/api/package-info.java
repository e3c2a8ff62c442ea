/**
 * The umd-osgi API: run a handler executable out of process, tied to the
 * lifecycle of the bundle that embeds it, and exchange request/reply messages
 * with it through the {@link io.github.umdosgi.api.UmdManager} service.
 *
 * <p>This package holds only interfaces, value types and exceptions. The
 * implementation bundle exports nothing.
 */
@Export
@Version("2.0.0")
package io.github.umdosgi.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
