/*
 * umd-launch: the one program the manager runs in front of every handler.
 *
 * Usage: umd-launch [OPTION]... EXPECTED_PARENT_PID COMMAND [ARG...]
 *
 *   --sync                 wait for one byte 'G' on stdin before going on
 *   --fd N=PATH            open PATH read-only (no links) as descriptor N, kept across exec
 *   --identity N=ID        check that descriptor N is the file the manager hashed
 *                          (ID is DEV:INODE:CTIME_SEC:CTIME_NSEC)
 *   --exec-fd N            run descriptor N itself, with COMMAND as its argv
 *   --cgroup DIR           move into the cgroup DIR (its cgroup.procs), repeatable
 *   --rlimit NAME=VALUE    set a hard and soft limit: nofile, fsize, cpu, data, nproc
 *   --user UID:GID         drop to this uid and gid, with no supplementary groups
 *   --no-new-privs         set no_new_privs, so nothing after can gain privileges
 *   --pid-namespace        run COMMAND as the init of a new pid namespace and stay
 *                          outside it as its watcher (needs CAP_SYS_ADMIN: a root JVM)
 *   --name NAME            what ps shows for this process (with --pid-namespace)
 *
 * 1. Arms a parent-death signal (SIGKILL when the JVM dies, even by SIGKILL)
 *    and refuses to go on if the JVM is already gone (the race between fork
 *    and prctl).
 * 2. With --sync, waits for the go byte: while it waits, its stdin and stdout
 *    are certain to be open, so the manager can open its own descriptors on
 *    them through /proc/PID/fd without racing a handler that closes them.
 * 3. Leads a new session (no controlling terminal, so nothing can be pushed
 *    into the operator's) and becomes the subreaper of its tree.
 * 4. Opens the --fd files and checks their identity on the open file: what
 *    the manager hashed is what runs, even if the path is replaced after its
 *    check. A sandbox binds the handler from this descriptor.
 * 5. Joins the handler's cgroups and sets its rlimits while still allowed to.
 * 6. Drops to the sandbox uid (when the JVM runs as root): the parent-death
 *    signal is cleared by a change of credentials, so it is armed again and
 *    the parent checked again.
 * 7. Execs the command in place: the manager's Process is this pid.
 *    With --pid-namespace it forks instead: the child, armed to die with
 *    this process, execs the command as the init of a new pid namespace;
 *    this process waits and exits with the child's status (128 + signal for
 *    a signal). When that init dies, for any reason, the kernel kills
 *    everything in its namespace, nested namespaces included. bubblewrap
 *    alone cannot promise that: its sandbox init arms --die-with-parent only
 *    once the sandbox is built, so a JVM killed in between leaves it behind.
 *
 * No PATH search and no shell fallback. Exit status 127 when any step fails,
 * with the reason on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FDS 8
#define MAX_CGROUPS 8
#define MAX_RLIMITS 8
#define MAX_FD_NUMBER 64

struct options {
    int sync;
    int no_new_privs;
    int pid_namespace;
    const char *name;
    int exec_fd;
    int nfds;
    int fd_numbers[MAX_FDS];
    const char *fd_paths[MAX_FDS];
    const char *fd_identities[MAX_FDS];
    int ncgroups;
    const char *cgroups[MAX_CGROUPS];
    int nrlimits;
    int rlimit_resources[MAX_RLIMITS];
    rlim_t rlimit_values[MAX_RLIMITS];
    int drop;
    uid_t uid;
    gid_t gid;
};

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "umd-launch: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 127;
}

/* ---- options ---- */

static int parse_number(const char *text, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || n < 0 || n > max) {
        return -1;
    }
    *out = n;
    return 0;
}

/* "N=REST": the descriptor number and a pointer to REST. */
static int parse_fd_pair(const char *arg, int *fd, const char **rest)
{
    const char *eq = strchr(arg, '=');
    char number[16];
    long long n;
    if (eq == NULL || eq == arg || (size_t) (eq - arg) >= sizeof number) {
        return -1;
    }
    memcpy(number, arg, eq - arg);
    number[eq - arg] = '\0';
    if (parse_number(number, MAX_FD_NUMBER, &n) != 0 || n < 3) {
        return -1;
    }
    *fd = (int) n;
    *rest = eq + 1;
    return 0;
}

