package io.github.umdosgi.samplehandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * frame_io.h, the I/O every C handler shares, against write(2) results a pipe
 * seldom gives: {@code src/test/c/frame_io_test.c} is linked with write
 * wrapped by a scripted fake. A {@code write_full} that spins on a write of
 * 0 bytes never ends, so the program is bounded and killed.
 */
class FrameIoTest {

    private static final Path SOURCES = Paths.get("src", "main", "c");
    private static final Path TEST = Paths.get("src", "test", "c", "frame_io_test.c");

    @TempDir
    Path temp;

    @Test
    void writeFullFailsOnAZeroWriteRetriesShortOnesAndFramesAreBigEndian() throws Exception {
        Path program = temp.resolve("frame_io_test");
        String cc = System.getProperty("handler.cc", "gcc");
        Result build = run(List.of(cc, "-O2", "-Wall", "-Wextra", "-Werror", "-I", SOURCES.toString(),
                "-Wl,--wrap=write", "-o", program.toString(), TEST.toString()));
        assertEquals(0, build.exit(), "compiling " + TEST + ":\n" + build.output());

        Result test = run(List.of(program.toString()));
        assertEquals(0, test.exit(), "frame_io_test:\n" + test.output());
    }

    private record Result(int exit, String output) {
    }

    /** Runs a command with a bound: a spinning write_full is a failure, not a hung build. */
    private Result run(List<String> command) throws IOException, InterruptedException {
        Path log = temp.resolve("log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(20, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, String.join(" ", command) + " did not end within 20 s (killed):\n" + output);
        return new Result(p.exitValue(), output);
    }
}
