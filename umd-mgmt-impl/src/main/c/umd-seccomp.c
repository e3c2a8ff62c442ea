/*
 * umd-seccomp: writes the seccomp programs that handlers run under. Runs at
 * build time only; the bundle ships its output, never this program.
 *
 * Usage: umd-seccomp OUTDIR
 *
 * Writes OUTDIR/default.bpf and OUTDIR/strict.bpf: classic BPF, as the kernel
 * takes it and as bwrap --seccomp FD loads it right before it execs the
 * handler (so execve is the first system call a program judges).
 *
 * 1. Each profile is built with libseccomp for this machine's architecture
 *    alone. A call through any other ABI is not judged by name: the process
 *    is killed. On x86-64 that covers i386 calls (int 0x80, another audit
 *    architecture) and x32 calls (numbers with bit 30 set, which libseccomp
 *    rejects when x32 is not in the filter).
 * 2. default: everything a process may do to itself is allowed; what reaches
 *    other processes, the kernel's configuration, namespaces and mounts, or
 *    kernel interfaces with a record of exploits, fails with EPERM (see the
 *    lists below for each reason). clone3 fails with ENOSYS, so that glibc
 *    falls back to clone, whose flags the filter can read (clone3 passes
 *    them in memory, where it cannot). Arguments the kernel reads as 32-bit
 *    (ioctl's request, personality) are compared on their low 32 bits only,
 *    as the kernel reads them, so high bits cannot slip past a rule.
 * 3. strict: an allowlist for handlers that only read and write their
 *    standard streams and allocate memory (a static C handler); anything
 *    else kills the process. No new descriptors (no open, socket, pipe),
 *    no new processes or threads: a handler that needs a file is given it
 *    open, or runs under default.
 * 4. Each program goes to NAME.bpf.tmp, then is renamed: an interrupted build
 *    never leaves half a program under the real name.
 *
 * A system call that this libseccomp does not know, or that this architecture
 * does not have, is left out with a note on stderr. Exit status 1 on any
 * failure, with the reason on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* clone's flags are its first argument, except where the kernel has CLONE_BACKWARDS2. */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

/* The kernel reads these arguments as unsigned int: only the low 32 bits count. */
#define LOW32 0xffffffffULL

/* ---- the default profile: allow, except ---- */

/* Each fails with EPERM. Grouped by why a stdin/stdout program has no use for it. */
static const char *const default_denied[] = {
    /* Reading or changing other processes (memory, registers, descriptors). */
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
    "migrate_pages", "move_pages",
    /* Mounts and the root directory: the sandbox's view of files is fixed. */
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr",
    /* Namespaces: entering or making them (clone is restricted by flag below). */
    "unshare", "setns",
    /* Kernel interfaces with a long record of exploits, or that widen race windows. */
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key", "modify_ldt",
    /* The kernel's code and the machine: modules, kexec, reboot, swap, raw I/O ports. */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "iopl", "ioperm", "uselib",
    /* System-wide state: clock, accounting, quotas, kernel log, host and domain names. */
    "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "acct", "quotactl", "quotactl_fd",
    "syslog", "sethostname", "setdomainname", "vhangup",
    /* Opening files by handle bypasses the path walk (the sandbox's mounts). */
    "name_to_handle_at", "open_by_handle_at",
    /* Watching other processes' file access; profiling kernel paths. */
    "fanotify_init", "lookup_dcookie",
    NULL,
};

/* Every flag that makes a new namespace; clone with any of them fails with EPERM. */
static const unsigned long long namespace_flags[] = {
    CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWCGROUP,
    /* clone() reads this bit as part of the exit signal, but refusing it costs nothing. */
    CLONE_NEWTIME,
};

/* Injecting input into a terminal, and the virtual console's multiplexed controls. */
static const unsigned long long denied_ioctls[] = { TIOCSTI, TIOCLINUX };

/*
 * The personalities a program may ask for: any combination of these bits
 * (PER_LINUX 0, PER_LINUX32 0x8, UNAME26 0x20000) and the query 0xffffffff.
 * Everything else (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE, ...) weakens the
 * protections of what the handler execs.
 */
