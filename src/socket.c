/* The socket object: creation, identity, lifetime, and the calls that set up
 * or describe a connection. The data calls are in io.c. */
#include "core.h"

#include <stdlib.h>

static int ps__family_known(int family)
{
    return family == PS_AF_INET || family == PS_AF_INET6 || family == PS_AF_UNIX;
}

static int ps__type_known(int type)
{
    return type == PS_SOCK_STREAM || type == PS_SOCK_DGRAM;
}

/* Creation and accept make sockets blocking, or non-blocking for 0.0 in
 * the same system call; a positive timeout is applied afterwards. */
static int ps__nonblocking_at_birth(double timeout)
{
    return timeout == 0.0;
}

int ps__socket_wrap(ps_socket **out, ps_native h, int family, int type, double timeout)
{
    ps_socket *s = (ps_socket *)ps__malloc(sizeof *s);
    if (!s)
        return PS_ENOMEM;
    s->h = h;
    s->family = family;
    s->type = type;
    s->timeout = timeout;
    s->kernel_timed = 0;
    s->shared = 0;
    s->refs = 1;
    s->detached = 0;
    s->reg = NULL;
    *out = s;
    return 0;
}

int ps_socket_open(ps_socket **out, int family, int type, int protocol)
{
    double timeout = ps_getdefaulttimeout();
    ps_native h;
    int rc;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (family == PS_AF_UNSPEC)
        return PS_EAFNOSUPPORT; /* a known family that names no socket, as the OS says */
    if (!ps__family_known(family) || !ps__type_known(type) || protocol < 0)
        return PS_EINVAL;
    rc = ps__sys_socket(&h, family, type, protocol, ps__nonblocking_at_birth(timeout));
    if (rc < 0)
        return rc;
    rc = ps__socket_wrap(out, h, family, type, PS_TIMEOUT_NONE);
    if (rc == 0 && timeout != PS_TIMEOUT_NONE)
        rc = ps__apply_timeout(*out, ps__nonblocking_at_birth(timeout) ? 0.0 : PS_TIMEOUT_NONE,
                               timeout);
    if (rc < 0) {
        if (*out)
            ps__socket_release(*out);
        else
            ps__sys_close(h);
        *out = NULL;
    }
    return rc;
}

int ps__socket_release(ps_socket *s)
{
    int rc = 0;
    if (--s->refs > 0)
        return 0;
    if (!s->detached)
        rc = ps__sys_close(s->h);
    ps__free(s);
    return rc;
}

int ps_close(ps_socket *s)
{
    if (!s)
        return PS_EINVAL;
    ps__selector_forget(s);
    return ps__socket_release(s);
}

ps_native ps_detach(ps_socket *s)
{
    ps_native h;
    if (!s)
        return PS_INVALID_NATIVE;
    h = s->h;
    /* As Python leaves it: non-blocking exactly when a timeout is set, and
     * none of portsock's kernel timeouts left behind (a later plain recv
     * would fail with EAGAIN after them). Best effort: the handle is the
     * caller's now whatever happens. */
    ps__sys_set_timeout(h, ps__unknown_mode(), ps__load_int(&s->kernel_timed),
                        ps__load_double(&s->timeout), 1);
    ps__selector_forget(s);
    s->detached = 1;
    ps__socket_release(s);
    return h;
}

ps_native ps_fileno(const ps_socket *s)
{
    return s ? s->h : PS_INVALID_NATIVE;
}

int ps_family(const ps_socket *s)
{
    return s ? s->family : PS_EINVAL;
}

int ps_type(const ps_socket *s)
{
    return s ? s->type : PS_EINVAL;
}

/* An address must be non-empty and of the socket's own family: the OS would
 * read a sockaddr of another family as garbage of the expected size. */
static int ps__check_addr(const ps_socket *s, const ps_addr *a)
{
    int family;
    if (!s || !a || a->len == 0 || a->len > sizeof a->storage)
        return PS_EINVAL;
    family = ps__sys_addr_family(a);
    if (family < 0)
        return family;
    return family == s->family ? 0 : PS_EAFNOSUPPORT;
}

int ps_bind(ps_socket *s, const ps_addr *a)
{
    int rc = ps__check_addr(s, a);
    return rc < 0 ? rc : ps__sys_bind(s->h, a);
}

int ps_listen(ps_socket *s, int backlog)
{
    int somaxconn;
    if (!s)
        return PS_EINVAL;
    if (s->type != PS_SOCK_STREAM)
        return PS_ENOTSUP;
    if (backlog == PS_BACKLOG_DEFAULT) {
        somaxconn = ps__sys_somaxconn();
        backlog = somaxconn < 128 ? somaxconn : 128;
    } else if (backlog < 0) {
        backlog = 0;
    }
    return ps__sys_listen(s->h, backlog);
}

typedef struct ps__accept_call {
    ps_native h;
    ps_addr *peer;
    int nonblocking;
    /* The listener's native mode as portsock set it; -1 when a sharer may
     * have changed it. */
    int listener_nonblocking;
} ps__accept_call;

