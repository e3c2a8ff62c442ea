/*
 * umd-launch: the one program the manager runs in front of every handler.
 *
 * Usage: umd-launch [--sync] EXPECTED_PARENT_PID IDENTITY|- COMMAND [ARG...]
 *
 * 1. Arms a parent-death signal (SIGKILL when the JVM dies, even by SIGKILL)
 *    and refuses to go on if the JVM is already gone (the race between fork
 *    and prctl).
 *    With --sync, then waits for one byte 'G' on stdin before going on: while
 *    it waits, its stdin and stdout are certain to be open, so the manager can
 *    open its own descriptors on them through /proc/PID/fd without racing a
 *    handler that closes them (opening a pipe there waits for the other end).
 * 2. Makes the handler the leader of a new session, so that the manager can
 *    find and kill every process the handler started, even children that
 *    outlived it, and the subreaper of its tree (kept across exec): a
 *    descendant orphaned by a double fork is re-parented to the handler, not
 *    to init, so while the handler lives even one that left the session with
 *    setsid stays below it, where the manager's kill finds it.
 * 3. Unless IDENTITY is "-": opens the handler, which is the last word of
 *    the command (after any launch wrapper), checks through the open file
 *    that it is still the file the manager hashed (IDENTITY is
 *    DEV:INODE:CTIME_SEC:CTIME_NSEC, taken by the manager around its digest
 *    check), and runs the handler through that open file (/proc/self/fd/N,
 *    handed to the wrapper in place of the path; without a wrapper the
 *    handler keeps its path as argv[0]). What was checked is what runs:
 *    replacing or rewriting the file after the manager's check cannot slip
 *    another program in.
 * 4. Execs the command in place: the handler keeps this process's pid.
 *
 * No PATH search and no shell fallback. Exit status 127 when any step fails,
 * with the reason on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the launch ---- */

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "umd-launch: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 127;
}

/*
 * Opens the handler and checks, on the open file, that it is the very file the
 * manager hashed: same device, inode and change time. Any write, chmod or
 * replacement after the manager's check changes one of them, and the change
 * time cannot be set back by an unprivileged process. Returns the fd or -1.
 */
static int open_checked(const char *path, const char *identity)
{
    unsigned long long dev, ino;
    long long csec, cnsec;
    char extra;
    if (sscanf(identity, "%llu:%llu:%lld:%lld%c", &dev, &ino, &csec, &cnsec, &extra) != 4) {
        fail("bad file identity", identity);
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0) {
        fail("cannot open handler", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fail("cannot stat handler", strerror(errno));
        return -1;
    }
    if ((unsigned long long) st.st_dev != dev || (unsigned long long) st.st_ino != ino
            || (long long) st.st_ctim.tv_sec != csec || (long long) st.st_ctim.tv_nsec != cnsec) {
        fprintf(stderr, "umd-launch: handler %s was modified after the manager checked it\n", path);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    int sync = argc > 1 && strcmp(argv[1], "--sync") == 0;
    if (sync) {
        argv++;
        argc--;
    }
    if (argc < 4) {
        return fail("usage: umd-launch [--sync] EXPECTED_PARENT_PID IDENTITY|- COMMAND [ARG...]", NULL);
    }
    char *end;
    long expected = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || expected <= 0) {
        return fail("bad parent pid", argv[1]);
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        return fail("prctl(PR_SET_PDEATHSIG)", strerror(errno));
    }
    /* Checked after arming: if the parent died before, no signal will ever come. */
    if ((long) getppid() != expected) {
        return fail("parent is gone", argv[1]);
    }
    if (sync) {
        char go;
        ssize_t n;
        do {
            n = read(STDIN_FILENO, &go, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1 || go != 'G') {
            return fail("no go from the manager", n < 0 ? strerror(errno) : NULL);
        }
    }
    if (setsid() < 0) {
        return fail("setsid", strerror(errno));
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        return fail("prctl(PR_SET_CHILD_SUBREAPER)", strerror(errno));
    }
    char **command = argv + 3;
    if (strcmp(argv[2], "-") != 0) {
        int last = argc - 4;
        int fd = open_checked(command[last], argv[2]);
        if (fd < 0) {
            return 127;
        }
        /* Left open across exec on purpose: the handler (or its #! interpreter) is read through it. */
        static char by_fd[64];
        snprintf(by_fd, sizeof by_fd, "/proc/self/fd/%d", fd);
        if (last == 0) {
            /* No wrapper: exec the open file, keeping the handler's path as its argv[0]. */
            execv(by_fd, command);
            fprintf(stderr, "umd-launch: cannot execute %s: %s\n", command[0], strerror(errno));
            return 127;
        }
        command[last] = by_fd;
    }
    execv(command[0], command);
    fprintf(stderr, "umd-launch: cannot execute %s: %s\n", command[0], strerror(errno));
    return 127;
}
