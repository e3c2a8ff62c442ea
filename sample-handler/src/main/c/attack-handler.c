/*
 * attack-handler: a TEST-ONLY umd-osgi handler that plays an attacker who
 * took over a handler. Each request names one attack; the reply says whether
 * it worked. Tests run it with the sandbox off (every attack works) and on
 * (every attack is blocked). Never ship it in a product bundle.
 *
 * Framing, both directions, as echo-handler: a 4-byte unsigned big-endian
 * length, then that many payload bytes; one reply frame per request; exit 0
 * at end of stdin. Diagnostics go to stderr.
 *
 * Request: printable ASCII words separated by single spaces, "ATTACK [ARG...]".
 * Reply:
 *   "OK <detail>"                 the attack worked;
 *   "NO <what failed>: <reason>"  it was blocked (reason: strerror, or the
 *                                 value that shows the protection);
 *   "ERR <why>"                   the request itself was bad (never a crash).
 *
 * The attacks, each one small function below:
 *
 *   environ PID, cmdline PID   read /proc/PID/environ or cmdline; OK: bytes.
 *   mem PID                    open /proc/PID/mem read-write.
 *   signal PID SIG             kill(PID, SIG); SIG 0 only probes. PID > 0, so
 *                              that no request can signal a whole group.
 *   ptrace PID                 PTRACE_SEIZE, then stop the one thread PID
 *                              (PTRACE_INTERRUPT), wait for it and detach:
 *                              the victim runs on as before.
 *   write PATH                 create PATH exclusively and write one line.
 *   read PATH                  read a file; OK: bytes.
 *   list DIR                   count the entries of DIR.
 *   openrw PATH                open an existing file O_WRONLY|O_APPEND and
 *                              close it again without writing.
 *   fd PID N                   open /proc/PID/fd/N, read-only then write-only,
 *                              both O_NONBLOCK (a pipe's other end may be
 *                              absent); closed at once.
 *   listen PORT                bind and listen on TCP 0.0.0.0:PORT (0: any);
 *                              OK names the port. The socket stays open until
 *                              the next request, so a test can try to reach it.
 *   connect HOST PORT          TCP connect to a numeric IPv4 address, at most
 *                              3 seconds.
 *   memory MIB                 malloc MIB MiB and write one byte per page. A
 *                              memory limit that is enforced by the OOM killer
 *                              kills the handler instead of a reply.
 *   fork N                     fork N children, each in its own process group,
 *                              with stdout closed, sleeping 30 s; OK when all N
 *                              forks worked, else "NO after K forks: <reason>".
 *   files N                    raise the soft open-files limit to the hard one
 *                              (as an attacker would), open /dev/null N times,
 *                              then close them all again.
 *   diskwrite MIB PATH         write MIB MiB to PATH (created or truncated),
 *                              with SIGXFSZ ignored so a file-size limit shows
 *                              as EFBIG. The file is left in place.
 *   hop MARKER                 start a daemon that outlives the handler: a
 *                              child that every 50 ms forks, lets its parent
 *                              exit and starts a new session, forever; each
 *                              generation is named MARKER (comm, and argv as far
 *                              as it fits). First the handler clears its own
 *                              child-subreaper flag (umd-launch sets it), so
 *                              the orphaned generations go to init, out of the
 *                              handler's tree. Replies at once.
 *   orphan MARKER              fork a child named MARKER in its own session
 *                              that sleeps forever; OK gives its pid.
 *   crash                      die of SIGSEGV (no reply). After "orphan" this
 *                              leaves the orphan behind its crashed handler.
 *   caps                       OK with CapEff when not zero, NO when zero.
 *   uid                        always OK: real, effective and saved uid and gid.
 *   nnp                        OK when NoNewPrivs is 0 (setuid programs would
 *                              still raise privileges), NO when 1.
 *   seccomp                    OK when Seccomp is 0 (no filter), NO otherwise.
 *   tty                        open /dev/tty, and TIOCSTI on it and fds 0..2;
 *                              OK when any worked. The byte pushed is NUL, the
 *                              one least likely to do harm in a real terminal.
 *   unshare                    unshare(CLONE_NEWUSER), in a child so that the
 *                              handler itself keeps its namespaces.
 *   mounts                     count the lines of /proc/self/mountinfo.
 *   whoami                     always OK: pid, parent pid and host name.
 *
 * Every attack but crash leaves the handler as it found it (apart from the
 * processes it starts on purpose and hop's subreaper flag), so one handler can run many attacks in a row.
 * Children that exited are reaped before each request.
 *
 * Exit status: 0 at end of stdin at a frame boundary, 1 at end of stdin inside
 * a frame or on an I/O error, 3 when the manager speaks another protocol.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "frame_io.h"

#define NAME "attack-handler"
/* Requests are a few words; anything longer is read, dropped and answered ERR. */
#define MAX_REQUEST 4096
#define MAX_WORDS 4
#define MIB (1u << 20)

