/* Socket creation, modes and the connection calls on file descriptors. */
#include "posix.h"

#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int ps__posix_family_to_native(int family)
{
    switch (family) {
    case PS_AF_INET: return AF_INET;
    case PS_AF_INET6: return AF_INET6;
    case PS_AF_UNIX: return AF_UNIX;
    default: return -1;
    }
}

int ps__posix_family_from_native(int af)
{
    switch (af) {
    case AF_INET: return PS_AF_INET;
    case AF_INET6: return PS_AF_INET6;
    case AF_UNIX: return PS_AF_UNIX;
    default: return PS_EAFNOSUPPORT;
    }
}

int ps__posix_socket_defaults(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
        return ps__posix_error();
#ifdef SO_NOSIGPIPE
    {
        /* macOS has no MSG_NOSIGNAL: the socket itself must not raise SIGPIPE. */
        int on = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) < 0)
            return ps__posix_error();
    }
#endif
    return 0;
}

int ps__posix_set_nonblocking(int h, int on)
{
    /* FIONBIO is one system call where F_GETFL + F_SETFL are two. */
    int value = on != 0;
    if (ioctl(h, FIONBIO, &value) < 0)
        return ps__posix_error();
    return 0;
}

int ps__sys_socket(ps_native *out, int family, int type, int protocol, int nonblocking)
{
    int af = ps__posix_family_to_native(family);
    int st = type == PS_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM;
    int fd, rc;
    if (af < 0)
        return PS_EAFNOSUPPORT;
#ifdef PS__HAVE_ATOMIC_CLOEXEC
    /* Atomic: no other thread's fork+exec can inherit the descriptor. */
    fd = socket(af, st | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), protocol);
    if (fd < 0)
        return ps__posix_error();
#else
    fd = socket(af, st, protocol);
    if (fd < 0)
        return ps__posix_error();
    rc = ps__posix_socket_defaults(fd);
    if (rc == 0 && nonblocking)
        rc = ps__posix_set_nonblocking(fd, 1);
    if (rc < 0) {
        close(fd);
        return rc;
    }
#endif
    (void)rc;
    *out = fd;
    return 0;
}

int ps__sys_close(ps_native h)
{
    /* After EINTR the descriptor is gone on Linux and unspecified elsewhere:
     * retrying could close a descriptor another thread just opened. */
    if (close(h) < 0 && errno != EINTR)
        return ps__posix_error();
    return 0;
}

int ps__sys_socket_info(ps_native h, int *family, int *type)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(int);
    int st = 0, rc;
    if (getsockopt(h, SOL_SOCKET, SO_TYPE, &st, &len) < 0)
        return ps__posix_error();
    if (st != SOCK_STREAM && st != SOCK_DGRAM)
        return PS_ENOTSUP;
    len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getsockname(h, (struct sockaddr *)&ss, &len) < 0)
        return ps__posix_error();
    rc = ps__posix_family_from_native(ss.ss_family);
    if (rc < 0)
        return rc;
#ifdef SO_NOSIGPIPE
    rc = ps__posix_socket_defaults(h);
    if (rc < 0)
        return rc;
#endif
    *family = ps__posix_family_from_native(ss.ss_family);
    *type = st == SOCK_STREAM ? PS_SOCK_STREAM : PS_SOCK_DGRAM;
    return 0;
}

int ps__sys_somaxconn(void)
{
    return SOMAXCONN;
}

int ps__sys_bind(ps_native h, const ps_addr *a)
{
    if (bind(h, (const struct sockaddr *)a->storage.bytes, (socklen_t)a->len) < 0)
        return ps__posix_error();
    return 0;
}

int ps__sys_listen(ps_native h, int backlog)
{
    if (listen(h, backlog) < 0)
        return ps__posix_error();
    return 0;
}

int ps__sys_accept(ps_native h, ps_native *conn, ps_addr *peer, int nonblocking,
                   int listener_nonblocking)
{
    socklen_t len = peer ? (socklen_t)sizeof peer->storage : 0;
    struct sockaddr *sa = peer ? (struct sockaddr *)peer->storage.bytes : NULL;
    int fd, rc;
#ifdef PS__HAVE_ATOMIC_CLOEXEC
    fd = accept4(h, sa, peer ? &len : NULL, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
#else
    fd = accept(h, sa, peer ? &len : NULL);
#endif
    if (fd < 0)
        return ps__posix_try_error();
#ifndef PS__HAVE_ATOMIC_CLOEXEC
    /* The BSD family hands the listener's O_NONBLOCK on to the new socket. */
    rc = ps__posix_socket_defaults(fd);
    if (rc == 0)
        rc = ps__posix_set_nonblocking(fd, nonblocking);
    if (rc < 0) {
        close(fd);
        return rc;
    }
#endif
    (void)rc;
    /* Unused: accept4 sets the mode in the same call, and without it the
     * mode is always set (not every such system hands O_NONBLOCK on). */
    (void)listener_nonblocking;
    if (peer)
        peer->len = (uint32_t)len;
    *conn = fd;
    return 0;
}

int ps__sys_socket_error(ps_native h, int *native)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(h, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        *native = 0;
        return ps__posix_error();
    }
    *native = err;
    return ps__sys_error_from_native(err);
}

int ps__sys_connect(ps_native h, const ps_addr *a, int *native)
{
    if (connect(h, (const struct sockaddr *)a->storage.bytes, (socklen_t)a->len) == 0) {
        *native = 0;
        return 0;
    }
    *native = errno;
    return ps__posix_try_error();
}

/* peer != 0: getpeername, else getsockname. */
static int ps__name(ps_native h, ps_addr *out, int peer)
{
    struct sockaddr *sa = (struct sockaddr *)out->storage.bytes;
    socklen_t len = sizeof out->storage;
    int rc;
    memset(out, 0, sizeof *out);
    rc = peer ? getpeername(h, sa, &len) : getsockname(h, sa, &len);
    if (rc < 0)
        return ps__posix_error();
    out->len = (uint32_t)len;
    return 0;
}

int ps__sys_getsockname(ps_native h, ps_addr *out)
{
    return ps__name(h, out, 0);
}

int ps__sys_getpeername(ps_native h, ps_addr *out)
{
    return ps__name(h, out, 1);
}

int ps__sys_shutdown(ps_native h, int how)
{
    int native = how == PS_SHUT_RD ? SHUT_RD : how == PS_SHUT_WR ? SHUT_WR : SHUT_RDWR;
    if (shutdown(h, native) < 0)
        return ps__posix_error();
    return 0;
}
