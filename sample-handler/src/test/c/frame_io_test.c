/*
 * frame_io_test.c: checks frame_io.h's write_full against write(2) results a
 * real pipe rarely gives. Linked with -Wl,--wrap=write, so every write in
 * this file goes to __wrap_write, which plays back a script of results.
 * Prints one line per failed check and exits 1 if any failed; FrameIoTest
 * compiles, runs and bounds it (a write_full that spins never returns).
 */
#include "frame_io.h"

ssize_t __real_write(int fd, const void *buf, size_t n);

/* The scripted results, consumed in order; past the end, write accepts everything. */
static const ssize_t *script;
static size_t script_len;
static size_t script_pos;
static size_t accepted;

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    (void) fd;
    (void) buf;
    ssize_t r = script_pos < script_len ? script[script_pos++] : (ssize_t) n;
    if (r == -EINTR) {
        errno = EINTR;
        return -1;
    }
    if (r < 0) {
        errno = (int) -r;
        return -1;
    }
    accepted += (size_t) r;
    return r;
}

static int failures;

static void play(const ssize_t *results, size_t count)
{
    script = results;
    script_len = count;
    script_pos = 0;
    accepted = 0;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        char line[256];
        int n = snprintf(line, sizeof line, "FAILED: %s\n", what);
        (void) __real_write(2, line, (size_t) n);
        failures++;
    }
}

int main(void)
{
    static const char data[8] = "abcdefgh";

    static const ssize_t zero[] = {3, 0};
    play(zero, 2);
    errno = 0;
    check(write_full(1, data, sizeof data) == -1, "a write that accepts nothing is an error");
    check(errno == EIO, "that error is EIO");

    static const ssize_t shortw[] = {3, -EINTR, 2};
    play(shortw, 3);
    check(write_full(1, data, sizeof data) == 0, "short writes and EINTR are retried to the end");
    check(accepted == sizeof data, "every byte is written once");

    static const ssize_t broken[] = {-EPIPE};
    play(broken, 1);
    check(write_full(1, data, sizeof data) == -1 && errno == EPIPE, "a failing write is an error with its errno");

    unsigned char be[4];
    put_be32(be, 0x81020304u);
    check(be[0] == 0x81 && be[1] == 0x02 && be[2] == 0x03 && be[3] == 0x04, "put_be32 is big-endian");
    check(get_be32(be) == 0x81020304u, "get_be32 reads what put_be32 wrote, high bit included");

    return failures == 0 ? 0 : 1;
}