static int resource_named(const char *name, size_t length)
{
    static const struct { const char *name; int resource; } known[] = {
        {"nofile", RLIMIT_NOFILE}, {"fsize", RLIMIT_FSIZE}, {"cpu", RLIMIT_CPU},
        {"data", RLIMIT_DATA}, {"nproc", RLIMIT_NPROC},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strlen(known[i].name) == length && strncmp(known[i].name, name, length) == 0) {
            return known[i].resource;
        }
    }
    return -1;
}

static int add_rlimit(struct options *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    long long value;
    int resource = eq ? resource_named(arg, eq - arg) : -1;
    if (resource < 0 || o->nrlimits == MAX_RLIMITS || parse_number(eq + 1, (long long) 1 << 60, &value) != 0) {
        return fail("bad --rlimit", arg);
    }
    o->rlimit_resources[o->nrlimits] = resource;
    o->rlimit_values[o->nrlimits++] = (rlim_t) value;
    return 0;
}

static int add_identity(struct options *o, const char *arg)
{
    int fd;
    const char *identity;
    if (parse_fd_pair(arg, &fd, &identity) != 0) {
        return fail("bad --identity", arg);
    }
    for (int i = 0; i < o->nfds; i++) {
        if (o->fd_numbers[i] == fd) {
            o->fd_identities[i] = identity;
            return 0;
        }
    }
    return fail("--identity names no --fd before it", arg);
}

static int add_user(struct options *o, const char *arg)
{
    unsigned long uid, gid;
    char extra;
    if (sscanf(arg, "%lu:%lu%c", &uid, &gid, &extra) != 2 || uid == 0 || gid == 0) {
        return fail("bad --user (UID:GID, not root)", arg);
    }
    o->drop = 1;
    o->uid = (uid_t) uid;
    o->gid = (gid_t) gid;
    return 0;
}

/* Returns the index of the first non-option word, or -1 after saying why. */
static int parse_options(int argc, char **argv, struct options *o)
{
    int i = 1;
    o->exec_fd = -1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = strcmp(opt, "--sync") != 0 && strcmp(opt, "--no-new-privs") != 0
                && strcmp(opt, "--pid-namespace") != 0;
        if (takes && arg == NULL) {
            fail("option needs a value", opt);
            return -1;
        }
        int bad = 0;
        if (strcmp(opt, "--sync") == 0) {
            o->sync = 1;
        } else if (strcmp(opt, "--no-new-privs") == 0) {
            o->no_new_privs = 1;
        } else if (strcmp(opt, "--pid-namespace") == 0) {
            o->pid_namespace = 1;
        } else if (strcmp(opt, "--name") == 0) {
            o->name = arg;
        } else if (strcmp(opt, "--fd") == 0) {
            if (o->nfds == MAX_FDS || parse_fd_pair(arg, &o->fd_numbers[o->nfds], &o->fd_paths[o->nfds]) != 0) {
                bad = fail("bad --fd", arg);
            } else {
                o->nfds++;
            }
        } else if (strcmp(opt, "--identity") == 0) {
            bad = add_identity(o, arg);
        } else if (strcmp(opt, "--exec-fd") == 0) {
            long long n;
            bad = parse_number(arg, MAX_FD_NUMBER, &n) != 0 ? fail("bad --exec-fd", arg) : (o->exec_fd = (int) n, 0);
        } else if (strcmp(opt, "--cgroup") == 0) {
            bad = o->ncgroups == MAX_CGROUPS ? fail("too many --cgroup", arg) : (o->cgroups[o->ncgroups++] = arg, 0);
        } else if (strcmp(opt, "--rlimit") == 0) {
            bad = add_rlimit(o, arg);
        } else if (strcmp(opt, "--user") == 0) {
            bad = add_user(o, arg);
        } else {
            bad = fail("unknown option", opt);
        }
        if (bad) {
            return -1;
        }
        i += takes;
    }
    if (argc - i < 2) {
        fail("usage: umd-launch [OPTION]... EXPECTED_PARENT_PID COMMAND [ARG...]", NULL);
        return -1;
    }
    return i;
}

