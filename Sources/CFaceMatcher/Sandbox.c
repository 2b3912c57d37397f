// The matcher's sandbox (docs/face-check.md): entered after the models are loaded, before the first
// untrusted image is read. From then on the process reads requests on stdin, writes answers on
// stdout (and sentences on stderr) and computes. The seccomp filter is an allow list of exactly
// that (taken from `strace -f` of the real-matcher tests: brk, mmap, munmap, mbind, read, poll,
// write, gettid, exit_group) plus what the C and Swift runtimes need to grow memory, fail or
// abort; everything else (sockets, opening any file, exec, fork, ptrace…) answers EPERM. Memory
// is never mapped executable. The matcher is single-threaded; threads would be refused.
#define _GNU_SOURCE
#include "CFaceMatcher.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

static int fail(char *error, size_t length, const char *what, int code) {
    if (error != NULL && length > 0) snprintf(error, length, "%s: %s", what, strerror(code < 0 ? -code : code));
    return -1;
}

int cfm_sandbox_enter(uint64_t address_space_limit, char *error, size_t error_length) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail(error, error_length, "PR_SET_NO_NEW_PRIVS", errno);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return fail(error, error_length, "PR_SET_DUMPABLE", errno);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    if (address_space_limit > 0) {
        struct rlimit limit = {address_space_limit, address_space_limit};
        if (setrlimit(RLIMIT_AS, &limit) != 0) return fail(error, error_length, "RLIMIT_AS", errno);
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (ctx == NULL) return fail(error, error_length, "seccomp_init", ENOMEM);
    const uint32_t allow = SCMP_ACT_ALLOW;
    int rc = 0;
    const int allowed[] = {
        // memory (mapped without PROT_EXEC: below)
        SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(mbind),
        // the request channel (fds limited below)
        SCMP_SYS(poll), SCMP_SYS(ppoll),
        // time, randomness (Swift's hashing seed), identity, scheduling
        SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(getrandom),
        SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
        SCMP_SYS(futex),
        // failing and ending: signals for abort() and traps, exit
        SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(sigaltstack),
        SCMP_SYS(tgkill), SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
        // stdio asks what its descriptors are; closing one is harmless
        SCMP_SYS(fstat), SCMP_SYS(close), SCMP_SYS(lseek),
    };
    for (size_t i = 0; rc == 0 && i < sizeof allowed / sizeof allowed[0]; ++i) rc = seccomp_rule_add(ctx, allow, allowed[i], 0);
    // Reading only stdin, writing only stdout and stderr.
    if (rc == 0) rc = seccomp_rule_add(ctx, allow, SCMP_SYS(read), 1, SCMP_A0(SCMP_CMP_EQ, 0));
    if (rc == 0) rc = seccomp_rule_add(ctx, allow, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1));
    if (rc == 0) rc = seccomp_rule_add(ctx, allow, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
    // glibc's fstat is newfstatat(fd, "", buf, AT_EMPTY_PATH): a descriptor, never a path.
    if (rc == 0)
        rc = seccomp_rule_add(ctx, allow, SCMP_SYS(newfstatat), 1, SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
    // Memory, never executable.
    if (rc == 0) rc = seccomp_rule_add(ctx, allow, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    if (rc == 0) rc = seccomp_rule_add(ctx, allow, SCMP_SYS(mprotect), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    if (rc == 0) rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) return fail(error, error_length, "seccomp", rc);
    return 0;
}
