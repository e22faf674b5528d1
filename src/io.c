/* The data calls, each a try function run by ps__run: a ready socket costs
 * exactly one system call, in every timeout mode. */
#include "core.h"

/* Lengths are returned as ptrdiff_t, so a longer request cannot be reported. */
static int ps__check_buffer(const ps_socket *s, const void *buf, size_t len, int flags)
{
    if (!s || (!buf && len > 0) || len > (size_t)PTRDIFF_MAX)
        return PS_EINVAL;
    if (flags & ~PS__MSG_IN_FLAGS)
        return PS_EINVAL;
    return 0;
}

typedef struct ps__xfer {
    void *into;       /* recv */
    const void *from; /* send */
    size_t len;
    int flags;
    ps_addr *source;   /* recv, may be NULL */
    const ps_addr *to; /* send, may be NULL */
} ps__xfer;

PS__HOT static ptrdiff_t ps__try_recv(ps_socket *s, void *ctx, int dontwait)
{
    ps__xfer *x = (ps__xfer *)ctx;
    return ps__sys_recv(s->h, x->into, x->len, x->flags | (dontwait ? PS__MSG_DONTWAIT : 0),
                        x->source);
}

PS__HOT static ptrdiff_t ps__try_send(ps_socket *s, void *ctx, int dontwait)
{
    ps__xfer *x = (ps__xfer *)ctx;
    return ps__sys_send(s->h, x->from, x->len, x->flags | (dontwait ? PS__MSG_DONTWAIT : 0), x->to);
}

PS__HOT ptrdiff_t ps_recvfrom(ps_socket *s, void *buf, size_t len, int flags, ps_addr *from)
{
    ps__deadline d = PS__DEADLINE_INIT;
    ps__xfer x;
    int rc = ps__check_buffer(s, buf, len, flags);
    if (rc < 0)
        return rc;
    /* As CPython: nothing asked, nothing waited for (a blocking recv of 0
     * bytes would sleep until data came). */
    if (len == 0)
        return 0;
    x.into = buf;
    x.len = len;
    x.flags = flags;
    x.source = from;
    return ps__run_inline(s, PS__WAIT_READ, ps__try_recv, &x, &d);
}

PS__HOT ptrdiff_t ps_recv(ps_socket *s, void *buf, size_t len, int flags)
{
    return ps_recvfrom(s, buf, len, flags, NULL);
}

/* One send under the deadline d, shared by every piece of a ps_sendall. */
PS__HOT static ptrdiff_t ps__send_until(ps_socket *s, const void *buf, size_t len, int flags,
                                        const ps_addr *to, ps__deadline *d)
{
    ps__xfer x;
    x.from = buf;
    x.len = len;
    x.flags = flags;
    x.to = to;
    return ps__run_inline(s, PS__WAIT_WRITE, ps__try_send, &x, d);
}

PS__HOT ptrdiff_t ps_sendto(ps_socket *s, const void *buf, size_t len, int flags, const ps_addr *to)
{
    ps__deadline d = PS__DEADLINE_INIT;
    int rc = ps__check_buffer(s, buf, len, flags);
    if (rc < 0)
        return rc;
    /* A destination of no family portsock knows is an unknown constant, as
     * for ps_bind and ps_connect; the OS would answer it as it pleases. */
    if (to && (to->len == 0 || to->len > sizeof to->storage || ps__sys_addr_family(to) < 0))
        return PS_EINVAL;
    return ps__send_until(s, buf, len, flags, to, &d);
}

PS__HOT ptrdiff_t ps_send(ps_socket *s, const void *buf, size_t len, int flags)
{
    return ps_sendto(s, buf, len, flags, NULL);
}

PS__HOT int ps_sendall(ps_socket *s, const void *buf, size_t len, int flags, size_t *sent)
{
    ps__deadline d = PS__DEADLINE_INIT;
    const char *p = (const char *)buf;
    size_t done = 0;
    ptrdiff_t n = 0;
    int rc = ps__check_buffer(s, buf, len, flags);
    if (sent)
        *sent = 0;
    if (rc < 0)
        return rc;
    while (done < len) {
        n = ps__send_until(s, p + done, len - done, flags, NULL, &d);
        if (n < 0)
            break;
        done += (size_t)n;
    }
    if (sent)
        *sent = done;
    return n < 0 ? (int)n : 0;
}