/* The command line's memory, rewritten to a marker by "hop" and "orphan". */
static char *args_start;
static size_t args_len;

/* The socket "listen" keeps open until the next request; -1 when none. */
static int held_socket = -1;

/* ---- replies ---- */

/* Formats one reply and sends it as one frame; exits on a broken pipe. */
static void reply(const char *fmt, ...)
{
    static unsigned char frame[4 + 1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf((char *) frame + 4, sizeof frame - 4, fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
    }
    if ((size_t) n > sizeof frame - 5) {
        n = (int) (sizeof frame - 5); /* truncated, never overrun */
    }
    put_be32(frame, (uint32_t) n);
    if (write_full(1, frame, 4 + (size_t) n) != 0) {
        fprintf(stderr, NAME ": writing a reply failed: %s\n", strerror(errno));
        exit(1);
    }
}

/* "NO <what>: <strerror(errno)>", for an attack the system refused. */
static void refused(const char *what)
{
    int err = errno;
    reply("NO %s: %s", what, strerror(err));
}

/* ---- arguments ---- */

/* Parses a decimal in [min, max]; on failure replies ERR and returns -1. */
static int number(const char *word, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(word, &end, 10);
    if (*word == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        reply("ERR '%s' is not a number from %ld to %ld", word, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int pid_arg(const char *word, long *pid)
{
    return number(word, 1, INT_MAX, pid);
}

/* ---- helpers shared by attacks ---- */

/* Reads a whole file; returns its byte count, or -1 with errno set. */
static long long count_bytes(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    char buf[65536];
    long long total = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
            total += r;
        } else if (r == 0) {
            break;
        } else if (errno != EINTR) {
            int err = errno;
            close(fd);
            errno = err;
            return -1;
        }
    }
    close(fd);
    return total;
}

/* Replies OK with the size of the file at path, or NO with why it could not be read. */
static void read_attack(const char *path)
{
    long long n = count_bytes(path);
    if (n < 0) {
        char what[PATH_MAX + 16];
        snprintf(what, sizeof what, "read %s", path);
        refused(what);
        return;
    }
    reply("OK read %lld bytes of %s", n, path);
}

/* The value of "Key:" in /proc/self/status, copied into out; -1 when absent. */
static int status_field(const char *key, char *out, size_t size)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (f == NULL) {
        return -1;
    }
    char line[256];
    size_t klen = strlen(key);
    int found = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            char *v = line + klen + 1;
            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, size, "%s", v);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

/* Gives this process the name marker: comm (15 bytes) and its command line, as far as it fits. */
static void take_name(const char *marker)
{
    (void) prctl(PR_SET_NAME, marker, 0, 0, 0);
    if (args_start != NULL && args_len > 1) {
        memset(args_start, 0, args_len);
        memcpy(args_start, marker, strnlen(marker, args_len - 1));
    }
}

/* Points fds 0, 1 and 2 at /dev/null: a detached process must not hold the manager's pipes. */
static void detach_stdio(void)
{
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; fd++) {
        if (null >= 0) {
            dup2(null, fd);
        } else {
            close(fd);
        }
    }
    if (null > 2) {
        close(null);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* the rest of the time */
    }
}

