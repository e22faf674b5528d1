/* Python's timeout semantics: the per-socket timeout, the default for new
 * sockets, and the one loop that applies them to every operation. */
#include "core.h"

#include <math.h>

/* Like Python's socket.setdefaulttimeout(): process-wide, read when a socket
 * is created or accepted. Set it before other threads create sockets. */
static double ps__default_timeout = PS_TIMEOUT_NONE;

int ps__timeout_valid(double seconds)
{
    return seconds == PS_TIMEOUT_NONE || seconds == 0.0 || (isfinite(seconds) && seconds > 0.0);
}

int ps__apply_timeout(ps_socket *s, double old, double timeout)
{
    int rc = ps__sys_set_timeout(s->h, old, s->kernel_timed, timeout);
    if (rc < 0)
        return rc;
    s->kernel_timed = rc;
    s->timeout = timeout;
    return 0;
}

int ps_settimeout(ps_socket *s, double seconds)
{
    if (!s || !ps__timeout_valid(seconds))
        return PS_EINVAL;
    return ps__apply_timeout(s, s->timeout, seconds);
}

double ps_gettimeout(const ps_socket *s)
{
    return s ? s->timeout : (double)PS_EINVAL;
}

int ps_setblocking(ps_socket *s, int blocking)
{
    return ps_settimeout(s, blocking ? PS_TIMEOUT_NONE : 0.0);
}

int ps_getblocking(const ps_socket *s)
{
    if (!s)
        return PS_EINVAL;
    return s->timeout != 0.0;
}

void ps_setdefaulttimeout(double seconds)
{
    if (ps__timeout_valid(seconds))
        ps__default_timeout = seconds;
}

double ps_getdefaulttimeout(void)
{
    return ps__default_timeout;
}

double ps__deadline_left(ps__deadline *d, double timeout)
{
    double now;
    if (timeout <= 0.0)
        return timeout;
    now = ps__sys_monotonic();
    if (d->at < 0.0)
        d->at = now + timeout;
    return d->at > now ? d->at - now : 0.0;
}

int ps__wait_until(double timeout, int (*wait)(void *ctx, double left), void *ctx)
{
    ps__deadline d = PS__DEADLINE_INIT;
    for (;;) {
        double left = ps__deadline_left(&d, timeout);
        int rc;
        if (timeout > 0.0 && left == 0.0)
            return 0;
        rc = wait(ctx, left);
        if (rc != 0 || timeout == 0.0)
            return rc;
    }
}

/* Kernel-timed sockets: cuts the kernel's timeout for `events` to the time
 * left until d, or says the time is up. */
static int ps__narrow(const ps_socket *s, int events, ps__deadline *d)
{
    double left = d->at - ps__sys_monotonic();
    int rc;
    if (left <= 0.0)
        return PS_ETIMEDOUT;
    rc = ps__sys_set_op_timeout(s->h, events, left);
    if (rc < 0)
        return rc;
    d->narrowed |= events;
    return 0;
}

/* The timeout policy, after a try on s gave PS_EAGAIN or PS__EINTR (`why`):
 * 0 to try again (after waiting for `events` with the time left, where
 * the socket is wait-timed), or the error that ends the operation. */
static int ps__await(const ps_socket *s, int events, ps__deadline *d, ptrdiff_t why)
{
    double left;
    int rc;
    if (why == PS__EINTR)
        return s->kernel_timed ? ps__narrow(s, events, d) : 0;
    /* Non-blocking sockets report PS_EAGAIN as it is. So does a blocking one:
     * its EAGAIN came from a native receive timeout the caller set. */
    if (s->timeout <= 0.0)
        return PS_EAGAIN;
    /* The kernel has waited for all the time there was. */
    if (s->kernel_timed)
        return PS_ETIMEDOUT;
    left = ps__deadline_left(d, s->timeout);
    if (left == 0.0)
        return PS_ETIMEDOUT;
    rc = ps__sys_wait(s->h, events, left);
    if (rc < 0)
        return rc;
    /* Time up and still not ready: no point trying the operation again. */
    if (rc == 0 && ps__deadline_left(d, s->timeout) == 0.0)
        return PS_ETIMEDOUT;
    return 0;
}

PS__HOT ptrdiff_t ps__run(ps_socket *s, int events, ps__try_fn try_op, void *ctx, ps__deadline *d)
{
    int rc;
    /* A later piece of a kernel-timed operation (the clock started before
     * its first try): the kernel's timeout is cut to the rest. */
    if (s->kernel_timed && d->at >= 0.0) {
        if ((rc = ps__narrow(s, events, d)) < 0)
            return rc;
        return ps__run_after(s, events, try_op, ctx, d, try_op(s, ctx));
    }
    return ps__run_inline(s, events, try_op, ctx, d);
}

PS__HOT ptrdiff_t ps__run_after(ps_socket *s, int events, ps__try_fn try_op, void *ctx,
                                ps__deadline *d, ptrdiff_t n)
{
    int rc;
    while (n == PS_EAGAIN || n == PS__EINTR) {
        if ((rc = ps__await(s, events, d, n)) < 0) {
            n = rc;
            break;
        }
        n = try_op(s, ctx);
    }
    if (d->narrowed) {
        /* Cannot fail on a socket the try just used; if it did, the next
         * operation would only time out early: never lose n for it. */
        ps__sys_set_op_timeout(s->h, d->narrowed, s->timeout);
        d->narrowed = 0;
    }
    return n;
}
