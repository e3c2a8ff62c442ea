/*
 * fault-handler: a TEST-ONLY umd-osgi handler that misbehaves on request, so
 * that integration tests can inject every fault a real handler may show and
 * check how the manager copes. Never ship it in a product bundle.
 *
 * Framing, both directions, as echo-handler: a 4-byte unsigned big-endian
 * length, then that many payload bytes. Diagnostics go to stderr.
 *
 * The first byte of each request chooses what happens to that request; the
 * rest of the request is its DATA. An empty request is echoed (empty reply).
 *
 *   'E'  reply DATA (echo).
 *   'D'  write a stderr line, then exit(3) before replying.
 *   'P'  announce a reply of N bytes (N = decimal DATA, default 1024), write
 *        the header and only the first N/2 payload bytes, then exit(4).
 *   'A'  reply DATA, then exit(0) right after.
 *   'H'  hang forever without replying (pause()).
 *   'L'  write a reply header announcing L bytes (L = hexadecimal DATA,
 *        default ffffffff; "7fffffff" gives the largest positive int), no
 *        payload, then hang forever.
 *   'U'  reply DATA and, in the same write(), a second frame "stale:" DATA:
 *        two replies to one request.
 *   'V'  reply DATA; 20 ms later write a second frame "stale:" DATA, then
 *        create the empty file "stale-written-<pid>" (<pid> = this handler's
 *        pid) in the working directory (the private directory), so a test can
 *        tell that the stray frame is in the pipe before it sends the next
 *        request.
 *   'S'  write M MiB to stderr (M = decimal DATA, default 1) in lines of 100
 *        bytes, then reply DATA.
 *   'C'  close stdout (fd 1) and keep running (pause()).
 *   'F'  fork a child that keeps fds 0, 1 and 2 open and sleeps forever (no
 *        setsid); reply the child's pid as decimal text.
 *   'G'  as 'F', and the child also ignores SIGTERM, SIGHUP and SIGINT.
 *   'X'  exit at once with status DATA (decimal, default 0), no reply.
 *   'W'  sleep DATA milliseconds (decimal), then reply DATA.
 *   any other first byte: a stderr line, then exit(2).
 *
 * A mode is chosen at start from argv[1] or, when there is no argument, the
 * environment variable FAULT_MODE (the manager gives no arguments: pass it
 * with a wrapper such as wrapper="/usr/bin/env FAULT_MODE=crash"):
 *
 *   (empty)            serve requests as above.
 *   crash              exit(7) immediately at start.
 *   crash-after-ms=N   serve requests, but exit(7) N milliseconds after start.
 *   ignore-eof         at end of stdin keep sleeping instead of exiting (breaks
 *                      the handler contract on purpose: for the JVM-death
 *                      guard test).
 *   nofirstreply       never answer the first request (read it and drop it);
 *                      later requests are served as above.
 *
 * Exit status: 0 at end of stdin at a frame boundary, 1 on end of stdin inside
 * a frame or an I/O error, 2 on an unknown opcode, an oversized request or no
 * memory, 3/4/7/DATA as described above, 64 for an unknown mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "frame_io.h"

#define MAX_PAYLOAD (256u << 20)
#define NAME "fault-handler"

/* Never returns: the process waits for a signal that ends it. */
static void hang(void)
{
    for (;;) {
        pause();
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* continue with the remaining time */
    }
}

/* One frame: header and payload in a single write. */
static void reply(const unsigned char *data, size_t len)
{
    unsigned char *frame = malloc(4 + len);
    if (frame == NULL) {
        fprintf(stderr, NAME ": cannot allocate a %zu-byte reply\n", len);
        exit(2);
    }
    put_be32(frame, (uint32_t) len);
    if (len > 0) {
        memcpy(frame + 4, data, len);
    }
    if (write_full(1, frame, 4 + len) != 0) {
        fprintf(stderr, NAME ": writing a reply failed: %s\n", strerror(errno));
        exit(1);
    }
    free(frame);
}

/* The "stale:" DATA frame that follows a reply nobody asked for. */
static size_t stale_frame(unsigned char *out, const unsigned char *data, size_t len)
{
    static const char prefix[] = "stale:";
    size_t plen = sizeof prefix - 1;
    put_be32(out, (uint32_t) (plen + len));
    memcpy(out + 4, prefix, plen);
    if (len > 0) {
        memcpy(out + 4 + plen, data, len);
    }
    return 4 + plen + len;
}

