/**
 * The sample user mode driver, a port of the Linux kernel's UMD selftest
 * driver: {@link io.github.umdosgi.sample.SampleDriver} sends an offset to the
 * embedded handler and checks that the 128 KiB reply has exactly that byte set.
 * {@link io.github.umdosgi.sample.SampleProtocol} is its wire format. As in the
 * kernel, the manager (this package's bundle) and the loader (the bundle that
 * carries the handler) are separate: stopping the loader unloads the driver,
 * and the next check loads it again through the UMD manager's lazy start.
 */
@Export
@Version("1.1.0")
package io.github.umdosgi.sample;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
