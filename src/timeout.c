/* Python's timeout semantics: the per-socket timeout, the default for new
 * sockets, and the one loop that applies them to every operation.
 *
 * Each operation takes its socket's timeout and mode once, when it begins
 * (ps__begin), and never changes socket-wide state to carry out its own
 * deadline: a signal, a second thread, a duplicate or adopted descriptor, or
 * a ps_settimeout from elsewhere cannot cut another call short or make it
 * wait past its deadline. A kernel-timed try that ends early (a signal, or
 * EAGAIN because someone made the socket non-blocking) finishes its
 * operation on the wait path: per-call non-blocking tries and waits for the
 * time left. A call without timeout that meets EAGAIN (a sharer made the
 * socket non-blocking, or set a kernel timeout) waits and tries again. */
#include "core.h"

#include <math.h>

/* Like Python's socket.setdefaulttimeout(): process-wide, read when a socket
 * is created or accepted, from any thread (atomic.h). */
static double ps__default_timeout = PS_TIMEOUT_NONE;

double ps__unknown_mode(void)
{
    volatile double zero = 0.0;
    return zero / zero;
}

int ps__timeout_valid(double seconds)
{
    return seconds == PS_TIMEOUT_NONE || seconds == 0.0 || (isfinite(seconds) && seconds > 0.0);
}

int ps__apply_timeout(ps_socket *s, double old, double timeout)
{
    int old_kernel = ps__load_int(&s->kernel_timed);
    double before = ps__load_double(&s->timeout);
    int rc;
    /* Calls that begin while the native mode changes take the wait path,
     * which per-call non-blocking tries make safe in any mode; kernel
     * timing is recorded only once the socket carries it. */
    ps__store_int(&s->kernel_timed, 0);
    ps__store_double(&s->timeout, timeout);
    rc = ps__sys_set_timeout(s->h, old, old_kernel, timeout, ps__load_int(&s->shared));
    if (rc < 0) {
        ps__store_double(&s->timeout, before);
        return rc;
    }
    ps__store_int(&s->kernel_timed, rc);
    return 0;
}

int ps_settimeout(ps_socket *s, double seconds)
{
    if (!s || !ps__timeout_valid(seconds))
        return PS_EINVAL;
    return ps__apply_timeout(s, ps__load_double(&s->timeout), seconds);
}

double ps_gettimeout(const ps_socket *s)
{
    return s ? ps__load_double(&s->timeout) : (double)PS_EINVAL;
}

int ps_setblocking(ps_socket *s, int blocking)
{
    return ps_settimeout(s, blocking ? PS_TIMEOUT_NONE : 0.0);
}

int ps_getblocking(const ps_socket *s)
{
    if (!s)
        return PS_EINVAL;
    return ps__load_double(&s->timeout) != 0.0;
}

int ps_setdefaulttimeout(double seconds)
{
    if (!ps__timeout_valid(seconds))
        return PS_EINVAL;
    ps__store_double(&ps__default_timeout, seconds);
    return 0;
}

double ps_getdefaulttimeout(void)
{
    return ps__load_double(&ps__default_timeout);
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

/* Stands for "no try yet" where ps__run waits before its first try. */
#define PS__WAIT_FIRST (-1001)

/* The timeout policy, after a try of the operation d on s gave PS_EAGAIN or
 * PS__EINTR (or before the first try: PS__WAIT_FIRST): 0 to try again
 * (after waiting for `events` with the time left, where there is something
 * to wait for), or the error that ends the operation. */
static int ps__await(const ps_socket *s, int events, ps__deadline *d, ptrdiff_t why)
{
    double left;
    int looks = (events & PS__RUN_LOOKS) != 0;
    int rc;
    /* A kernel-timed try ended: the time ran out, a signal came, or the
     * socket was made non-blocking underneath. The clock says which; the
     * rest of the operation waits here, with tries that cannot block. */
    if (d->kernel) {
        d->kernel = 0;
        d->dontwait = 1;
    }
    events &= PS__WAIT_READ | PS__WAIT_WRITE;
    if (d->timeout == 0.0) {
        if (why == PS__EINTR)
            return 0;
        if (why == PS__WAIT_FIRST) {
            rc = ps__sys_wait(s->h, events, 0.0);
            return rc < 0 ? rc : rc > 0 ? 0 : PS_EAGAIN;
        }
        return PS_EAGAIN;
    }
    if (d->timeout < 0.0) {
        /* No timeout: a signal is retried; EAGAIN means someone made the
         * socket non-blocking or gave it a kernel timeout, and this call
         * still waits until it can complete. */
        if (why == PS__EINTR)
            return 0;
        /* Unless the socket is blocking, nobody else uses it, and the
         * EAGAIN is the caller's own kernel timeout (ps_setsockopt_native),
         * which it reports as on POSIX (docs/windows-caveats.md). */
        if (why == PS_EAGAIN && !looks && !ps__load_int(&s->shared) &&
            ps__sys_is_nonblocking(s->h) == 0)
            return PS_EAGAIN;
        rc = ps__sys_wait(s->h, events, PS_TIMEOUT_NONE);
        return rc < 0 ? rc : 0;
    }
    left = ps__deadline_left(d, d->timeout);
    if (left == 0.0)
        return PS_ETIMEDOUT;
    rc = ps__sys_wait(s->h, events, left);
    if (rc < 0)
        return rc;
    /* Time up and still not ready: no point trying the operation again. */
    if (rc == 0 && ps__deadline_left(d, d->timeout) == 0.0)
        return PS_ETIMEDOUT;
    return 0;
}

PS__HOT ptrdiff_t ps__run(ps_socket *s, int events, ps__try_fn try_op, void *ctx, ps__deadline *d)
{
    ptrdiff_t n = PS__WAIT_FIRST;
    if (d->timeout == PS__TIMEOUT_UNSET) {
        if (ps__begin(s, events, d))
            n = try_op(s, ctx, d->dontwait);
    } else {
        /* A later piece of the same operation (a sendall's): it has the
         * rest of the time, on the wait path (a kernel-timed try would
         * have it all). */
        d->kernel = 0;
        d->dontwait = d->timeout >= 0.0;
        if (!(d->dontwait && ps__load_int(&s->shared) &&
              ((events & PS__RUN_MODE_BOUND) || !ps__sys_dontwait_per_call())))
            n = try_op(s, ctx, d->dontwait);
    }
    if (n != PS_EAGAIN && n != PS__EINTR && n != PS__WAIT_FIRST)
        return n;
    return ps__run_after(s, events, try_op, ctx, d, n);
}

PS__HOT ptrdiff_t ps__run_after(ps_socket *s, int events, ps__try_fn try_op, void *ctx,
                                ps__deadline *d, ptrdiff_t n)
{
    int rc;
    while (n == PS_EAGAIN || n == PS__EINTR || n == PS__WAIT_FIRST) {
        if ((rc = ps__await(s, events, d, n)) < 0)
            return rc;
        n = try_op(s, ctx, d->dontwait);
    }
    return n;
}