/* ---- the attacks on other processes ---- */

static void attack_environ(char **args)
{
    long pid;
    if (pid_arg(args[0], &pid) == 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/environ", pid);
        read_attack(path);
    }
}

static void attack_cmdline(char **args)
{
    long pid;
    if (pid_arg(args[0], &pid) == 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
        read_attack(path);
    }
}

static void attack_mem(char **args)
{
    long pid;
    if (pid_arg(args[0], &pid) != 0) {
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/mem", pid);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        refused(path);
        return;
    }
    close(fd);
    reply("OK opened %s read-write", path);
}

static void attack_signal(char **args)
{
    long pid, sig;
    if (pid_arg(args[0], &pid) != 0 || number(args[1], 0, 64, &sig) != 0) {
        return;
    }
    if (kill((pid_t) pid, (int) sig) != 0) {
        refused("kill");
        return;
    }
    reply("OK sent signal %ld to %ld", sig, pid);
}

/*
 * Seizes the thread PID, then lets it go: PTRACE_DETACH only works on a
 * stopped tracee, so PTRACE_INTERRUPT stops that one thread (not its whole
 * process, as PTRACE_ATTACH's SIGSTOP would) and waitpid sees the stop.
 */
static void attack_ptrace(char **args)
{
    long pid;
    if (pid_arg(args[0], &pid) != 0) {
        return;
    }
    if (ptrace(PTRACE_SEIZE, (pid_t) pid, NULL, NULL) != 0) {
        refused("ptrace(PTRACE_SEIZE)");
        return;
    }
    if (ptrace(PTRACE_INTERRUPT, (pid_t) pid, NULL, NULL) != 0) {
        refused("ptrace(PTRACE_INTERRUPT) after a successful seize");
        return;
    }
    int status;
    pid_t w;
    do {
        w = waitpid((pid_t) pid, &status, __WALL);
    } while (w < 0 && errno == EINTR);
    if (w < 0) {
        refused("waitpid on the seized tracee");
        return;
    }
    if (WIFSTOPPED(status) && ptrace(PTRACE_DETACH, (pid_t) pid, NULL, NULL) != 0) {
        refused("ptrace(PTRACE_DETACH) after a successful seize");
        return;
    }
    reply("OK seized, stopped and released %ld", pid);
}

/* Opening a sibling's pipe through /proc is how its traffic could be read or forged. */
static void attack_fd(char **args)
{
    long pid, n;
    if (pid_arg(args[0], &pid) != 0 || number(args[1], 0, INT_MAX, &n) != 0) {
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd/%ld", pid, n);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        reply("OK opened %s read-only", path);
        return;
    }
    int read_err = errno;
    fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        reply("OK opened %s write-only", path);
        return;
    }
    int write_err = errno;
    reply("NO open %s: %s (read-only), %s (write-only)", path, strerror(read_err), strerror(write_err));
}

/* ---- the attacks on files ---- */

static void attack_write(char **args)
{
    static const char line[] = "written by attack-handler\n";
    int fd = open(args[0], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        refused("create");
        return;
    }
    int rc = write_full(fd, line, sizeof line - 1);
    int err = errno;
    close(fd);
    if (rc != 0) {
        errno = err;
        refused("write");
        return;
    }
    reply("OK wrote %zu bytes to %s", sizeof line - 1, args[0]);
}

static void attack_read(char **args)
{
    read_attack(args[0]);
}

static void attack_list(char **args)
{
    DIR *dir = opendir(args[0]);
    if (dir == NULL) {
        refused("opendir");
        return;
    }
    long n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
        }
    }
    closedir(dir);
    reply("OK %ld entries in %s", n, args[0]);
}

