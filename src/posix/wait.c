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

static void ps__poll_fill(struct pollfd *p, const ps__pollitem *items, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        /* A negative descriptor is ignored by poll(). */
        p[i].fd = items[i].h;
        p[i].events = (short)(((items[i].events & PS_POLLIN) ? POLLIN : 0) |
                              ((items[i].events & PS_POLLOUT) ? POLLOUT : 0));
        p[i].revents = 0;
    }
}

int ps__sys_poll(ps__pollitem *items, size_t n, double timeout)
{
    struct pollfd stack[PS__POLL_STACK], *p = stack;
    size_t i;
    int rc;
    if (n > PS__POLL_STACK && !(p = (struct pollfd *)ps__malloc(n * sizeof *p)))
        return PS_ENOMEM;
    ps__poll_fill(p, items, n);
    ps__add_u64(&ps__posix_diag[PS_DIAG_POLL_NATIVE], 1);
    rc = poll(p, (nfds_t)n, ps__posix_timeout_ms(timeout));
    if (rc < 0) {
        rc = errno == EINTR ? 0 : ps__posix_error();
    } else {
        for (i = 0; i < n; i++)
            items[i].revents = ps__posix_poll_events(p[i].revents);
    }
    if (p != stack)
        ps__free(p);
    return rc;
}

struct ps__pollset {
    struct pollfd *fds;
    size_t cap;
};

int ps__sys_pollset_wait(ps__pollset **set, ps__pollitem *items, size_t n, int changed,
                         double timeout, ps__pollready *ready)
{
    ps__pollset *ps = *set;
    size_t i, k;
    int rc;
    if (!ps) {
        if (!(ps = (ps__pollset *)ps__calloc(1, sizeof *ps)))
            return PS_ENOMEM;
        *set = ps;
    }
    if (changed) {
        if (n > ps->cap) {
            struct pollfd *fds = (struct pollfd *)ps__realloc(ps->fds, n * sizeof *fds);
            if (!fds)
                return PS_ENOMEM;
            ps->fds = fds;
            ps->cap = n;
        }
        ps__poll_fill(ps->fds, items, n);
    }
    ps__add_u64(&ps__posix_diag[PS_DIAG_POLL_NATIVE], 1);
    /* poll() rewrites every revents: the array needs nothing between calls. */
    rc = poll(ps->fds, (nfds_t)n, ps__posix_timeout_ms(timeout));
    if (rc < 0)
        return errno == EINTR ? 0 : ps__posix_error();
    /* One pass over the native array, ending at the last ready entry. */
    for (i = 0, k = 0; i < n && k < (size_t)rc; i++) {
        if (ps->fds[i].revents) {
            ready[k].index = i;
            ready[k].revents = ps__posix_poll_events(ps->fds[i].revents);
            k++;
        }
    }
    return (int)k;
}

void ps__sys_pollset_free(ps__pollset *set)
{
    if (set) {
        ps__free(set->fds);
        ps__free(set);
    }
}

int ps__posix_poll_events(int revents)
{
    return ((revents & POLLIN) ? PS_POLLIN : 0) | ((revents & POLLOUT) ? PS_POLLOUT : 0) |
           ((revents & POLLERR) ? PS_POLLERR : 0) | ((revents & POLLHUP) ? PS_POLLHUP : 0) |
           ((revents & POLLNVAL) ? PS_POLLNVAL : 0);
}

PS__HOT double ps__sys_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