static ptrdiff_t ps__try_accept(ps_socket *s, void *ctx, int dontwait)
{
    ps__accept_call *c = (ps__accept_call *)ctx;
    (void)dontwait; /* accept has no per-call flag: PS__RUN_MODE_BOUND */
    return ps__sys_accept(s->h, &c->h, c->peer, c->nonblocking, c->listener_nonblocking);
}

int ps_accept(ps_socket *s, ps_socket **conn, ps_addr *peer)
{
    ps__deadline d = PS__DEADLINE_INIT;
    double timeout = ps_getdefaulttimeout();
    ps__accept_call c;
    int rc;
    if (!s || !conn)
        return PS_EINVAL;
    *conn = NULL;
    c.peer = peer;
    c.nonblocking = ps__nonblocking_at_birth(timeout);
    c.listener_nonblocking =
        ps__load_int(&s->shared)
            ? -1
            : ps__mode_nonblocking(ps__load_double(&s->timeout), ps__load_int(&s->kernel_timed));
    rc = (int)ps__run(s, PS__WAIT_READ | PS__RUN_MODE_BOUND, ps__try_accept, &c, &d);
    if (rc < 0)
        return rc;
    rc = ps__socket_wrap(conn, c.h, s->family, s->type, c.nonblocking ? 0.0 : PS_TIMEOUT_NONE);
    if (rc < 0) {
        ps__sys_close(c.h);
        return rc;
    }
    /* The new socket takes the default timeout, not the listener's, though
     * Linux hands the listener's kernel timeouts on to it: portsock's, or,
     * on a shared listener, maybe another user's (cleared all the same). */
    (*conn)->kernel_timed = ps__load_int(&s->kernel_timed) || ps__load_int(&s->shared);
    if (timeout > 0.0 || (*conn)->kernel_timed)
        rc = ps__apply_timeout(*conn, (*conn)->timeout, timeout);
    if (rc < 0) {
        ps__socket_release(*conn);
        *conn = NULL;
    }
    return rc;
}

/* One look at a connect under way (non-blocking, interrupted by a signal,
 * or past a kernel timeout that the mode let through): PS_EAGAIN while the
 * socket is not writable yet (on Windows: and reports no exception), then
 * its outcome, the pending error. ctx: the OS's error number, for
 * connect_ex. */
static ptrdiff_t ps__try_connected(ps_socket *s, void *ctx, int dontwait)
{
    int rc = ps__sys_wait(s->h, PS__WAIT_WRITE, 0.0);
    (void)dontwait;
    if (rc == 0)
        return PS_EAGAIN;
    if (rc < 0)
        return rc;
    return ps__sys_socket_error(s->h, (int *)ctx);
}

static int ps__connect(ps_socket *s, const ps_addr *a, int *native)
{
    ps__deadline d = PS__DEADLINE_INIT;
    int rc = ps__check_addr(s, a);
    if (rc < 0) {
        *native = 0; /* found by portsock, not the OS: no OS number */
        return rc;
    }
    /* The whole connect is bounded, whoever does the waiting. */
    ps__begin(s, PS__WAIT_WRITE | PS__RUN_MODE_BOUND, &d);
    if (d.timeout > 0.0)
        ps__deadline_left(&d, d.timeout);
    rc = ps__sys_connect(s->h, a, native);
    if (rc == PS__EINTR || (rc == PS_EINPROGRESS && d.timeout != 0.0)) {
        /* A kernel-timed connect's EINPROGRESS after its deadline is a time
         * out; before it (the socket was non-blocking after all) it is
         * waited for like any other. */
        *native = 0;
        rc = (int)ps__run_after(s, PS__WAIT_WRITE | PS__RUN_LOOKS, ps__try_connected, native, &d,
                                PS_EAGAIN);
        if (rc == PS_EAGAIN)
            rc = PS_EINPROGRESS; /* 0.0 interrupted: still under way */
        if (rc < 0 && *native == 0)
            *native = ps__sys_native_from_error(rc);
    }
    return rc;
}

int ps_connect(ps_socket *s, const ps_addr *a)
{
    int native;
    return ps__connect(s, a, &native);
}

int ps_connect_ex(ps_socket *s, const ps_addr *a)
{
    int native = 0;
    int rc = ps__connect(s, a, &native);
    if (rc >= 0)
        return 0;
    /* Errors found before any system call have no OS number of their own. */
    return native != 0 ? native : rc;
}

int ps_getsockname(ps_socket *s, ps_addr *out)
{
    if (!s || !out)
        return PS_EINVAL;
    return ps__sys_getsockname(s->h, out);
}

int ps_getpeername(ps_socket *s, ps_addr *out)
{
    if (!s || !out)
        return PS_EINVAL;
    return ps__sys_getpeername(s->h, out);
}

int ps_shutdown(ps_socket *s, int how)
{
    if (!s || (how != PS_SHUT_RD && how != PS_SHUT_WR && how != PS_SHUT_RDWR))
        return PS_EINVAL;
    return ps__sys_shutdown(s->h, how);
}