/* Write access to an existing file (the launch shim, say) without touching its bytes. */
static void attack_openrw(char **args)
{
    int fd = open(args[0], O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        refused("open for writing");
        return;
    }
    close(fd);
    reply("OK %s is open for writing", args[0]);
}

/* ---- the attacks on the network ---- */

static void attack_listen(char **args)
{
    long port;
    if (number(args[0], 0, 65535, &port) != 0) {
        return;
    }
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        refused("socket");
        return;
    }
    int one = 1;
    (void) setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    socklen_t alen = sizeof a;
    if (bind(s, (struct sockaddr *) &a, sizeof a) != 0 || listen(s, 16) != 0
            || getsockname(s, (struct sockaddr *) &a, &alen) != 0) {
        int err = errno;
        close(s);
        errno = err;
        refused("bind and listen");
        return;
    }
    held_socket = s;
    reply("OK listening on 0.0.0.0:%u", (unsigned) ntohs(a.sin_port));
}

/* Waits at most 3 s for a non-blocking connect; 0 when connected, else -1 with errno. */
static int finish_connect(int s)
{
    struct pollfd p = {.fd = s, .events = POLLOUT};
    int r;
    do {
        r = poll(&p, 1, 3000);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (r < 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        return -1;
    }
    errno = err;
    return err == 0 ? 0 : -1;
}

static void attack_connect(char **args)
{
    long port;
    struct sockaddr_in a = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, args[0], &a.sin_addr) != 1) {
        reply("ERR '%s' is not a numeric IPv4 address", args[0]);
        return;
    }
    if (number(args[1], 1, 65535, &port) != 0) {
        return;
    }
    a.sin_port = htons((uint16_t) port);
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) {
        refused("socket");
        return;
    }
    int rc = connect(s, (struct sockaddr *) &a, sizeof a);
    if (rc != 0 && errno == EINPROGRESS) {
        rc = finish_connect(s);
    }
    int err = errno;
    close(s);
    if (rc != 0) {
        errno = err;
        refused("connect");
        return;
    }
    reply("OK connected to %s:%ld", args[0], port);
}

/* ---- the attacks on resources ---- */

static void attack_memory(char **args)
{
    long mib;
    if (number(args[0], 1, 1L << 20, &mib) != 0) {
        return;
    }
    size_t size = (size_t) mib * MIB;
    volatile char *p = malloc(size);
    if (p == NULL) {
        refused("malloc");
        return;
    }
    long page = sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < size; i += (size_t) page) {
        p[i] = 1;
    }
    free((void *) p);
    reply("OK touched %ld MiB", mib);
}

static void attack_fork(char **args)
{
    long n;
    if (number(args[0], 1, 1L << 20, &n) != 0) {
        return;
    }
    for (long k = 0; k < n; k++) {
        pid_t child = fork();
        if (child < 0) {
            int err = errno;
            reply("NO after %ld forks: %s", k, strerror(err));
            return;
        }
        if (child == 0) {
            /* Stdout closed: the parent's reply pipe must see no other writer. */
            close(1);
            setpgid(0, 0);
            sleep(30);
            _exit(0);
        }
    }
    reply("OK forked %ld children", n);
}

static void attack_files(char **args)
{
    long n;
    if (number(args[0], 1, 1L << 20, &n) != 0) {
        return;
    }
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        (void) setrlimit(RLIMIT_NOFILE, &lim);
    }
    int *fds = malloc((size_t) n * sizeof *fds);
    if (fds == NULL) {
        refused("malloc");
        return;
    }
    long k = 0;
    int err = 0;
    for (; k < n; k++) {
        fds[k] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fds[k] < 0) {
            err = errno;
            break;
        }
    }
    for (long i = 0; i < k; i++) {
        close(fds[i]);
    }
    free(fds);
    if (k < n) {
        reply("NO after %ld opens: %s", k, strerror(err));
        return;
    }
    reply("OK opened /dev/null %ld times", n);
}

