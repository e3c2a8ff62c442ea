/**
 * The umd-osgi API: run a handler executable out of process, tied to the
 * lifecycle of the bundle that embeds it, and exchange request/reply messages
 * with it.
 *
 * <p>Three services, for three kinds of callers:
 * <ul>
 * <li>{@link io.github.umdosgi.api.UmdManager}, for clients: find, list and
 * call drivers;</li>
 * <li>{@link io.github.umdosgi.api.DriverLoader}, a service factory: a bundle
 * loads and unloads its own handlers, and only those;</li>
 * <li>{@link io.github.umdosgi.api.UmdAdmin}, for operators: restart, kill
 * or unload any driver (to be granted only to operator bundles where a
 * security manager runs).</li>
 * </ul>
 *
 * <p>This package holds only interfaces, value types, constants and
 * exceptions. The implementation bundle exports nothing.
 *
 * <p>Added in 2.1 (compatible): handler trees, Java handlers and a reuse
 * limit per handler process in {@link io.github.umdosgi.api.DriverDescriptor}
 * ({@code tree()}, {@code treeSha256()}, {@code javaMain()},
 * {@code jvmOptions()}, {@code maxCalls()}, their builder methods and
 * {@code javaBuilder}).
 *
 * <p>Changed in 2.0 since 1.1 (incompatible, hence the major version):
 * <ul>
 * <li>{@link io.github.umdosgi.api.DriverDescriptor} is a final class built
 * with a builder instead of a record, so that a new setting never breaks a
 * caller;</li>
 * <li>the new {@link io.github.umdosgi.api.Sandbox} type describes the
 * handler's sandbox, part of the descriptor;</li>
 * <li>{@link io.github.umdosgi.api.DriverInfo#settings()} carries the
 * effective settings of a loaded driver;</li>
 * <li>clients and operators are apart: {@code UmdManager} lost
 * {@code load}, {@code unload}, {@code restart} and {@code kill}; loading
 * moved to {@link io.github.umdosgi.api.DriverLoader}, bound to the calling
 * bundle (with the new
 * {@link io.github.umdosgi.api.DriverOwnershipException}), the rest to
 * {@link io.github.umdosgi.api.UmdAdmin};</li>
 * <li>the event topics and property names moved from {@code UmdManager} to
 * {@link io.github.umdosgi.api.UmdEvents}, which also names each topic and the
 * {@code message} property.</li>
 * </ul>
 */
@Export
@Version("2.1.0")
package io.github.umdosgi.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