#define PERSONALITY_BITS 0x00020008u

/* ---- the strict profile: kill, except ---- */

/*
 * Each is allowed with any arguments. What the repository's static C handlers
 * do (strace of echo-, sample- and fault-handler), and what glibc's malloc,
 * stdio, sleep and signal handling need besides.
 */
static const char *const strict_allowed[] = {
    /* Start: the exec itself and glibc's static start-up (TLS, rseq, stack limit, own path). */
    "execve", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "readlink",
    "readlinkat", "getrandom",
    /* Memory. */
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
    /* The standard streams and any other descriptor it was given; no way to get a new one. */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close", "fcntl", "fstat",
    "newfstatat", "poll", "ppoll",
    /* Time and waiting. */
    "clock_gettime", "clock_getres", "gettimeofday", "nanosleep", "clock_nanosleep", "futex",
    /* Its own signals; restart_syscall resumes a sleep a signal interrupted. */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "restart_syscall",
    /* Itself. */
    "getpid", "gettid", "exit", "exit_group",
    /*
     * Not for the handler: with --unshare-pid, bwrap's pid 1 loads the same
     * program, then reaps with wait4 (and reports with write, exits with
     * exit_group). A handler that cannot fork has nothing to wait for.
     */
    "wait4",
    NULL,
};

/* The one ioctl allowed: TCGETS, which isatty() and stdio's buffering choice make. */
static const unsigned long long strict_ioctls[] = { TCGETS };

/* ---- building ---- */

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "umd-seccomp: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return -1;
}

/* Returns the native number of NAME, or -1 after a note when there is none to filter. */
static int resolve(const char *name)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) {
        fprintf(stderr, "umd-seccomp: note: libseccomp does not know %s, left out\n", name);
        return -1;
    }
    if (nr < 0) {
        /* A pseudo number: the name exists on other architectures only. */
        fprintf(stderr, "umd-seccomp: note: %s is not a system call here, left out\n", name);
        return -1;
    }
    return nr;
}

/* One rule; NAME without a number here is skipped. 0 on success. */
static int add(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned int argc,
               const struct scmp_arg_cmp *cmp)
{
    int nr = resolve(name);
    if (nr < 0) {
        return 0;
    }
    int rc = seccomp_rule_add_array(ctx, action, nr, argc, cmp);
    if (rc != 0) {
        fprintf(stderr, "umd-seccomp: cannot add a rule for %s: %s\n", name, strerror(-rc));
        return -1;
    }
    return 0;
}

static int add_all(scmp_filter_ctx ctx, uint32_t action, const char *const *names)
{
    for (; *names != NULL; names++) {
        if (add(ctx, action, *names, 0, NULL) != 0) {
            return -1;
        }
    }
    return 0;
}

/* ACTION for NAME when argument ARG's low 32 bits equal any of VALUES. */
static int add_low32(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned int arg,
                     const unsigned long long *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct scmp_arg_cmp cmp = SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, LOW32, values[i] & LOW32);
        if (add(ctx, action, name, 1, &cmp) != 0) {
            return -1;
        }
    }
    return 0;
}

/*
 * EPERM for every personality except combinations of PERSONALITY_BITS and the
 * query 0xffffffff. libseccomp compares an argument once per rule, so the
 * refused set is covered by masked tests, each "bit i set and bit j clear"
 * (F: the other 30 bits, in a cycle; v: the low 32 bits of the argument):
 *   - for each F bit, "it set and the next F bit clear": matches whenever v's
 *     F bits are mixed (going round the cycle meets a set bit followed by a
 *     clear one);
 *   - for each allowed bit, "all F bits set and it clear": the rest of the
 *     refused set, where every F bit is set and v is not 0xffffffff.
 * No allowed value matches: those have no F bit set, and 0xffffffff has no
 * bit clear.
 */