static void attack_diskwrite(char **args)
{
    long mib;
    if (number(args[0], 1, 1L << 20, &mib) != 0) {
        return;
    }
    /* Without this a file-size limit kills the handler instead of failing the write. */
    signal(SIGXFSZ, SIG_IGN);
    int fd = open(args[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        refused("create");
        return;
    }
    static char block[MIB];
    memset(block, 'x', sizeof block);
    long done = 0;
    int err = 0;
    for (; done < mib; done++) {
        if (write_full(fd, block, sizeof block) != 0) {
            err = errno;
            break;
        }
    }
    close(fd);
    if (done < mib) {
        reply("NO after %ld MiB: %s", done, strerror(err));
        return;
    }
    reply("OK wrote %ld MiB to %s", mib, args[1]);
}

/* ---- the attacks that leave processes behind ---- */

/*
 * Never returns. One generation: take the name, start a new session, wait
 * 50 ms, fork; the parent exits and the child is the next generation. The
 * pid changes every 50 ms and no process stays in any session for long, so
 * only a kill of the whole tree, or of a pid namespace, stops it.
 */
static void hop_forever(const char *marker)
{
    for (;;) {
        take_name(marker);
        (void) setsid();
        sleep_ms(50);
        pid_t next = fork();
        if (next > 0) {
            _exit(0);
        }
        /* next < 0: try again in the next round, from this same process */
    }
}

/*
 * An unconfined handler may be in a cgroup the manager made to kill its tree at once; running
 * with the JVM's rights, an attacker just moves out of it (into the root of the cgroup2
 * hierarchy). In a sandbox there is no /sys to write to, so this fails quietly.
 */
static void leave_cgroup(void)
{
    int fd = open("/sys/fs/cgroup/unified/cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long) getpid());
    (void) !write(fd, pid, (size_t) n);
    close(fd);
}

static void attack_hop(char **args)
{
    /* While the handler is a subreaper, every orphaned generation stays below it; if this fails, hop anyway. */
    (void) prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    pid_t child = fork();
    if (child < 0) {
        refused("fork");
        return;
    }
    if (child == 0) {
        detach_stdio();
        leave_cgroup();
        hop_forever(args[0]);
    }
    reply("OK hopping as %s from pid %ld", args[0], (long) child);
}

static void attack_orphan(char **args)
{
    pid_t child = fork();
    if (child < 0) {
        refused("fork");
        return;
    }
    if (child == 0) {
        detach_stdio();
        leave_cgroup();
        (void) setsid();
        take_name(args[0]);
        for (;;) {
            pause();
        }
    }
    reply("OK orphan %s pid=%ld", args[0], (long) child);
}

static void attack_crash(char **args)
{
    (void) args;
    struct rlimit no_core = {0, 0};
    (void) setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    _exit(139); /* not reached: SIGSEGV with its default action ends the process */
}

/* ---- the attacks on privileges (mostly reports of what the handler may do) ---- */

static void attack_caps(char **args)
{
    (void) args;
    char v[64];
    if (status_field("CapEff", v, sizeof v) != 0) {
        refused("read CapEff from /proc/self/status");
        return;
    }
    if (strtoull(v, NULL, 16) == 0) {
        reply("NO capabilities: CapEff=%s", v);
        return;
    }
    reply("OK CapEff=%s", v);
}

static void attack_uid(char **args)
{
    (void) args;
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    getresuid(&ru, &eu, &su);
    getresgid(&rg, &eg, &sg);
    reply("OK uid=%ld euid=%ld suid=%ld gid=%ld egid=%ld sgid=%ld", (long) ru, (long) eu, (long) su,
          (long) rg, (long) eg, (long) sg);
}

/* Replies OK when the status field reads "0" (the protection is off), NO otherwise. */
static void zero_means_open(const char *key)
{
    char v[64];
    if (status_field(key, v, sizeof v) != 0) {
        reply("NO %s: not in /proc/self/status", key);
        return;
    }
    reply("%s %s=%s", strcmp(v, "0") == 0 ? "OK" : "NO", key, v);
}

static void attack_nnp(char **args)
{
    (void) args;
    zero_means_open("NoNewPrivs");
}

static void attack_seccomp(char **args)
{
    (void) args;
    zero_means_open("Seccomp");
}

/* Pushes one NUL byte into the terminal's input queue of fd; 0 when the ioctl worked. */
static int push_input(int fd)
{
    char c = '\0';
    return ioctl(fd, TIOCSTI, &c);
}

static void attack_tty(char **args)
{
    (void) args;
    char worked[128] = "";
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int tty_err = errno;
    if (tty >= 0) {
        strcat(worked, " /dev/tty opened");
        if (push_input(tty) == 0) {
            strcat(worked, ", TIOCSTI on it");
        }
        close(tty);
    }
    for (int fd = 0; fd <= 2; fd++) {
        if (push_input(fd) == 0) {
            char one[32];
            snprintf(one, sizeof one, ", TIOCSTI on fd %d", fd);
            strcat(worked, one);
        }
    }
    if (worked[0] != '\0') {
        reply("OK%s", worked);
        return;
    }
    reply("NO open /dev/tty: %s (and TIOCSTI failed on fds 0-2)", strerror(tty_err));
}

/* In a child: a new user namespace must not change the handler itself (its uid, its caps). */
static void attack_unshare(char **args)
{
    (void) args;
    pid_t child = fork();
    if (child < 0) {
        refused("fork");
        return;
    }
    if (child == 0) {
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : (errno & 0xff));
    }
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            refused("waitpid");
            return;
        }
    }
    if (!WIFEXITED(status)) {
        reply("NO unshare(CLONE_NEWUSER): the child died of signal %d", WTERMSIG(status));
    } else if (WEXITSTATUS(status) != 0) {
        reply("NO unshare(CLONE_NEWUSER): %s", strerror(WEXITSTATUS(status)));
    } else {
        reply("OK unshare(CLONE_NEWUSER) worked");
    }
}

