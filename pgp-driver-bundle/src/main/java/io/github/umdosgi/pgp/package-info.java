/**
 * Verifying OpenPGP detached signatures without parsing OpenPGP in the framework's JVM:
 * {@link io.github.umdosgi.pgp.PgpVerifier} hands the untrusted key and signature to the
 * sandboxed {@code pgp} driver, decodes its reply strictly, computes the key's fingerprint
 * itself and verifies with {@code java.security}. A verification succeeds only for a key
 * whose fingerprint the caller trusts.
 */
@Export
@Version("1.0.0")
package io.github.umdosgi.pgp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