/* DATA as a NUL-terminated string (it is not terminated in the frame). */
static char *text(const unsigned char *data, size_t len)
{
    char *s = malloc(len + 1);
    if (s == NULL) {
        exit(2);
    }
    memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

static long decimal(const unsigned char *data, size_t len, long fallback)
{
    if (len == 0) {
        return fallback;
    }
    char *s = text(data, len);
    long v = strtol(s, NULL, 10);
    free(s);
    return v;
}

static void two_replies(const unsigned char *data, size_t len)
{
    unsigned char *buf = malloc(8 + 6 + 2 * len);
    if (buf == NULL) {
        exit(2);
    }
    put_be32(buf, (uint32_t) len);
    if (len > 0) {
        memcpy(buf + 4, data, len);
    }
    size_t n = 4 + len;
    n += stale_frame(buf + n, data, len);
    if (write_full(1, buf, n) != 0) {
        fprintf(stderr, NAME ": writing two replies failed: %s\n", strerror(errno));
        exit(1);
    }
    free(buf);
}

static void late_second_reply(const unsigned char *data, size_t len)
{
    reply(data, len);
    sleep_ms(20);
    unsigned char *buf = malloc(4 + 6 + len);
    if (buf == NULL) {
        exit(2);
    }
    size_t n = stale_frame(buf, data, len);
    if (write_full(1, buf, n) != 0) {
        fprintf(stderr, NAME ": writing a late second reply failed: %s\n", strerror(errno));
        exit(1);
    }
    free(buf);
    char marker[64];
    snprintf(marker, sizeof marker, "stale-written-%ld", (long) getpid());
    int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
    } else {
        fprintf(stderr, NAME ": cannot create %s: %s\n", marker, strerror(errno));
    }
}

static void flood_stderr(long mib)
{
    /* 100-byte lines, written in blocks of 655 lines (65,500 bytes). */
    static char block[655 * 100];
    for (size_t i = 0; i < sizeof block; i += 100) {
        memset(block + i, 'x', 99);
        memcpy(block + i, NAME ": flood ", 15);
        block[i + 99] = '\n';
    }
    unsigned long long total = (unsigned long long) mib << 20;
    unsigned long long done = 0;
    while (done < total) {
        size_t n = sizeof block;
        if (total - done < n) {
            n = (size_t) (total - done);
        }
        if (write_full(2, block, n) != 0) {
            exit(1);
        }
        done += n;
    }
}

static void fork_child(int ignore_term)
{
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, NAME ": fork failed: %s\n", strerror(errno));
        exit(1);
    }
    if (child == 0) {
        if (ignore_term) {
            signal(SIGTERM, SIG_IGN);
            signal(SIGHUP, SIG_IGN);
            signal(SIGINT, SIG_IGN);
        }
        /* Keeps the inherited stdin, stdout and stderr open; never reads or writes them. */
        hang();
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld", (long) child);
    reply((const unsigned char *) pid, (size_t) n);
}

static void announce_length(const unsigned char *data, size_t len)
{
    uint32_t announced = 0xFFFFFFFFu;
    if (len > 0) {
        char *s = text(data, len);
        announced = (uint32_t) strtoul(s, NULL, 16);
        free(s);
    }
    unsigned char hdr[4];
    put_be32(hdr, announced);
    if (write_full(1, hdr, sizeof hdr) != 0) {
        exit(1);
    }
    hang();
}

static void on_alarm(int sig)
{
    (void) sig;
    _exit(7);
}

static void crash_after(long ms)
{
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = ms / 1000;
    t.it_value.tv_usec = (ms % 1000) * 1000;
    if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0) {
        t.it_value.tv_usec = 1;
    }
    signal(SIGALRM, on_alarm);
    setitimer(ITIMER_REAL, &t, NULL);
}