static int deny_personalities(scmp_filter_ctx ctx)
{
    const uint32_t others = ~PERSONALITY_BITS;
    unsigned int f[32], n = 0;
    for (unsigned int b = 0; b < 32; b++) {
        if (others & (1u << b)) {
            f[n++] = b;
        }
    }
    for (unsigned int t = 0; t < n; t++) {
        uint32_t set = 1u << f[t], clear = 1u << f[(t + 1) % n];
        struct scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_MASKED_EQ, set | clear, set);
        if (add(ctx, SCMP_ACT_ERRNO(EPERM), "personality", 1, &cmp) != 0) {
            return -1;
        }
    }
    for (unsigned int b = 0; b < 32; b++) {
        if (PERSONALITY_BITS & (1u << b)) {
            struct scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_MASKED_EQ, others | (1u << b), others);
            if (add(ctx, SCMP_ACT_ERRNO(EPERM), "personality", 1, &cmp) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* clone with any namespace flag fails; plain fork and threads go through. */
static int deny_namespace_clones(scmp_filter_ctx ctx)
{
    for (size_t i = 0; i < sizeof namespace_flags / sizeof namespace_flags[0]; i++) {
        struct scmp_arg_cmp cmp = SCMP_CMP(CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ, namespace_flags[i],
                                           namespace_flags[i]);
        if (add(ctx, SCMP_ACT_ERRNO(EPERM), "clone", 1, &cmp) != 0) {
            return -1;
        }
    }
    return 0;
}

static int build_default(scmp_filter_ctx ctx)
{
    if (add_all(ctx, SCMP_ACT_ERRNO(EPERM), default_denied) != 0
            || add(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL) != 0
            || deny_namespace_clones(ctx) != 0
            || add_low32(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1, denied_ioctls,
                         sizeof denied_ioctls / sizeof denied_ioctls[0]) != 0
            || deny_personalities(ctx) != 0) {
        return -1;
    }
    return 0;
}

static int build_strict(scmp_filter_ctx ctx)
{
    if (add_all(ctx, SCMP_ACT_ALLOW, strict_allowed) != 0
            || add_low32(ctx, SCMP_ACT_ALLOW, "ioctl", 1, strict_ioctls,
                         sizeof strict_ioctls / sizeof strict_ioctls[0]) != 0) {
        return -1;
    }
    return 0;
}

/* Writes CTX's program to DIR/NAME.bpf through a temporary file. 0 on success. */
static int export(scmp_filter_ctx ctx, const char *dir, const char *name)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s.bpf", dir, name) >= (int) sizeof path
            || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp) {
        return fail("output path too long", dir);
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "umd-seccomp: cannot create %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc != 0) {
        close(fd);
        fprintf(stderr, "umd-seccomp: cannot write %s: %s\n", tmp, strerror(-rc));
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "umd-seccomp: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Builds one profile (DEFAULT_ACTION and BUILD) and exports it. 0 on success. */
static int profile(const char *dir, const char *name, uint32_t default_action,
                   int (*build)(scmp_filter_ctx))
{
    int rc = -1;
    scmp_filter_ctx ctx = seccomp_init(default_action);
    if (ctx == NULL) {
        return fail("seccomp_init failed for", name);
    }
    /* Another ABI's numbers mean other calls: nothing through it is judged, the process dies. */
    if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0) {
        fail("cannot set the bad-architecture action for", name);
        goto out;
    }
    if (build(ctx) != 0 || export(ctx, dir, name) != 0) {
        fprintf(stderr, "umd-seccomp: the %s profile was not written\n", name);
        goto out;
    }
    rc = 0;
out:
    seccomp_release(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fail("usage: umd-seccomp OUTDIR", NULL);
        return 1;
    }
    /*
     * The programs are for the machine that runs the handlers, not for this
     * one: a build inside a container whose own filter hides the kernel's
     * seccomp features must not make libseccomp refuse KILL_PROCESS (level 3).
     */
    if (seccomp_api_get() < 3 && seccomp_api_set(3) != 0) {
        fail("libseccomp cannot be told to assume KILL_PROCESS (API level 3)", NULL);
        return 1;
    }
    if (profile(argv[1], "default", SCMP_ACT_ALLOW, build_default) != 0
            || profile(argv[1], "strict", SCMP_ACT_KILL_PROCESS, build_strict) != 0) {
        return 1;
    }
    return 0;
}
