/* One readiness wait on one descriptor, and the monotonic clock. */
#include "posix.h"

#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

int ps__posix_timeout_ms(double timeout)
{
    double whole;
    int ms;
    if (timeout < 0.0)
        return -1;
    /* Round up: a wait that ends a little early would only spin. */
    whole = timeout * 1000.0;
    if (whole >= (double)INT_MAX)
        return INT_MAX; /* about 24.8 days: the caller's deadline loop goes on */
    ms = (int)whole;
    if ((double)ms < whole)
        ms++;
    return ms;
}

int ps__sys_wait(ps_native h, int events, double timeout)
{
    struct pollfd p;
    int ms = ps__posix_timeout_ms(timeout), n;
    p.fd = h;
    p.events = (short)(((events & PS__WAIT_READ) ? POLLIN : 0) |
                       ((events & PS__WAIT_WRITE) ? POLLOUT : 0));
    p.revents = 0;
    n = poll(&p, 1, ms);
    if (n < 0)
        return errno == EINTR ? 0 : ps__posix_error();
    if (n > 0 && (p.revents & POLLNVAL))
        return PS_EBADF;
    return n > 0;
}

#define PS__POLL_STACK 64

int ps__sys_poll(ps__pollitem *items, size_t n, double timeout)
{
    struct pollfd stack[PS__POLL_STACK], *p = stack;
    size_t i;
    int rc;
    if (n > PS__POLL_STACK && !(p = (struct pollfd *)malloc(n * sizeof *p)))
        return PS_ENOMEM;
    for (i = 0; i < n; i++) {
        /* A negative descriptor is ignored by poll(). */
        p[i].fd = items[i].h;
        p[i].events = (short)(((items[i].events & PS_POLLIN) ? POLLIN : 0) |
                              ((items[i].events & PS_POLLOUT) ? POLLOUT : 0));
        p[i].revents = 0;
    }
    ps__posix_diag[PS_DIAG_POLL_NATIVE]++;
    rc = poll(p, (nfds_t)n, ps__posix_timeout_ms(timeout));
    if (rc < 0) {
        rc = errno == EINTR ? 0 : ps__posix_error();
    } else {
        for (i = 0; i < n; i++)
            items[i].revents = ps__posix_poll_events(p[i].revents);
    }
    if (p != stack)
        free(p);
    return rc;
}

int ps__posix_poll_events(int revents)
{
    return ((revents & POLLIN) ? PS_POLLIN : 0) | ((revents & POLLOUT) ? PS_POLLOUT : 0) |
           ((revents & POLLERR) ? PS_POLLERR : 0) | ((revents & POLLHUP) ? PS_POLLHUP : 0) |
           ((revents & POLLNVAL) ? PS_POLLNVAL : 0);
}

double ps__sys_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