/* ---- the launch ---- */

/* Arms the parent-death signal, then checks that the parent is still the JVM. */
static int guard_parent(long expected)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        return fail("prctl(PR_SET_PDEATHSIG)", strerror(errno));
    }
    /* Checked after arming: if the parent died before, no signal will ever come. */
    if ((long) getppid() != expected) {
        return fail("parent is gone", NULL);
    }
    return 0;
}

static int await_go(void)
{
    char go;
    ssize_t n;
    do {
        n = read(STDIN_FILENO, &go, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1 || go != 'G') {
        return fail("no go from the manager", n < 0 ? strerror(errno) : NULL);
    }
    return 0;
}

/*
 * Checks, on the open file, that it is the very file the manager hashed:
 * same device, inode and change time. Any write, chmod or replacement after
 * the manager's check changes one of them, and the change time cannot be set
 * back by an unprivileged process.
 */
static int check_identity(int fd, const char *path, const char *identity)
{
    unsigned long long dev, ino;
    long long csec, cnsec;
    char extra;
    struct stat st;
    if (sscanf(identity, "%llu:%llu:%lld:%lld%c", &dev, &ino, &csec, &cnsec, &extra) != 4) {
        return fail("bad file identity", identity);
    }
    if (fstat(fd, &st) != 0) {
        return fail("cannot stat handler", strerror(errno));
    }
    if ((unsigned long long) st.st_dev != dev || (unsigned long long) st.st_ino != ino
            || (long long) st.st_ctim.tv_sec != csec || (long long) st.st_ctim.tv_nsec != cnsec) {
        fprintf(stderr, "umd-launch: handler %s was modified after the manager checked it\n", path);
        return 127;
    }
    return 0;
}

/* Opens each --fd file at its number; left open across exec on purpose. */
static int open_files(const struct options *o)
{
    for (int i = 0; i < o->nfds; i++) {
        int fd = open(o->fd_paths[i], O_RDONLY | O_NOFOLLOW);
        if (fd < 0) {
            fprintf(stderr, "umd-launch: cannot open %s: %s\n", o->fd_paths[i], strerror(errno));
            return 127;
        }
        if (fd != o->fd_numbers[i]) {
            if (dup2(fd, o->fd_numbers[i]) < 0) {
                return fail("dup2", strerror(errno));
            }
            close(fd);
        }
        if (o->fd_identities[i] && check_identity(o->fd_numbers[i], o->fd_paths[i], o->fd_identities[i]) != 0) {
            return 127;
        }
    }
    return 0;
}

static int join_cgroups(const struct options *o)
{
    char path[4096], pid[32];
    int length = snprintf(pid, sizeof pid, "%ld\n", (long) getpid());
    for (int i = 0; i < o->ncgroups; i++) {
        if (snprintf(path, sizeof path, "%s/cgroup.procs", o->cgroups[i]) >= (int) sizeof path) {
            return fail("cgroup path too long", o->cgroups[i]);
        }
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, pid, length) != length) {
            fprintf(stderr, "umd-launch: cannot join cgroup %s: %s\n", o->cgroups[i], strerror(errno));
            return 127;
        }
        close(fd);
    }
    return 0;
}

static int set_limits(const struct options *o)
{
    for (int i = 0; i < o->nrlimits; i++) {
        struct rlimit limit = {o->rlimit_values[i], o->rlimit_values[i]};
        if (setrlimit(o->rlimit_resources[i], &limit) != 0) {
            return fail("setrlimit", strerror(errno));
        }
    }
    return 0;
}

