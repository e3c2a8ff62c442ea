/*
 * pdeathsig-exec: asks the kernel to SIGKILL this process when the thread
 * that forked it ends, then execs COMMAND. The same guard as
 * "setpriv --pdeathsig KILL --", as a static program with nothing else to
 * do, so that the benchmarks can show what the guard itself costs per start
 * compared with setpriv (a dynamically linked, general-purpose tool).
 *
 * Usage: pdeathsig-exec COMMAND [ARG...]   (COMMAND is an absolute path)
 * Exit status when the exec fails: 126 (prctl failed) or 127 (exec failed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: pdeathsig-exec COMMAND [ARG...]\n", stderr);
        return 64;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        fprintf(stderr, "pdeathsig-exec: prctl: %s\n", strerror(errno));
        return 126;
    }
    /* The signal survives execve for a non-set-user-ID program. */
    execv(argv[1], argv + 1);
    fprintf(stderr, "pdeathsig-exec: %s: %s\n", argv[1], strerror(errno));
    return 127;
}
