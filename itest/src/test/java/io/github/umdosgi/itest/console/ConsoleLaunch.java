package io.github.umdosgi.itest.console;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.umdosgi.itest.Waits;
import io.github.umdosgi.itest.lifecycle.ProcScan;

/**
 * One run of the real distribution ({@code bin/umd-osgi}) for the Web Console
 * tests: interactive, with its shell on a pipe so that {@code stop 0} ends it
 * in order; its own manager root, framework storage, FileInstall folder and
 * HTTP port. The test thread owns it.
 */
final class ConsoleLaunch implements AutoCloseable {

    /** The console's well-known default credentials, which the distribution keeps on loopback. */
    static final String USER = "admin";
    static final String PASSWORD = "admin";
    /** Upper bound for the distribution to come up or go down. */
    static final Duration LIMIT = Duration.ofSeconds(60);

    private final String name;
    private final Path work;
    private final Path root;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConsoleLaunch(String name, Path work, Path root, int port, Process process) {
        this.name = name;
        this.work = work;
        this.root = root;
        this.port = port;
        this.process = process;
    }

    /**
     * @param launcher the distribution's start script
     * @param work the test's fresh work directory
     * @param name names the run's files and folders
     * @param deploy the FileInstall folder (driver bundles dropped there are started)
     * @param args more launcher arguments, e.g. {@code -Dorg.apache.felix.http.host=...}
     * @return the started run; its port is free a moment before
     * @throws IOException it cannot be started
     */
    static ConsoleLaunch start(Path launcher, Path work, String name, Path deploy, String... args) throws IOException {
        int port = freePort();
        Path root = work.resolve(name + "-root");
        List<String> command = new ArrayList<>(List.of(launcher.toString(),
                "-Dio.github.umdosgi.root=" + root,
                "-Dorg.osgi.framework.storage=" + work.resolve(name + "-cache"),
                "-Dfelix.fileinstall.dir=" + deploy,
                "-Dfelix.fileinstall.poll=200",
                "-Dorg.osgi.service.http.port=" + port));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Process p = pb.start();
        System.out.println("[ConsoleLaunch] " + name + ": pid " + p.pid() + ", port " + port + " " + List.of(args));
        return new ConsoleLaunch(name, work, root, port, p);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    Path root() {
        return root;
    }

    Process process() {
        return process;
    }

    /** @return the page's URL on loopback, without credentials */
    String pageUrl() {
        return "http://127.0.0.1:" + port + "/system/console/umd";
    }

    /** @return the Basic authorization header value of the default credentials */
    static String basicAuth() {
        return basicAuth(USER, PASSWORD);
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A GET of the page with the default credentials; status and body, or status -1 when nothing answers. */
    record Page(int status, String body) {
    }

    Page get(String pathAndQuery) {
        return get(pathAndQuery, USER, PASSWORD);
    }

    /** As {@link #get(String)}, with the given credentials. */
    Page get(String pathAndQuery, String user, String password) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .header("Authorization", basicAuth(user, password)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Page(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A form POST to the page with the given headers (pairs) and form body. */
    int post(String form, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pageUrl())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Waits until the page answers and shows every named driver with a live pid. */
    Page awaitDrivers(String... drivers) {
        return Waits.waitFor(name + ": the umd page lists " + List.of(drivers), LIMIT, () -> {
            assertAlive();
            return get("/system/console/umd");
        }, page -> {
            if (page.status() != 200) {
                return false;
            }
            for (String d : drivers) {
                if (!page.body().contains("data-driver=\"" + d + "\"")) {
                    return false;
                }
            }
            return true;
        });
    }

    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " ended early with status " + process.exitValue() + "\n" + output());
        }
    }

    /** @return what the run printed so far */
    String output() {
        return "--- stdout:\n" + read(work.resolve(name + ".out")) + "--- stderr:\n" + read(work.resolve(name + ".err"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Stops the framework with {@code stop 0} on its shell (killing it when it does not end in
     * time), then waits until no process is left under its manager root.
     *
     * @return the exit status
     */
    int stop() throws IOException, InterruptedException {
        if (process.isAlive()) {
            try {
                OutputStream shell = process.getOutputStream();
                shell.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
                shell.close();
            } catch (IOException e) {
                // the shell is gone already; waitFor below tells
            }
        }
        if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            close();
            throw new AssertionError(name + " did not stop within " + LIMIT.toSeconds() + " s; killed\n" + output());
        }
        Waits.waitFor(name + ": no live process under " + root, Waits.SOON, () -> ProcScan.liveUnder(root),
                List::isEmpty);
        return process.exitValue();
    }

    /** Kills whatever is left of the run (after a failed test). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (ProcScan.Proc p : ProcScan.liveUnder(root)) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
