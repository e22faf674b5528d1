/* One readiness wait on one descriptor, and the monotonic clock. */
#include "posix.h"

#include <limits.h>
#include <poll.h>
#include <time.h>

int ps__sys_wait(ps_native h, int events, double timeout)
{
    struct pollfd p;
    int ms, n;
    if (timeout < 0.0) {
        ms = -1;
    } else {
        /* Round up: a wait that ends a little early would only spin. */
        double whole = timeout * 1000.0;
        ms = whole >= (double)INT_MAX ? INT_MAX : (int)whole;
        if ((double)ms < whole)
            ms++;
    }
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

double ps__sys_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
