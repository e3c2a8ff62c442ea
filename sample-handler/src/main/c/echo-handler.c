/*
 * echo-handler: a umd-osgi handler that answers every request frame with a
 * reply frame carrying the identical payload. Used to test and measure the
 * transport (framing, large messages, restarts) without any driver logic.
 *
 * Framing, both directions: a 4-byte unsigned big-endian length, then that
 * many payload bytes. Payloads of 0 bytes are valid and echoed as such.
 * Nothing but reply frames is written to stdout; diagnostics go to stderr.
 *
 * Exit status: 0 on end-of-file at a frame boundary, 1 on end-of-file inside
 * a frame or on an I/O error, 2 when a request announces more than 256 MiB
 * (or memory runs out). No arguments, environment or working directory are
 * used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame_io.h"

/* The manager's default limit is 64 MiB; anything far above it is a broken peer. */
#define MAX_PAYLOAD (256u << 20)

int main(void)
{
    /* A closed reply pipe should give EPIPE and a log line, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    if (check_protocol("echo-handler") != 0) {
        return 3;
    }
    raise_pipe_size(0);
    raise_pipe_size(1);

    /* The header is kept in front of the payload so one write loop sends the frame. */
    unsigned char *buf = NULL;
    size_t cap = 0;

    for (;;) {
        unsigned char hdr[4];
        ssize_t r = read_full(0, hdr, sizeof hdr);
        if (r == 0) {
            free(buf);
            return 0;
        }
        if (r != (ssize_t) sizeof hdr) {
            fprintf(stderr, "echo-handler: %s in a frame header\n", r < 0 ? strerror(errno) : "end of input");
            return 1;
        }

        uint32_t len = get_be32(hdr);
        if (len > MAX_PAYLOAD) {
            fprintf(stderr, "echo-handler: request of %u bytes exceeds the %u-byte limit\n", len, MAX_PAYLOAD);
            return 2;
        }
        /* Grow only: the buffer is sized by requests that really arrived, up to the limit. */
        if (4 + (size_t) len > cap) {
            unsigned char *grown = realloc(buf, 4 + (size_t) len);
            if (grown == NULL) {
                fprintf(stderr, "echo-handler: cannot allocate %u bytes\n", len);
                free(buf);
                return 2;
            }
            buf = grown;
            cap = 4 + (size_t) len;
        }
        memcpy(buf, hdr, sizeof hdr);
        r = read_full(0, buf + 4, len);
        if (r != (ssize_t) len) {
            fprintf(stderr, "echo-handler: %s inside a %u-byte request\n", r < 0 ? strerror(errno) : "input ended", len);
            return 1;
        }
        if (write_full(1, buf, 4 + (size_t) len) != 0) {
            fprintf(stderr, "echo-handler: writing a reply failed: %s\n", strerror(errno));
            return 1;
        }
    }
}
