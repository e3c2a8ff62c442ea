package io.github.umdosgi.itest.pgp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.pgp.PgpVerifier;
import io.github.umdosgi.pgp.PublicKeyInfo;
import io.github.umdosgi.pgp.Verification;

/**
 * The OpenPGP driver bundle in a real Felix: gpg's keys and signatures, made during the test, verified
 * through the sandboxed parser; hostile inputs modelled on parsers' published bugs; the Gogo commands;
 * no process or file left when the bundle stops.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PgpDriverIT extends UmdTestSupport {

    private static final String BSN = "io.github.umdosgi.pgp";

    @Override
    @Configuration
    public Option[] config() {
        Option[] base = super.config();
        Option[] all = Arrays.copyOf(base, base.length + 1);
        all[base.length] = bundle(new File(System.getProperty("itest.bundles"), "pgp-driver-bundle.jar").toURI()
                .toString());
        return all;
    }

    /** gpg's material, made once per test class. */
    private static final class Material {
        final Path dir;
        final String alice;
        final String bob;
        final Path data;
        final byte[] aliceKey;
        final byte[] aliceKeyArmored;
        final byte[] bobKey;
        final byte[] aliceSig;
        final byte[] aliceSigArmored;
        final byte[] bobSig;

        Material(Path base) throws Exception {
            // A fresh GnuPG home each run: keys of an earlier run would make gpg refuse to generate.
            Files.createDirectories(base.getParent());
            this.dir = Files.createTempDirectory(base.getParent(), base.getFileName().toString());
            try (Gpg gpg = new Gpg(dir.resolve("gnupg"))) {
                alice = gpg.generate("alice@example.org", "ed25519");
                bob = gpg.generate("bob@example.org", "rsa2048");
                data = Files.write(dir.resolve("release.tar"), "the release, byte for byte\n"
                        .getBytes(StandardCharsets.UTF_8));
                aliceKey = gpg.export("alice@example.org", false, dir.resolve("alice.gpg"));
                aliceKeyArmored = gpg.export("alice@example.org", true, dir.resolve("alice.asc"));
                bobKey = gpg.export("bob@example.org", false, dir.resolve("bob.gpg"));
                aliceSig = gpg.sign("alice@example.org", data, false, dir.resolve("release.tar.sig"));
                aliceSigArmored = gpg.sign("alice@example.org", data, true, dir.resolve("release.tar.asc"));
                bobSig = gpg.sign("bob@example.org", data, false, dir.resolve("release.tar.bob.sig"));
            }
        }
    }

    private static Material material;

    private Material material() throws Exception {
        if (material == null) {
            material = new Material(Path.of(System.getProperty("itest.work"), "PgpDriverIT"));
        }
        return material;
    }

    private PgpVerifier verifier() {
        return Waits.waitFor("the PgpVerifier service", Waits.SOON, () -> {
            ServiceReference<PgpVerifier> ref = bundleContext.getServiceReference(PgpVerifier.class);
            return ref == null ? null : bundleContext.getService(ref);
        }, v -> v != null);
    }

    private static PgpException.Reason reasonOf(Exception e) {
        return e instanceof PgpException p ? p.reason() : null;
    }

    @Test
    public void gpgSignaturesVerifyThroughTheSandboxedParserAndTheBadOnesFailTyped() throws Exception {
        Material m = material();
        DriverInfo info = awaitState(PgpVerifier.DRIVER_NAME, DriverState.IDLE);
        assertEquals(Sandbox.DEFAULT, info.settings().orElseThrow().sandbox());
        PgpVerifier v = verifier();
        byte[] data = Files.readAllBytes(m.data);

        Verification good = v.verify(data, m.aliceSig, m.aliceKey, Set.of(m.alice));
        assertEquals("the JVM's fingerprint is gpg's", m.alice, good.fingerprint());
        assertEquals(m.alice.substring(24), good.keyId());
        assertEquals(good, v.verify(data, m.aliceSigArmored, m.aliceKeyArmored, Set.of(m.alice.toLowerCase())));
        assertEquals(m.bob, v.verify(data, m.bobSig, m.bobKey, Set.of(m.bob)).fingerprint());

        byte[] tampered = data.clone();
        tampered[0] ^= 0x20;
        assertFails(PgpException.Reason.BAD_SIGNATURE, () -> v.verify(tampered, m.aliceSig, m.aliceKey,
            Set.of(m.alice)));
        assertFails(PgpException.Reason.UNKNOWN_ISSUER, () -> v.verify(data, m.bobSig, m.aliceKey,
            Set.of(m.alice, m.bob)));
        assertFails(PgpException.Reason.UNTRUSTED_KEY, () -> v.verify(data, m.aliceSig, m.aliceKey, Set.of(m.bob)));

        // A figure for the report, not a limit: a verification's cost through the sandboxed parser,
        // printed only.
        int rounds = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            v.verify(data, m.aliceSig, m.aliceKey, Set.of(m.alice));
        }
        System.out.printf("pgp figure: %d Ed25519 verifications through the driver, %.2f ms each%n", rounds,
                (System.nanoTime() - t0) / 1e6 / rounds);

        List<PublicKeyInfo> keys = v.keys(m.aliceKeyArmored);
        assertEquals(m.alice, keys.get(0).fingerprint());
        assertEquals(List.of("Test <alice@example.org>"), keys.get(0).claimedUserIds());
    }

    @Test
    public void hostileInputsGetTypedErrorsOrAKillAndTheNextCallWorks() throws Exception {
        Material m = material();
        awaitState(PgpVerifier.DRIVER_NAME, DriverState.IDLE);
        PgpVerifier v = verifier();
        byte[] data = Files.readAllBytes(m.data);
        List<String> outcomes = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : HostileInputs.signatures(m.aliceSig, 20261201L).entrySet()) {
            outcomes.add(e.getKey() + ": " + attempt(() -> v.verify(data, e.getValue(), m.aliceKey,
                Set.of(m.alice))));
            assertEquals("after " + e.getKey(), m.alice, v.verify(data, m.aliceSig, m.aliceKey,
                Set.of(m.alice)).fingerprint());
        }
        for (Map.Entry<String, byte[]> e : HostileInputs.keys(m.aliceKey, m.aliceSig).entrySet()) {
            outcomes.add(e.getKey() + ": " + attempt(() -> v.keys(e.getValue())));
            outcomes.add(e.getKey() + " (verify): " + attempt(() -> v.verify(data, m.aliceSig, e.getValue(),
                Set.of(m.alice))));
            assertEquals("after " + e.getKey(), m.alice, v.keys(m.aliceKey).get(0).fingerprint());
        }
        Verification good = v.verify(data, m.aliceSig, m.aliceKey, Set.of(m.alice));
        int refused = 0;
        for (Map.Entry<String, byte[]> e : HostileInputs.mutations(m.aliceSig, 7L, 200).entrySet()) {
            try {
                // A flip in unsigned bytes (the unhashed issuer) may be harmless: then it must be the
                // very same verification; anything else must be a typed failure.
                assertEquals(e.getKey(), good, v.verify(data, e.getValue(), m.aliceKey, Set.of(m.alice)));
            } catch (PgpException | UmdException expected) {
                refused++;
            }
        }
        outcomes.add("200 bit-flipped signatures: " + refused + " refused, the rest the same verification");
        assertTrue(outcomes.get(outcomes.size() - 1), refused > 150);
        // The container is unaffected: the sample driver of the same manager still serves.
        awaitSampleReady();
        System.out.println("pgp hostile inputs:\n  " + String.join("\n  ", outcomes));
        assertTrue(String.join("\n", outcomes), outcomes.stream().anyMatch(o -> o.contains("nested deeper")));
        assertTrue(String.join("\n", outcomes), outcomes.stream().anyMatch(o -> o.contains("inflates to more")));
        assertTrue(String.join("\n", outcomes), outcomes.stream().anyMatch(o -> o.contains("declares 4294967295")));
        assertTrue(String.join("\n", outcomes), outcomes.stream().anyMatch(o -> o.contains("more than 2000 packets")));
        assertNotEquals(DriverState.FAILED, info(PgpVerifier.DRIVER_NAME).state());
    }

    @Test
    public void aKilledParserIsRestartedAndTheGogoCommandsWork() throws Exception {
        Material m = material();
        awaitState(PgpVerifier.DRIVER_NAME, DriverState.IDLE);
        long before = info(PgpVerifier.DRIVER_NAME).starts();
        verifier().keys(m.aliceKey); // a handler process is running
        assertTrue(admin.kill(PgpVerifier.DRIVER_NAME) >= 1);
        long t0 = System.nanoTime();
        verifier().keys(m.aliceKey);
        System.out.printf("pgp figure: first call after a kill (a fresh parser JVM) %.1f ms%n",
                (System.nanoTime() - t0) / 1e6);
        assertTrue(admin.kill(PgpVerifier.DRIVER_NAME) >= 1);

        String key = Shell.run(bundleContext, "pgp:key " + m.dir.resolve("alice.asc"));
        assertTrue(key, key.contains("pub " + m.alice));
        assertTrue(key, key.contains("uid (unverified) 'Test <alice@example.org>'"));
        assertTrue(info(PgpVerifier.DRIVER_NAME).starts() > before);

        String ok = Shell.run(bundleContext, "pgp:verify " + m.data + " " + m.dir.resolve("release.tar.asc") + " "
                + m.dir.resolve("alice.asc") + " " + m.alice);
        assertTrue(ok, ok.startsWith("GOOD signature by " + m.alice));
        // Without fingerprints, the key file's primary key is the trusted one.
        String implicit = Shell.run(bundleContext, "pgp:verify " + m.data + " " + m.dir.resolve("release.tar.sig")
                + " " + m.dir.resolve("alice.gpg"));
        assertTrue(implicit, implicit.startsWith("GOOD signature by " + m.alice));
        try {
            Shell.run(bundleContext, "pgp:verify " + m.dir.resolve("alice.asc") + " "
                    + m.dir.resolve("release.tar.sig") + " " + m.dir.resolve("alice.gpg"));
            fail("a signature verified over other data in the shell");
        } catch (Exception e) {
            assertTrue(e.toString(), e.getMessage().startsWith("BAD_SIGNATURE: "));
        }
        try {
            Shell.run(bundleContext, "pgp:verify " + m.data + " " + m.dir.resolve("release.tar.bob.sig") + " "
                    + m.dir.resolve("bob.gpg") + " " + m.alice);
            fail("an untrusted key verified in the shell");
        } catch (Exception e) {
            assertTrue(e.toString(), e.getMessage().startsWith("UNTRUSTED_KEY: "));
        }

        // Stopping the bundle leaves no handler process and no file; starting it again serves again.
        Bundle b = bundleBySymbolicName(BSN);
        b.stop();
        assertNothingLeft(PgpVerifier.DRIVER_NAME);
        b.start();
        awaitState(PgpVerifier.DRIVER_NAME, DriverState.IDLE);
        assertEquals(m.alice, verifier().keys(m.aliceKey).get(0).fingerprint());
    }

    private interface Call {
        Object run() throws Exception;
    }

    /** What one hostile call came to: a typed failure, a driver failure, never a success. */
    private static String attempt(Call call) {
        try {
            Object result = call.run();
            throw new AssertionError("a hostile input was accepted: " + result);
        } catch (PgpException e) {
            return e.reason() + " " + e.getMessage();
        } catch (UmdException e) {
            return "driver " + e.getClass().getSimpleName() + " " + e.getMessage();
        } catch (Exception e) {
            throw new AssertionError("untyped failure " + e, e);
        }
    }

    private static void assertFails(PgpException.Reason reason, Call call) {
        try {
            call.run();
            fail("expected " + reason);
        } catch (Exception e) {
            assertEquals(e.toString(), reason, reasonOf(e));
        }
    }
}
