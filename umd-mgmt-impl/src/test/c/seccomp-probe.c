/*
 * seccomp-probe: tries one thing a sandboxed handler might do, and says
 * whether the kernel let it. For SeccompProgramsTest, which runs it under
 * bwrap with and without a seccomp program.
 *
 * Usage: seccomp-probe ATTACK
 *
 * 1. Writes "TRY ATTACK" to stdout, so that a death by SIGSYS is known to come
 *    from the attempt, not from the start-up.
 * 2. Makes the attempt, with the raw system call where glibc could hide or
 *    change what reaches the kernel.
 * 3. Writes "OK" when it worked, "NO ERRNAME" (e.g. "NO EPERM") when the call
 *    failed, or "SKIP reason" when the attack means nothing on this machine.
 *
 * Exit status 0 after a verdict, 64 for an unknown attack. Statically linked
 * (-static -pthread) so that it runs in a sandbox with nothing but itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

/* Set in a long argument, above what the kernel reads of a 32-bit one. */
#define HIGH_BIT (1UL << 32)

/* ---- the verdict ---- */

/* One line on stdout, written at once: nothing is left in a buffer if the process is killed. */
static void say(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t) n > sizeof line - 2) {
        n = (int) sizeof line - 2;
    }
    line[n++] = '\n';
    (void) write(STDOUT_FILENO, line, (size_t) n);
}

/* OK when RC is not negative, else NO and the name of errno. */
static int verdict(long rc)
{
    if (rc < 0) {
        const char *name = strerrorname_np(errno);
        say("NO %s", name ? name : "E?");
    } else {
        say("OK");
    }
    return 0;
}

/* For a child that reports through its exit status: 0 is OK, anything else a failure. */
static int child_verdict(pid_t child)
{
    if (child < 0) {
        return verdict(-1);
    }
    int status;
    if (waitpid(child, &status, 0) != child) {
        return verdict(-1);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        say("OK");
    } else {
        say("NO CHILD-STATUS-%d", status);
    }
    return 0;
}

/* ---- the attacks ---- */

/* Attach to a child of its own: with ptrace, a process can run anything in another. */
static int ptrace_child(void)
{
    pid_t child = fork();
    if (child < 0) {
        return verdict(-1);
    }
    if (child == 0) {
        for (;;) {
            pause();
        }
    }
    long rc = ptrace(PTRACE_ATTACH, child, NULL, NULL);
    int saved = errno;
    if (rc == 0) {
        waitpid(child, NULL, 0);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    errno = saved;
    return verdict(rc);
}

/* A raw clone with FLAGS, the child exiting at once; as fork when FLAGS has no CLONE_VM. */
static int clone_with(unsigned long flags)
{
    long rc = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (rc == 0) {
        _exit(0);
    }
    return child_verdict((pid_t) rc);
}

/* clone3 passes its flags in memory, where a seccomp program cannot read them. */
static int clone3_with(unsigned long long flags)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    long rc = syscall(SYS_clone3, &args, sizeof args);
    if (rc == 0) {
        _exit(0);
    }
    return child_verdict((pid_t) rc);
}

static int bpf_map(void)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    return verdict(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
}

/* Counting its own user-space time: what perf_event_paranoid 2 still lets anyone do. */
static int perf_event(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_TASK_CLOCK;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    return verdict(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

static int io_uring(void)
{
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    return verdict(syscall(SYS_io_uring_setup, 1, &params));
}

/* getpid through the x32 ABI: x86-64's number with bit 30 set. */
static int x32_getpid(void)
{
#if defined(__x86_64__)
    return verdict(syscall(0x40000000L | SYS_getpid));
#else
    say("SKIP not x86-64");
    return 0;
#endif
}

/* getpid through the i386 ABI (int 0x80, number 20), which a 64-bit process can still use. */
static int i386_getpid(void)
{
#if defined(__x86_64__)
    long rc = 20;
    __asm__ volatile("int $0x80" : "+a"(rc) : : "memory");
    if (rc < 0) {
        errno = (int) -rc;
        rc = -1;
    }
    return verdict(rc);
#else
    say("SKIP not x86-64");
    return 0;
#endif
}

/*
 * Opens a new pseudo-terminal and makes it the controlling terminal of a new
 * session: TIOCSTI works on that one without privileges. Returns the
 * terminal's fd, or -1 after a verdict.
 */
static int own_terminal(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        verdict(-1);
        return -1;
    }
    const char *name = ptsname(master);
    if (name == NULL || setsid() < 0) {
        verdict(-1);
        return -1;
    }
    int tty = open(name, O_RDWR);
    if (tty < 0) {
        verdict(-1);
        return -1;
    }
    return tty;
}

/* Pushes a byte into the terminal's input: typed commands into whatever reads it. */
static int tiocsti(unsigned long request)
{
    int tty = own_terminal();
    if (tty < 0) {
        return 0;
    }
    char c = 'x';
    return verdict(syscall(SYS_ioctl, tty, request, &c));
}

static int tioclinux(void)
{
    int tty = own_terminal();
    if (tty < 0) {
        return 0;
    }
    char subcode = 7; /* TIOCL_GETSHIFTSTATE */
    return verdict(syscall(SYS_ioctl, tty, (unsigned long) TIOCLINUX, &subcode));
}

static int set_personality(unsigned long persona)
{
    return verdict(syscall(SYS_personality, persona));
}

/* The personalities a program may still ask for, one after another. */
static int allowed_personalities(void)
{
    static const unsigned long allowed[] = { 0xffffffffUL, PER_LINUX32, UNAME26, PER_LINUX32 | UNAME26, PER_LINUX };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        if (syscall(SYS_personality, allowed[i]) < 0) {
            return verdict(-1);
        }
    }
    return verdict(0);
}

