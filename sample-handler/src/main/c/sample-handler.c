/*
 * sample-handler: the Linux kernel UMD selftest handler, as a umd-osgi
 * handler executable.
 *
 * Framing, both directions: a 4-byte unsigned big-endian length, then that
 * many payload bytes. Exactly one reply frame per request frame, in order.
 * Nothing but reply frames is written to stdout; diagnostics go to stderr.
 *
 * Request payload: exactly 4 bytes, a big-endian uint32 offset.
 *
 * Reply payload:
 *   success: exactly 131072 (128 KiB) bytes, all zero except byte[offset] = 1.
 *            The size is deliberately larger than a default 64 KiB pipe, so
 *            both sides must loop over partial reads and writes.
 *   error:   short ASCII text "EINVAL <reason>", for example
 *            "EINVAL offset 131072 out of range [0, 131072)". Sent when the
 *            offset is >= 131072 or the payload is not exactly 4 bytes.
 *   A reply whose length is not 131072 is therefore always an error reply.
 *
 * Exit status: 0 on end-of-file at a frame boundary, 1 on end-of-file inside
 * a frame or on an I/O error. No arguments, environment or working directory
 * are used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frame_io.h"

#define REPLY_SIZE 131072u
/* Larger requests are drained without being stored, so a peer cannot make us allocate. */
#define MAX_REQUEST (1u << 20)

/* Header and payload in one buffer so a reply goes out with one write loop. */
static unsigned char reply[4 + REPLY_SIZE];

/* Reads and drops n payload bytes to keep the framing in step; 0 on success. */
static int discard(uint32_t n)
{
    unsigned char sink[8192];
    while (n > 0) {
        size_t chunk = n < sizeof sink ? n : sizeof sink;
        ssize_t r = read_full(0, sink, chunk);
        if (r != (ssize_t) chunk) {
            return -1;
        }
        n -= (uint32_t) chunk;
    }
    return 0;
}

static int send_einval(const char *reason)
{
    unsigned char frame[4 + 200];
    int len = snprintf((char *) frame + 4, sizeof frame - 4, "EINVAL %s", reason);
    if (len < 0) {
        return -1;
    }
    if ((size_t) len > sizeof frame - 5) {
        len = (int) (sizeof frame - 5);
    }
    fprintf(stderr, "sample-handler: rejected request: %s\n", reason);
    put_be32(frame, (uint32_t) len);
    return write_full(1, frame, 4 + (size_t) len);
}

int main(void)
{
    /* A closed reply pipe should give EPIPE and a log line, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    if (check_protocol("sample-handler") != 0) {
        return 3;
    }
    raise_pipe_size(0);
    raise_pipe_size(1);
    put_be32(reply, REPLY_SIZE);

    for (;;) {
        unsigned char hdr[4];
        char reason[128];
        ssize_t r = read_full(0, hdr, sizeof hdr);
        if (r == 0) {
            return 0;
        }
        if (r != (ssize_t) sizeof hdr) {
            fprintf(stderr, "sample-handler: %s in a frame header\n", r < 0 ? strerror(errno) : "end of input");
            return 1;
        }

        uint32_t len = get_be32(hdr);
        int rc;
        if (len != 4) {
            if (discard(len) != 0) {
                fprintf(stderr, "sample-handler: input ended inside a %u-byte request\n", len);
                return 1;
            }
            if (len > MAX_REQUEST) {
                snprintf(reason, sizeof reason, "request of %u bytes exceeds the %u-byte limit", len, MAX_REQUEST);
            } else {
                snprintf(reason, sizeof reason, "request is %u bytes, expected 4", len);
            }
            rc = send_einval(reason);
        } else {
            unsigned char body[4];
            if (read_full(0, body, sizeof body) != (ssize_t) sizeof body) {
                fprintf(stderr, "sample-handler: input ended inside a request\n");
                return 1;
            }
            uint32_t offset = get_be32(body);
            if (offset >= REPLY_SIZE) {
                snprintf(reason, sizeof reason, "offset %u out of range [0, %u)", offset, REPLY_SIZE);
                rc = send_einval(reason);
            } else {
                /* Set one byte and clear it again: cheaper than zeroing 128 KiB per request. */
                reply[4 + offset] = 1;
                rc = write_full(1, reply, sizeof reply);
                reply[4 + offset] = 0;
            }
        }
        if (rc != 0) {
            fprintf(stderr, "sample-handler: writing a reply failed: %s\n", strerror(errno));
            return 1;
        }
    }
}
