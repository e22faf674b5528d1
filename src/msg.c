/* ps_sendmsg / ps_recvmsg and the control-message helpers: checks here,
 * the platform's layouts in the backend. */
#include "core.h"

#include <limits.h>

#define PS__MSG_KNOWN_FLAGS PS__MSG_IN_FLAGS

/* The longest control buffer ps_recvmsg / ps_sendmsg take (portsock.h). */
#define PS__CONTROL_MAX ((size_t)INT_MAX)

/* Buffers: at most PS_IOV_MAX, no NULL base with a length, and a total that
 * a ptrdiff_t result can report. */
static int ps__msg_check(const ps_socket *s, const ps_msg *msg, int flags)
{
    size_t i, total = 0;
    if (!s || !msg || (flags & ~PS__MSG_KNOWN_FLAGS))
        return PS_EINVAL;
    if ((!msg->iov && msg->iovlen > 0) || msg->iovlen > PS_IOV_MAX)
        return PS_EINVAL;
    /* As the data lengths: an absurd ancillary length is refused before any
     * system call (Winsock's Control.len is a ULONG, Linux refuses more
     * than INT_MAX for sendmsg: one limit for both). */
    if ((!msg->control && msg->controllen > 0) || msg->controllen > PS__CONTROL_MAX)
        return PS_EINVAL;
    for (i = 0; i < msg->iovlen; i++) {
        if (!msg->iov[i].base && msg->iov[i].len > 0)
            return PS_EINVAL;
        if (msg->iov[i].len > (size_t)PTRDIFF_MAX - total)
            return PS_EINVAL;
        total += msg->iov[i].len;
    }
    return 0;
}

typedef struct ps__msg_call {
    ps_msg *in;        /* recvmsg */
    const ps_msg *out; /* sendmsg */
    size_t capacity;   /* recvmsg: the control buffer's size, for each try */
    int flags;
} ps__msg_call;

static ptrdiff_t ps__try_recvmsg(ps_socket *s, void *ctx, int dontwait)
{
    ps__msg_call *c = (ps__msg_call *)ctx;
    c->in->controllen = c->capacity;
    c->in->flags = 0;
    return ps__sys_recvmsg(s->h, c->in, c->flags | (dontwait ? PS__MSG_DONTWAIT : 0), s->type);
}

static ptrdiff_t ps__try_sendmsg(ps_socket *s, void *ctx, int dontwait)
{
    ps__msg_call *c = (ps__msg_call *)ctx;
    return ps__sys_sendmsg(s->h, c->out, c->flags | (dontwait ? PS__MSG_DONTWAIT : 0), s->type);
}

ptrdiff_t ps_recvmsg(ps_socket *s, ps_msg *msg, int flags)
{
    ps__deadline d = PS__DEADLINE_INIT;
    ps__msg_call c;
    ptrdiff_t n;
    int rc = ps__msg_check(s, msg, flags);
    if (rc < 0)
        return rc;
    c.in = msg;
    c.out = NULL;
    c.capacity = msg->controllen;
    c.flags = flags;
    n = ps__run(s, PS__WAIT_READ, ps__try_recvmsg, &c, &d);
    if (n < 0)
        msg->controllen = 0;
    return n;
}

ptrdiff_t ps_sendmsg(ps_socket *s, const ps_msg *msg, int flags)
{
    ps__deadline d = PS__DEADLINE_INIT;
    ps__msg_call c;
    int rc = ps__msg_check(s, msg, flags);
    if (rc < 0)
        return rc;
    /* As ps_sendto: an address of no known family is PS_EINVAL. */
    if (msg->addr && (msg->addr->len == 0 || msg->addr->len > sizeof msg->addr->storage ||
                      ps__sys_addr_family(msg->addr) < 0))
        return PS_EINVAL;
    c.in = NULL;
    c.out = msg;
    c.capacity = 0;
    c.flags = flags;
    return ps__run(s, PS__WAIT_WRITE, ps__try_sendmsg, &c, &d);
}

size_t ps_cmsg_space(size_t datalen)
{
    return ps__sys_cmsg_space(datalen);
}

const ps_cmsg *ps_cmsg_first(const ps_msg *msg)
{
    if (!msg || !msg->control)
        return NULL;
    return ps__sys_cmsg_first(msg);
}

const ps_cmsg *ps_cmsg_next(const ps_msg *msg, const ps_cmsg *c)
{
    if (!msg || !msg->control || !c)
        return NULL;
    return ps__sys_cmsg_next(msg, c);
}

int ps_cmsg_kind(const ps_cmsg *c)
{
    return c ? ps__sys_cmsg_kind(c) : PS_EINVAL;
}

int ps_cmsg_native(const ps_cmsg *c, int *level, int *type, const void **data, size_t *len)
{
    if (!c || !level || !type || !data || !len)
        return PS_EINVAL;
    return ps__sys_cmsg_native(c, level, type, data, len);
}

int ps_cmsg_get_pktinfo(const ps_cmsg *c, ps_addr *dst)
{
    if (!c || !dst)
        return PS_EINVAL;
    return ps__sys_cmsg_get_pktinfo(c, dst);
}

int ps_cmsg_get_fds(const ps_cmsg *c, ps_native *fds, size_t max)
{
    if (!c || (!fds && max > 0))
        return PS_EINVAL;
    return ps__sys_cmsg_get_fds(c, fds, max);
}

/* The control buffer must hold what it already holds. */
static int ps__control_check(const ps_msg *msg, size_t capacity)
{
    if (!msg || !msg->control || msg->controllen > capacity)
        return PS_EINVAL;
    return 0;
}

int ps_cmsg_put_pktinfo(ps_msg *msg, size_t capacity, const ps_addr *src)
{
    int rc = ps__control_check(msg, capacity);
    if (rc < 0 || !src || src->len == 0 || src->len > sizeof src->storage)
        return rc < 0 ? rc : PS_EINVAL;
    return ps__sys_cmsg_put_pktinfo(msg, capacity, src);
}

int ps_cmsg_put_fds(ps_msg *msg, size_t capacity, const ps_native *fds, size_t n)
{
    int rc = ps__control_check(msg, capacity);
    if (rc < 0 || !fds || n == 0 || n > PS__CMSG_FDS_MAX)
        return rc < 0 ? rc : PS_EINVAL;
    return ps__sys_cmsg_put_fds(msg, capacity, fds, n);
}
