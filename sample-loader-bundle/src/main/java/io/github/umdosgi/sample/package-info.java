/**
 * The sample user mode driver, a port of the Linux kernel's UMD selftest
 * driver: {@link io.github.umdosgi.sample.SampleDriver} sends an offset to the
 * embedded handler and checks that the 128 KiB reply has exactly that byte set.
 */
@Export
@Version("1.0.0")
package io.github.umdosgi.sample;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