static void attack_mounts(char **args)
{
    (void) args;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL) {
        refused("open /proc/self/mountinfo");
        return;
    }
    long lines = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        lines += c == '\n';
    }
    fclose(f);
    reply("OK %ld mounts", lines);
}

static void attack_whoami(char **args)
{
    (void) args;
    char host[256] = "?";
    if (gethostname(host, sizeof host) != 0) {
        snprintf(host, sizeof host, "?");
    }
    host[sizeof host - 1] = '\0';
    reply("OK pid=%ld ppid=%ld hostname=%s", (long) getpid(), (long) getppid(), host);
}

/* ---- the request ---- */

struct attack {
    const char *name;
    int args;
    const char *usage;
    void (*run)(char **args);
};

static const struct attack attacks[] = {
    {"environ", 1, "environ PID", attack_environ},
    {"cmdline", 1, "cmdline PID", attack_cmdline},
    {"mem", 1, "mem PID", attack_mem},
    {"signal", 2, "signal PID SIG", attack_signal},
    {"ptrace", 1, "ptrace PID", attack_ptrace},
    {"write", 1, "write PATH", attack_write},
    {"read", 1, "read PATH", attack_read},
    {"list", 1, "list DIR", attack_list},
    {"openrw", 1, "openrw PATH", attack_openrw},
    {"fd", 2, "fd PID N", attack_fd},
    {"listen", 1, "listen PORT", attack_listen},
    {"connect", 2, "connect HOST PORT", attack_connect},
    {"memory", 1, "memory MIB", attack_memory},
    {"fork", 1, "fork N", attack_fork},
    {"files", 1, "files N", attack_files},
    {"diskwrite", 2, "diskwrite MIB PATH", attack_diskwrite},
    {"hop", 1, "hop MARKER", attack_hop},
    {"orphan", 1, "orphan MARKER", attack_orphan},
    {"crash", 0, "crash", attack_crash},
    {"caps", 0, "caps", attack_caps},
    {"uid", 0, "uid", attack_uid},
    {"nnp", 0, "nnp", attack_nnp},
    {"seccomp", 0, "seccomp", attack_seccomp},
    {"tty", 0, "tty", attack_tty},
    {"unshare", 0, "unshare", attack_unshare},
    {"mounts", 0, "mounts", attack_mounts},
    {"whoami", 0, "whoami", attack_whoami},
};

