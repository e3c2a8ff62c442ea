/*
 * umd-bench-client: the practical physical limit for the umd-osgi framing.
 *
 * It speaks the handler protocol (4-byte big-endian length, then the payload;
 * one reply frame per request frame) to a handler it starts itself with
 * posix_spawn, with nothing in between: no buffering layer, no copies beyond
 * the read(2)/write(2) calls, one preallocated buffer per direction. What it
 * measures is what the pipes, the scheduler and the handler cost; a Java
 * client can only add to it.
 *
 * Usage:
 *   umd-bench-client rtt SIZE WARMUP ITERATIONS -- COMMAND [ARG...]
 *       Starts COMMAND once, sends WARMUP unmeasured round trips of SIZE
 *       payload bytes, then ITERATIONS measured ones.
 *   umd-bench-client spawn ITERATIONS -- COMMAND [ARG...]
 *       ITERATIONS times: start COMMAND and time it up to its first reply
 *       (16-byte payload); then close its stdin and reap it, unmeasured.
 *
 * Output: one line per measured iteration on stdout, the elapsed time in
 * nanoseconds (CLOCK_MONOTONIC). Errors go to stderr with exit status 1;
 * usage errors exit with 64.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SPAWN_PAYLOAD 16u
#define MAX_SIZE (256u << 20)

struct handler {
    pid_t pid;
    int to;   /* the handler's stdin */
    int from; /* the handler's stdout */
};

static void fail(const char *what)
{
    fprintf(stderr, "umd-bench-client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void failx(const char *what)
{
    fprintf(stderr, "umd-bench-client: %s\n", what);
    exit(1);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *) buf + done, n - done);
        if (r > 0) {
            done += (size_t) r;
        } else if (r == 0) {
            failx("the handler closed its stdout before a whole reply arrived");
        } else if (errno != EINTR) {
            fail("read");
        }
    }
}

static void write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *) buf + done, n - done);
        if (w > 0) {
            done += (size_t) w;
        } else if (w < 0 && errno != EINTR) {
            fail("write");
        }
    }
}

/* Starts argv with pipes on fds 0 and 1; stderr is inherited. */
static void start(char *const argv[], struct handler *h)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
        fail("pipe2");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    /* dup2 clears close-on-exec on the copies; the originals close at exec. */
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    int rc = posix_spawn(&h->pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        errno = rc;
        fail(argv[0]);
    }
    h->to = in[1];
    h->from = out[0];
}

/* Closes the handler's stdin (its signal to exit) and reaps it. */
static void stop(struct handler *h)
{
    int status;
    close(h->to);
    while (waitpid(h->pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fail("waitpid");
        }
    }
    close(h->from);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        failx("the handler did not exit cleanly at end of input");
    }
}

/*
 * One round trip. frame holds the 4-byte header followed by the payload, so
 * the request is one write; the reply is read into reply (size bytes).
 */
static void round_trip(const struct handler *h, const unsigned char *frame, unsigned char *reply, uint32_t size)
{
    unsigned char hdr[4];
    write_full(h->to, frame, 4 + (size_t) size);
    read_full(h->from, hdr, sizeof hdr);
    uint32_t len = ((uint32_t) hdr[0] << 24) | ((uint32_t) hdr[1] << 16) | ((uint32_t) hdr[2] << 8) | hdr[3];
    if (len != size) {
        failx("the reply length differs from the request length");
    }
    read_full(h->from, reply, len);
}

static unsigned char *new_frame(uint32_t size)
{
    unsigned char *frame = malloc(4 + (size_t) size);
    if (frame == NULL) {
        failx("out of memory");
    }
    frame[0] = (unsigned char) (size >> 24);
    frame[1] = (unsigned char) (size >> 16);
    frame[2] = (unsigned char) (size >> 8);
    frame[3] = (unsigned char) size;
    for (uint32_t i = 0; i < size; i++) {
        frame[4 + i] = (unsigned char) (i * 31u + 7u);
    }
    return frame;
}

static long parse_count(const char *text, long min, long max)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        fprintf(stderr, "umd-bench-client: '%s' is not a number between %ld and %ld\n", text, min, max);
        exit(64);
    }
    return value;
}

static void print_samples(const int64_t *samples, long n)
{
    for (long i = 0; i < n; i++) {
        printf("%lld\n", (long long) samples[i]);
    }
    if (fflush(stdout) != 0) {
        fail("stdout");
    }
}

static int rtt(uint32_t size, long warmup, long iterations, char *const argv[])
{
    unsigned char *frame = new_frame(size);
    unsigned char *reply = malloc(size == 0 ? 1 : size);
    int64_t *samples = malloc(sizeof *samples * (size_t) iterations);
    if (reply == NULL || samples == NULL) {
        failx("out of memory");
    }
    /* Touch the reply buffer once, so page faults are not measured. */
    memset(reply, 0, size == 0 ? 1 : size);

    struct handler h;
    start(argv, &h);
    for (long i = 0; i < warmup; i++) {
        round_trip(&h, frame, reply, size);
    }
    for (long i = 0; i < iterations; i++) {
        int64_t t0 = now_ns();
        round_trip(&h, frame, reply, size);
        samples[i] = now_ns() - t0;
    }
    if (size > 0 && memcmp(frame + 4, reply, size) != 0) {
        failx("the reply differs from the request");
    }
    stop(&h);
    print_samples(samples, iterations);
    free(samples);
    free(reply);
    free(frame);
    return 0;
}

static int spawn(long iterations, char *const argv[])
{
    unsigned char *frame = new_frame(SPAWN_PAYLOAD);
    unsigned char reply[SPAWN_PAYLOAD];
    int64_t *samples = malloc(sizeof *samples * (size_t) iterations);
    if (samples == NULL) {
        failx("out of memory");
    }
    for (long i = 0; i < iterations; i++) {
        struct handler h;
        int64_t t0 = now_ns();
        start(argv, &h);
        round_trip(&h, frame, reply, SPAWN_PAYLOAD);
        samples[i] = now_ns() - t0;
        stop(&h);
    }
    print_samples(samples, iterations);
    free(samples);
    free(frame);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: umd-bench-client rtt SIZE WARMUP ITERATIONS -- COMMAND [ARG...]\n"
            "       umd-bench-client spawn ITERATIONS -- COMMAND [ARG...]\n");
    exit(64);
}

int main(int argc, char **argv)
{
    /* A dead handler should give EPIPE and a message, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 7 && strcmp(argv[1], "rtt") == 0 && strcmp(argv[5], "--") == 0) {
        uint32_t size = (uint32_t) parse_count(argv[2], 0, MAX_SIZE);
        long warmup = parse_count(argv[3], 0, 100000000);
        long iterations = parse_count(argv[4], 1, 100000000);
        return rtt(size, warmup, iterations, argv + 6);
    }
    if (argc >= 5 && strcmp(argv[1], "spawn") == 0 && strcmp(argv[3], "--") == 0) {
        long iterations = parse_count(argv[2], 1, 1000000);
        return spawn(iterations, argv + 4);
    }
    usage();
    return 64;
}
