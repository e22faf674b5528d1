/* Duplicates, inheritance (FD_CLOEXEC) and AF_UNIX pairs. */
#include "posix.h"

#include <fcntl.h>
#include <unistd.h>

int ps__sys_dup(ps_native h, ps_native *out)
{
    /* Atomic close-on-exec: no other thread's fork+exec can inherit it. */
    int fd = fcntl(h, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return ps__posix_error();
    *out = fd;
    return 0;
}

int ps__sys_get_inheritable(ps_native h)
{
    int flags = fcntl(h, F_GETFD);
    if (flags < 0)
        return ps__posix_error();
    return !(flags & FD_CLOEXEC);
}

int ps__sys_set_inheritable(ps_native h, int on)
{
    int flags = fcntl(h, F_GETFD);
    if (flags < 0)
        return ps__posix_error();
    flags = on ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC;
    if (fcntl(h, F_SETFD, flags) < 0)
        return ps__posix_error();
    return 0;
}

int ps__sys_socketpair(ps_native pair[2], int type, int nonblocking)
{
    int st = type == PS_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM;
    int fds[2], i, rc = 0;
#ifdef PS__HAVE_ATOMIC_CLOEXEC
    if (socketpair(AF_UNIX, st | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0, fds) < 0)
        return ps__posix_error();
#else
    if (socketpair(AF_UNIX, st, 0, fds) < 0)
        return ps__posix_error();
    for (i = 0; i < 2 && rc == 0; i++) {
        rc = ps__posix_socket_defaults(fds[i]);
        if (rc == 0 && nonblocking)
            rc = ps__posix_set_nonblocking(fds[i], 1);
    }
    if (rc < 0) {
        close(fds[0]);
        close(fds[1]);
        return rc;
    }
#endif
    (void)i;
    (void)rc;
    pair[0] = fds[0];
    pair[1] = fds[1];
    return 0;
}
