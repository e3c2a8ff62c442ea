/*
 * umd-launch: the one program the manager runs in front of every handler.
 *
 * Usage: umd-launch EXPECTED_PARENT_PID PROGRAM [ARG...]
 *
 * It arms a parent-death signal (SIGKILL when the JVM dies, even by
 * SIGKILL), refuses to go on if the JVM is already gone (the race between
 * fork and prctl), makes the handler the leader of a new session so that the
 * manager can find and kill every process the handler started, even children
 * that outlived it, and then execs the program in place: the handler keeps
 * this process's pid. No PATH search and no shell fallback: PROGRAM must be
 * an absolute path to an executable. Exit status 127 when any step fails,
 * with the reason on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: umd-launch EXPECTED_PARENT_PID PROGRAM [ARG...]\n");
        return 127;
    }
    char *end;
    long expected = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || expected <= 0) {
        fprintf(stderr, "umd-launch: bad parent pid '%s'\n", argv[1]);
        return 127;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        fprintf(stderr, "umd-launch: prctl(PR_SET_PDEATHSIG): %s\n", strerror(errno));
        return 127;
    }
    /* Checked after arming: if the parent died before, no signal will ever come. */
    if ((long) getppid() != expected) {
        fprintf(stderr, "umd-launch: parent %ld is gone\n", expected);
        return 127;
    }
    if (setsid() < 0) {
        fprintf(stderr, "umd-launch: setsid: %s\n", strerror(errno));
        return 127;
    }
    execv(argv[2], argv + 2);
    fprintf(stderr, "umd-launch: cannot execute %s: %s\n", argv[2], strerror(errno));
    return 127;
}
