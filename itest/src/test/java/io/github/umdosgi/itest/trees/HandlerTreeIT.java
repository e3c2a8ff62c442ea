package io.github.umdosgi.itest.trees;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.DriverInfo;
import io.github.umdosgi.api.DriverState;
import io.github.umdosgi.api.HandlerStartException;
import io.github.umdosgi.api.Sandbox;
import io.github.umdosgi.itest.HandlerProcesses;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.UmdTestSupport;
import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.testkit.BundleJar;

/**
 * A Python handler with a tree: a sibling module and a data file, in the default sandbox. It runs
 * by its real path, so its import, its {@code __file__} and its traceback name real files; a file of
 * the tree changed on disk, or a tree unlike its declared digest, is refused.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HandlerTreeIT extends UmdTestSupport {

    private static final String MAIN = "#!/usr/bin/python3\n"
            + "import os, struct, sys, traceback\n"
            + "import helper\n"
            + "here = os.path.dirname(os.path.abspath(__file__))\n"
            + "with open(os.path.join(here, 'data', 'suffix.txt'), 'rb') as f:\n"
            + "    suffix = f.read().strip()\n"
            + "stdin, stdout = sys.stdin.buffer, sys.stdout.buffer\n"
            + "while True:\n"
            + "    header = stdin.read(4)\n"
            + "    if len(header) < 4:\n"
            + "        break\n"
            + "    (n,) = struct.unpack('>I', header)\n"
            + "    request = stdin.read(n)\n"
            + "    if request == b'where':\n"
            + "        try:\n"
            + "            helper.fail()\n"
            + "        except Exception:\n"
            + "            reply = (__file__ + '\\n' + traceback.format_exc()).encode()\n"
            + "    else:\n"
            + "        reply = helper.up(request) + suffix\n"
            + "    stdout.write(struct.pack('>I', len(reply)) + reply)\n"
            + "    stdout.flush()\n";
    private static final String HELPER = "def up(b):\n    return b.upper()\n\n"
            + "def fail():\n    raise ValueError('from the helper')\n";

    private static Map<String, byte[]> tree() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("upper.py", MAIN.getBytes(StandardCharsets.UTF_8));
        files.put("helper.py", HELPER.getBytes(StandardCharsets.UTF_8));
        files.put("data/suffix.txt", "!\n".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private BundleJar bundle(String name, String digest) {
        BundleJar jar = BundleJar.named("itest.tree." + name)
                .driverHeader(name + ";handler=py/upper.py;tree=py;tree-sha256=" + digest);
        tree().forEach((path, content) -> jar.entry("py/" + path, content));
        return jar;
    }

    @Test
    public void siblingImportDataFileAndRealPathsInTheDefaultSandbox() throws Exception {
        Assume.assumeTrue("python3", Files.isExecutable(Path.of("/usr/bin/python3")));
        Bundle b = install("itest:tree-py", bundle("pytree", TreeDigests.of(tree())), "pytree");
        b.start();
        DriverInfo info = awaitState("pytree", DriverState.IDLE);
        assertEquals(Sandbox.DEFAULT, info.settings().orElseThrow().sandbox());

        assertEquals("HELLO!", new String(umd.call("pytree", "hello".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8));
        String where = new String(umd.call("pytree", "where".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertTrue(where, where.startsWith("/umd/py/upper.py\n"));
        assertTrue(where, where.contains("File \"/umd/py/upper.py\", line"));
        assertTrue(where, where.contains("File \"/umd/py/helper.py\", line 5, in fail"));
        assertTrue(where, where.contains("ValueError: from the helper"));
        b.uninstall();
        assertNothingLeft("pytree");
    }

    @Test
    public void aTreeFileChangedOnDiskIsRefusedAtTheNextStart() throws Exception {
        Assume.assumeTrue("python3", Files.isExecutable(Path.of("/usr/bin/python3")));
        Bundle b = install("itest:tree-tamper", bundle("pytamper", TreeDigests.of(tree())), "pytamper");
        b.start();
        awaitState("pytamper", DriverState.IDLE);
        assertEquals("A!", new String(umd.call("pytamper", "a".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));

        List<Path> dirs = HandlerProcesses.privateDirs(root(), "pytamper");
        assertEquals(dirs.toString(), 1, dirs.size());
        Path helper = dirs.get(0).resolve("umd/py/helper.py");
        assertTrue(helper + " is where the tree was extracted", Files.isRegularFile(helper));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(helper, "def up(b):\n    return b'evil'\n");
        admin.kill("pytamper");

        HandlerStartException e = Waits.expectThrows(HandlerStartException.class, "the start after the change",
                () -> umd.call("pytamper", "b".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage(), e.getMessage().contains("helper.py was modified after extraction"));
        b.uninstall();
        assertNothingLeft("pytamper");
    }

    @Test
    public void aTreeUnlikeItsDeclaredDigestIsNeverRun() throws Exception {
        Map<String, byte[]> other = tree();
        other.put("helper.py", "def up(b):\n    return b'evil'\n".getBytes(StandardCharsets.UTF_8));
        // The header declares the digest of the tree as built; the bundle holds a changed file.
        Bundle b = install("itest:tree-wrong", bundle("pywrong", TreeDigests.of(other)), "pywrong");
        b.start();
        DriverInfo info = awaitState("pywrong", DriverState.FAILED);
        assertTrue(info.lastError().orElse(""), info.lastError().orElse("").contains("tree 'py' has sha256 " + TreeDigests.of(tree())
                + " but the header declares " + TreeDigests.of(other)));
        assertTrue(HandlerProcesses.privateDirs(root(), "pywrong").isEmpty());
        b.uninstall();
        assertNothingLeft("pywrong");
    }
}
