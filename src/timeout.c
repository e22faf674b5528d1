/* Python's timeout semantics: the per-socket timeout, the default for new
 * sockets, and the one policy that turns PS_EAGAIN into a wait. */
#include "core.h"

#include <math.h>

/* Like Python's socket.setdefaulttimeout(): process-wide, read when a socket
 * is created or accepted. Set it before other threads create sockets. */
static double ps__default_timeout = PS_TIMEOUT_NONE;

int ps__timeout_valid(double seconds)
{
    return seconds == PS_TIMEOUT_NONE || seconds == 0.0 || (isfinite(seconds) && seconds > 0.0);
}

int ps_settimeout(ps_socket *s, double seconds)
{
    int was_blocking, blocking, rc;
    if (!s || !ps__timeout_valid(seconds))
        return PS_EINVAL;
    was_blocking = s->timeout == PS_TIMEOUT_NONE;
    blocking = seconds == PS_TIMEOUT_NONE;
    if (was_blocking != blocking) {
        rc = ps__sys_set_nonblocking(s->h, !blocking);
        if (rc < 0)
            return rc;
    }
    s->timeout = seconds;
    return 0;
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

int ps__await(const ps_socket *s, int events, ps__deadline *d)
{
    double left;
    int rc;
    /* Non-blocking sockets report PS_EAGAIN as it is. So does a blocking one:
     * its EAGAIN came from a native receive timeout the caller set. */
    if (s->timeout <= 0.0)
        return PS_EAGAIN;
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