/* Runs one request; returns only when the handler goes on serving. */
static void serve(const unsigned char *req, size_t len)
{
    if (len == 0) {
        reply(req, 0);
        return;
    }
    const unsigned char *data = req + 1;
    size_t dlen = len - 1;
    switch (req[0]) {
    case 'E':
        reply(data, dlen);
        return;
    case 'D':
        fprintf(stderr, NAME ": dying before the reply, as asked ('D')\n");
        exit(3);
    case 'P': {
        long n = decimal(data, dlen, 1024);
        if (n < 2) {
            n = 2;
        }
        size_t half = (size_t) n / 2;
        unsigned char *buf = calloc(1, 4 + half);
        if (buf == NULL) {
            exit(2);
        }
        put_be32(buf, (uint32_t) n);
        if (write_full(1, buf, 4 + half) != 0) {
            exit(1);
        }
        fprintf(stderr, NAME ": wrote %zu of %ld announced bytes, exiting ('P')\n", half, n);
        exit(4);
    }
    case 'A':
        reply(data, dlen);
        exit(0);
    case 'H':
        hang();
        return;
    case 'L':
        announce_length(data, dlen);
        return;
    case 'U':
        two_replies(data, dlen);
        return;
    case 'V':
        late_second_reply(data, dlen);
        return;
    case 'S':
        flood_stderr(decimal(data, dlen, 1));
        reply(data, dlen);
        return;
    case 'C':
        close(1);
        fprintf(stderr, NAME ": closed stdout, still running ('C')\n");
        hang();
        return;
    case 'F':
        fork_child(0);
        return;
    case 'G':
        fork_child(1);
        return;
    case 'X':
        exit((int) decimal(data, dlen, 0));
    case 'W':
        sleep_ms(decimal(data, dlen, 0));
        reply(data, dlen);
        return;
    default:
        fprintf(stderr, NAME ": unknown opcode 0x%02x\n", req[0]);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    /* A closed reply pipe should give EPIPE and a log line, not a silent death. */
    signal(SIGPIPE, SIG_IGN);

    const char *mode = argc > 1 ? argv[1] : getenv("FAULT_MODE");
    if (mode == NULL) {
        mode = "";
    }
    int ignore_eof = 0;
    int drop_first = 0;
    if (strcmp(mode, "") == 0) {
        /* plain */
    } else if (strcmp(mode, "crash") == 0) {
        fprintf(stderr, NAME ": crash mode, exiting with status 7\n");
        return 7;
    } else if (strncmp(mode, "crash-after-ms=", 15) == 0) {
        crash_after(strtol(mode + 15, NULL, 10));
    } else if (strcmp(mode, "ignore-eof") == 0) {
        ignore_eof = 1;
    } else if (strcmp(mode, "nofirstreply") == 0) {
        drop_first = 1;
    } else {
        fprintf(stderr, NAME ": unknown mode '%s'\n", mode);
        return 64;
    }

    unsigned char *buf = NULL;
    size_t cap = 0;
    for (;;) {
        unsigned char hdr[4];
        ssize_t r = read_full(0, hdr, sizeof hdr);
        if (r != (ssize_t) sizeof hdr) {
            if (ignore_eof) {
                fprintf(stderr, NAME ": end of stdin ignored (ignore-eof mode)\n");
                hang();
            }
            if (r == 0) {
                free(buf);
                return 0;
            }
            fprintf(stderr, NAME ": %s in a frame header\n", r < 0 ? strerror(errno) : "end of input");
            return 1;
        }
        uint32_t len = get_be32(hdr);
        if (len > MAX_PAYLOAD) {
            fprintf(stderr, NAME ": request of %u bytes exceeds the %u-byte limit\n", len, MAX_PAYLOAD);
            return 2;
        }
        if ((size_t) len > cap || buf == NULL) {
            unsigned char *grown = realloc(buf, (size_t) len + 1);
            if (grown == NULL) {
                fprintf(stderr, NAME ": cannot allocate %u bytes\n", len);
                free(buf);
                return 2;
            }
            buf = grown;
            cap = len;
        }
        r = read_full(0, buf, len);
        if (r != (ssize_t) len) {
            if (ignore_eof) {
                hang();
            }
            fprintf(stderr, NAME ": %s inside a %u-byte request\n", r < 0 ? strerror(errno) : "input ended", len);
            return 1;
        }
        if (drop_first) {
            drop_first = 0;
            fprintf(stderr, NAME ": dropping the first request (nofirstreply mode)\n");
            continue;
        }
        serve(buf, len);
    }
}
