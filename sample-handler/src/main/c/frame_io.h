/*
 * frame_io.h: the I/O every umd-osgi C handler needs, shared by the handlers
 * in this folder (and the benchmark client): whole reads and writes that
 * survive EINTR and short transfers, the 4-byte big-endian frame length, and
 * the optional pipe enlargement.
 */
#ifndef UMD_FRAME_IO_H
#define UMD_FRAME_IO_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * The handler contract these handlers are written for. The manager says which
 * one it speaks in UMD_PROTOCOL (unset: started by hand). Returns 0 to go on;
 * otherwise the reason is on stderr and the handler should exit with status 3.
 */
static inline int check_protocol(const char *self)
{
    const char *spoken = getenv("UMD_PROTOCOL");
    if (spoken == NULL || strcmp(spoken, "1") == 0) {
        return 0;
    }
    fprintf(stderr, "%s: written for umd protocol 1, but the manager speaks protocol %s\n", self, spoken);
    return -1;
}

/* Bigger pipes cut round trips for large payloads; the default still works. */
static inline void raise_pipe_size(int fd)
{
#ifdef F_SETPIPE_SZ
    (void) fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
    (void) fd;
#endif
}

/* Reads up to n bytes; returns how many arrived before EOF, or -1 on error. */
static inline ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *) buf + done, n - done);
        if (r > 0) {
            done += (size_t) r;
        } else if (r == 0) {
            break;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return (ssize_t) done;
}

/*
 * Writes all n bytes; 0 on success, -1 on error with errno set. A write that
 * accepts nothing (returns 0 for a non-empty buffer) makes no progress and
 * would make no more on a retry, so it is an error (EIO), not a reason to
 * spin: the caller reports it and exits instead of burning its CPU limit.
 */
static inline int write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *) buf + done, n - done);
        if (w > 0) {
            done += (size_t) w;
        } else if (w == 0) {
            errno = EIO;
            return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return 0;
}

static inline void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;
}

static inline uint32_t get_be32(const unsigned char *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

#endif