static int fork_exec(void)
{
    pid_t child = fork();
    if (child == 0) {
        execl("/bin/true", "true", (char *) NULL);
        _exit(127);
    }
    return child_verdict(child);
}

static void *thread_body(void *arg)
{
    return arg;
}

static int thread(void)
{
    pthread_t t;
    int rc = pthread_create(&t, NULL, thread_body, NULL);
    if (rc != 0) {
        errno = rc;
        return verdict(-1);
    }
    return verdict(pthread_join(t, NULL) == 0 ? 0 : -1);
}

static int unshare_user(void) { return verdict(unshare(CLONE_NEWUSER)); }
static int clone_newuser(void) { return clone_with(CLONE_NEWUSER); }
static int clone_newns(void) { return clone_with(CLONE_NEWNS); }
static int clone3_newuser(void) { return clone3_with(CLONE_NEWUSER); }
static int new_key(void) { return verdict(syscall(SYS_add_key, "user", "umd-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING)); }
static int join_keyring(void) { return verdict(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL)); }
static int uffd(void) { return verdict(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY)); }
static int tiocsti_plain(void) { return tiocsti(TIOCSTI); }
static int tiocsti_high(void) { return tiocsti(HIGH_BIT | TIOCSTI); }
static int read_implies_exec(void) { return set_personality(READ_IMPLIES_EXEC); }
static int no_randomize(void) { return set_personality(ADDR_NO_RANDOMIZE); }
static int personality_high(void) { return set_personality(HIGH_BIT | READ_IMPLIES_EXEC); }
static int all_but_one_bit(void) { return set_personality(0xfffffff7UL); }
static int mount_tmpfs(void) { return verdict(mount("none", "/mnt", "tmpfs", 0, "size=1m")); }
static int open_file(void) { return verdict(open("/probe", O_RDONLY | O_CLOEXEC)); }
static int unix_socket(void) { return verdict(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)); }

static int plain_fork(void)
{
    pid_t child = fork();
    if (child == 0) {
        _exit(0);
    }
    return child_verdict(child);
}

/* ---- dispatch ---- */

static const struct {
    const char *name;
    int (*run)(void);
} attacks[] = {
    { "ptrace", ptrace_child },
    { "unshare-user", unshare_user },
    { "clone-newuser", clone_newuser },
    { "clone-newns", clone_newns },
    { "clone3-newuser", clone3_newuser },
    { "add-key", new_key },
    { "keyctl", join_keyring },
    { "bpf", bpf_map },
    { "perf-event-open", perf_event },
    { "userfaultfd", uffd },
    { "io-uring-setup", io_uring },
    { "x32-getpid", x32_getpid },
    { "i386-getpid", i386_getpid },
    { "tiocsti", tiocsti_plain },
    { "tiocsti-high-bits", tiocsti_high },
    { "tioclinux", tioclinux },
    { "personality-read-implies-exec", read_implies_exec },
    { "personality-no-randomize", no_randomize },
    { "personality-high-bits", personality_high },
    { "personality-all-but-one-bit", all_but_one_bit },
    { "personality-allowed", allowed_personalities },
    { "mount-tmpfs", mount_tmpfs },
    { "fork", plain_fork },
    { "fork-exec", fork_exec },
    { "thread", thread },
    { "open", open_file },
    { "socket", unix_socket },
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        say("usage: seccomp-probe ATTACK");
        return 64;
    }
    say("TRY %s", argv[1]);
    for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
        if (strcmp(argv[1], attacks[i].name) == 0) {
            return attacks[i].run();
        }
    }
    say("NO unknown attack");
    return 64;
}