/*
 * Splits text (NUL-terminated, len bytes) in place into words separated by
 * single spaces. Returns the word count, or -1 after replying ERR.
 */
static int split(char *text, size_t len, char **words)
{
    if (len == 0) {
        reply("ERR empty request");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text[i];
        if (c < 0x20 || c > 0x7e) {
            reply("ERR byte %zu (0x%02x) is not printable ASCII", i, c);
            return -1;
        }
    }
    int n = 0;
    char *word = text;
    for (;;) {
        char *space = strchr(word, ' ');
        if (space == word || (space == NULL && *word == '\0')) {
            reply("ERR words must be separated by single spaces");
            return -1;
        }
        if (n == MAX_WORDS) {
            reply("ERR more than %d words", MAX_WORDS);
            return -1;
        }
        words[n++] = word;
        if (space == NULL) {
            return n;
        }
        *space = '\0';
        word = space + 1;
    }
}

/* Children that exited (forks, hop's first child, unshare probes) are not left as zombies. */
static void reap_children(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0) {
        /* next */
    }
}

/* Runs one request; exactly one reply unless the attack is "crash". */
static void serve(char *text, size_t len)
{
    char *words[MAX_WORDS];
    int n = split(text, len, words);
    if (n < 0) {
        return;
    }
    for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
        const struct attack *a = &attacks[i];
        if (strcmp(words[0], a->name) == 0) {
            if (n - 1 != a->args) {
                reply("ERR usage: %s", a->usage);
                return;
            }
            a->run(words + 1);
            return;
        }
    }
    reply("ERR unknown attack '%.64s'", words[0]);
}

/* Reads and drops len bytes of an oversized request; 0 when they all arrived. */
static int skip(uint32_t len)
{
    char sink[65536];
    while (len > 0) {
        size_t want = len < sizeof sink ? len : sizeof sink;
        if (read_full(0, sink, want) != (ssize_t) want) {
            return -1;
        }
        len -= (uint32_t) want;
    }
    return 0;
}

/* Remembers where the command line lies, for take_name: argv[0] to the end of the last argument. */
static void remember_args(int argc, char **argv)
{
    if (argc > 0 && argv[0] != NULL) {
        args_start = argv[0];
        args_len = (size_t) (argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
    }
}

int main(int argc, char **argv)
{
    /* A closed reply pipe should give EPIPE and a log line, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    if (check_protocol(NAME) != 0) {
        return 3;
    }
    remember_args(argc, argv);

    static char request[MAX_REQUEST + 1];
    for (;;) {
        unsigned char hdr[4];
        ssize_t r = read_full(0, hdr, sizeof hdr);
        if (r == 0) {
            return 0;
        }
        if (r != (ssize_t) sizeof hdr) {
            fprintf(stderr, NAME ": %s in a frame header\n", r < 0 ? strerror(errno) : "end of input");
            return 1;
        }
        uint32_t len = get_be32(hdr);
        int too_long = len > MAX_REQUEST;
        if (too_long ? skip(len) != 0 : read_full(0, request, len) != (ssize_t) len) {
            fprintf(stderr, NAME ": input ended inside a %u-byte request\n", len);
            return 1;
        }
        reap_children();
        if (held_socket >= 0) {
            close(held_socket);
            held_socket = -1;
        }
        if (too_long) {
            reply("ERR request of %u bytes exceeds %u", len, MAX_REQUEST);
            continue;
        }
        request[len] = '\0';
        serve(request, len);
    }
}