static int drop_user(const struct options *o, long parent)
{
    if (setgroups(0, NULL) != 0 || setresgid(o->gid, o->gid, o->gid) != 0
            || setresuid(o->uid, o->uid, o->uid) != 0) {
        return fail("cannot drop to the sandbox user", strerror(errno));
    }
    if (setuid(0) == 0) {
        return fail("the dropped user could become root again", NULL);
    }
    /* A change of credentials clears the parent-death signal. */
    return guard_parent(parent);
}

/* Execs the command; returns only on failure. */
static int run(const struct options *o, char **command)
{
    if (o->exec_fd >= 0) {
        /* Run the checked file itself; the handler keeps its path as argv[0]. */
        char by_fd[64];
        snprintf(by_fd, sizeof by_fd, "/proc/self/fd/%d", o->exec_fd);
        execv(by_fd, command);
    } else {
        execv(command[0], command);
    }
    fprintf(stderr, "umd-launch: cannot execute %s: %s\n", command[0], strerror(errno));
    return 127;
}

/* Shows NAME in ps: as the command name and over the whole argument area. */
static void rename_process(const char *name, int argc, char **argv)
{
    char copy[256];
    /* The name lives in the area about to be overwritten. */
    snprintf(copy, sizeof copy, "%s", name);
    prctl(PR_SET_NAME, copy);
    char *start = argv[0];
    char *end = argv[argc - 1] + strlen(argv[argc - 1]);
    size_t room = (size_t) (end - start);
    size_t length = strlen(copy) < room ? strlen(copy) : room;
    memset(start, 0, room);
    memcpy(start, copy, length);
}

/*
 * The child becomes the init of the pid namespace unshared before; this
 * process watches it. getppid() is 0 inside a new pid namespace, so the
 * child learns that its watcher still lives from a pipe instead: only the
 * watcher holds the write end, so it reads as hung up once the watcher died.
 */
static int supervise(const struct options *o, char **command, int argc, char **argv)
{
    int alive[2];
    if (pipe2(alive, O_CLOEXEC) != 0) {
        return fail("pipe", strerror(errno));
    }
    pid_t child = fork();
    if (child < 0) {
        return fail("fork", strerror(errno));
    }
    if (child == 0) {
        close(alive[1]);
        struct pollfd watcher = {alive[0], POLLIN, 0};
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || poll(&watcher, 1, 0) != 0) {
            _exit(127);
        }
        _exit(run(o, command));
    }
    close(alive[0]);
    /* The watcher keeps no handler descriptor: pipe ends close when the tree ends, files stay private. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
    }
    for (int i = 0; i < o->nfds; i++) {
        close(o->fd_numbers[i]);
    }
    if (o->name != NULL) {
        rename_process(o->name, argc, argv);
    }
    int status;
    pid_t got;
    do {
        got = waitpid(child, &status, 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        return fail("waitpid", strerror(errno));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int first = parse_options(argc, argv, &o);
    if (first < 0) {
        return 127;
    }
    long long parent;
    if (parse_number(argv[first], 1LL << 31, &parent) != 0 || parent == 0) {
        return fail("bad parent pid", argv[first]);
    }
    char **command = argv + first + 1;
    if (guard_parent((long) parent) != 0 || (o.sync && await_go() != 0)) {
        return 127;
    }
    if (setsid() < 0) {
        return fail("setsid", strerror(errno));
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        return fail("prctl(PR_SET_CHILD_SUBREAPER)", strerror(errno));
    }
    if (open_files(&o) != 0 || join_cgroups(&o) != 0 || set_limits(&o) != 0) {
        return 127;
    }
    /* Unshared while still root; the child forked after the drop is the namespace's init. */
    if (o.pid_namespace && unshare(CLONE_NEWPID) != 0) {
        return fail("unshare(CLONE_NEWPID)", strerror(errno));
    }
    if (o.drop && drop_user(&o, (long) parent) != 0) {
        return 127;
    }
    if (o.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return fail("prctl(PR_SET_NO_NEW_PRIVS)", strerror(errno));
    }
    return o.pid_namespace ? supervise(&o, command, argc, argv) : run(&o, command);
}
