/* recvmsg / sendmsg on file descriptors. */
#include "posix.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef MSG_NOSIGNAL
#define PS__NOSIGNAL MSG_NOSIGNAL
#else
#define PS__NOSIGNAL 0
#endif

#define PS__IOV_STACK 64

/* ps_iovec -> struct iovec, on the stack when there are few. */
static struct iovec *ps__iov(const ps_msg *msg, struct iovec *stack)
{
    struct iovec *iov = stack;
    size_t i;
    if (msg->iovlen > PS__IOV_STACK &&
        !(iov = (struct iovec *)ps__malloc(msg->iovlen * sizeof *iov)))
        return NULL;
    for (i = 0; i < msg->iovlen; i++) {
        iov[i].iov_base = msg->iov[i].base;
        iov[i].iov_len = msg->iov[i].len;
    }
    return iov;
}

#ifndef MSG_CMSG_CLOEXEC
/* Without MSG_CMSG_CLOEXEC, received descriptors get FD_CLOEXEC here; if
 * that fails they are all closed, never leaked. */
static int ps__received_fds_cloexec(const ps_msg *msg)
{
    const ps_cmsg *c;
    int rc = 0;
    for (c = ps__sys_cmsg_first(msg); c; c = ps__sys_cmsg_next(msg, c)) {
        ps_native fds[PS__CMSG_FDS_MAX];
        int i, n;
        if (ps__sys_cmsg_kind(c) != PS_SCM_RIGHTS)
            continue;
        n = ps__sys_cmsg_get_fds(c, fds, PS__CMSG_FDS_MAX);
        for (i = 0; i < n && i < PS__CMSG_FDS_MAX; i++) {
            if (rc == 0 && fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0)
                rc = ps__posix_error();
        }
    }
    if (rc < 0) {
        for (c = ps__sys_cmsg_first(msg); c; c = ps__sys_cmsg_next(msg, c)) {
            ps_native fds[PS__CMSG_FDS_MAX];
            int i, n;
            if (ps__sys_cmsg_kind(c) != PS_SCM_RIGHTS)
                continue;
            n = ps__sys_cmsg_get_fds(c, fds, PS__CMSG_FDS_MAX);
            for (i = 0; i < n && i < PS__CMSG_FDS_MAX; i++)
                close(fds[i]);
        }
    }
    return rc;
}
#endif

ptrdiff_t ps__sys_recvmsg(ps_native h, ps_msg *msg, int flags, int type)
{
    struct iovec stack[PS__IOV_STACK], *iov = ps__iov(msg, stack);
    struct msghdr mh;
    int native = ps__posix_msg_flags(flags);
    ssize_t n;
    if (!iov)
        return PS_ENOMEM;
    ps__add_u64(
        &ps__posix_diag[type == PS_SOCK_STREAM ? PS_DIAG_RECVMSG_STREAM : PS_DIAG_RECVMSG_DGRAM],
        1);
#ifdef MSG_CMSG_CLOEXEC
    native |= MSG_CMSG_CLOEXEC; /* atomic: no fork+exec can inherit them */
#endif
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = msg->iovlen;
    mh.msg_name = msg->addr ? msg->addr->storage.bytes : NULL;
    mh.msg_namelen = msg->addr ? (socklen_t)sizeof msg->addr->storage : 0;
    mh.msg_control = msg->controllen ? msg->control : NULL;
    mh.msg_controllen = msg->controllen;
    n = recvmsg(h, &mh, native);
    if (iov != stack)
        ps__free(iov);
    if (n < 0)
        return ps__posix_try_error();
    msg->flags = ((mh.msg_flags & MSG_TRUNC) ? PS_MSG_TRUNC : 0) |
                 ((mh.msg_flags & MSG_CTRUNC) ? PS_MSG_CTRUNC : 0);
    msg->controllen = mh.msg_control ? (size_t)mh.msg_controllen : 0;
    if (msg->addr)
        msg->addr->len = (uint32_t)mh.msg_namelen;
#ifndef MSG_CMSG_CLOEXEC
    {
        int rc = ps__received_fds_cloexec(msg);
        if (rc < 0)
            return rc;
    }
#endif
    return (ptrdiff_t)n;
}

ptrdiff_t ps__sys_sendmsg(ps_native h, const ps_msg *msg, int flags, int type)
{
    struct iovec stack[PS__IOV_STACK], *iov = ps__iov(msg, stack);
    struct msghdr mh;
    int native = ps__posix_msg_flags(flags) | PS__NOSIGNAL;
    ssize_t n;
    (void)type;
    if (!iov)
        return PS_ENOMEM;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = msg->iovlen;
    mh.msg_name = msg->addr ? (void *)msg->addr->storage.bytes : NULL;
    mh.msg_namelen = msg->addr ? (socklen_t)msg->addr->len : 0;
    mh.msg_control = msg->controllen ? msg->control : NULL;
    mh.msg_controllen = msg->controllen;
    n = sendmsg(h, &mh, native);
    if (n < 0)
        n = ps__posix_try_error();
    if (iov != stack)
        ps__free(iov);
    return (ptrdiff_t)n;
}
