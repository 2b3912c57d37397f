// The matcher's sandbox (docs/face-check.md): entered after the models are loaded, before the first
// untrusted image is read. A deny list on top of the default (the process only reads its stdin,
// writes its stdout and computes): no sockets, no file opened for writing, no file created,
// renamed or removed, no exec, no new process (threads stay allowed for OpenBLAS).
#define _GNU_SOURCE
#include "CFaceMatcher.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
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
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) return fail(error, error_length, "seccomp_init", ENOMEM);
    const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
    int rc = 0;
    const int denied[] = {
        SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
        SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork),
        SCMP_SYS(vfork), SCMP_SYS(creat), SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename),
        SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir),
        SCMP_SYS(truncate), SCMP_SYS(link), SCMP_SYS(linkat), SCMP_SYS(symlink), SCMP_SYS(symlinkat),
        SCMP_SYS(chmod), SCMP_SYS(fchmodat), SCMP_SYS(chown), SCMP_SYS(fchownat), SCMP_SYS(ptrace),
        SCMP_SYS(process_vm_writev), SCMP_SYS(mount), SCMP_SYS(open_by_handle_at), SCMP_SYS(memfd_create),
    };
    for (size_t i = 0; rc == 0 && i < sizeof denied / sizeof denied[0]; ++i) rc = seccomp_rule_add(ctx, deny, denied[i], 0);
    // openat2 takes its flags in a structure the filter cannot read: refused as unknown, so that
    // a caller falls back to openat, whose flags are checked below.
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
    // A new process (clone without CLONE_THREAD) is refused; threads stay allowed.
    if (rc == 0) rc = seccomp_rule_add(ctx, deny, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    const unsigned long writing[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND};
    for (size_t i = 0; rc == 0 && i < sizeof writing / sizeof writing[0]; ++i) {
        rc = seccomp_rule_add(ctx, deny, SCMP_SYS(open), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, writing[i], writing[i]));
        if (rc == 0)
            rc = seccomp_rule_add(ctx, deny, SCMP_SYS(openat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, writing[i], writing[i]));
    }
    if (rc == 0) rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) return fail(error, error_length, "seccomp", rc);
    return 0;
}
