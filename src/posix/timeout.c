/* How timeouts are carried out on POSIX. On Linux a positive timeout is
 * the kernel's own: the socket stays blocking and SO_RCVTIMEO / SO_SNDTIMEO
 * bound each call, so a timed recv is one system call even when its data
 * comes a moment later (non-blocking + poll would be three: recv, poll,
 * recv). Elsewhere, for sockets shared with other objects, for timeouts
 * longer than PS__KERNEL_TIMEOUT_MAX, and when PS_DIAG_FORCE_WAIT_TIMEOUTS
 * asks for it, the socket is non-blocking and the core waits with poll() on
 * EAGAIN. The data calls never depend on the mode: the core asks each try
 * not to block with MSG_DONTWAIT. */
#include "posix.h"

#include <fcntl.h>
#include <math.h>
#include <sys/time.h>

int ps__posix_force_wait_timeouts;

static int ps__kernel_timeouts_here(void)
{
#ifdef __linux__
    return !ps__load_int(&ps__posix_force_wait_timeouts);
#else
    /* Untested elsewhere: the BSDs differ in which calls honour the
     * timeouts (accept, connect, sendfile). */
    return 0;
#endif
}

/* seconds: 0 (no kernel timeout) or in (0, PS__KERNEL_TIMEOUT_MAX]. */
static int ps__set_timeo(int fd, int events, double seconds)
{
    struct timeval tv;
    if (seconds > 0.0) {
        /* {0, 0} would mean "no timeout": never round a real one down to it. */
        double us;
        tv.tv_sec = (time_t)seconds; /* truncation is floor for seconds > 0 */
        us = (seconds - (double)tv.tv_sec) * 1e6;
        tv.tv_usec = (suseconds_t)us;
        if ((double)tv.tv_usec < us)
            tv.tv_usec++; /* round up: never end a wait early */
        if (tv.tv_usec >= 1000000) {
            tv.tv_sec++;
            tv.tv_usec = 0;
        }
        if (tv.tv_sec == 0 && tv.tv_usec == 0)
            tv.tv_usec = 1;
    } else {
        tv.tv_sec = 0;
        tv.tv_usec = 0;
    }
    if ((events & PS__WAIT_READ) && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        return ps__posix_error();
    if ((events & PS__WAIT_WRITE) && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
        return ps__posix_error();
    return 0;
}

int ps__sys_set_timeout(ps_native h, double old, int old_kernel, double timeout, int shared)
{
    int unknown = isnan(old);
    int kernel =
        timeout > 0.0 && timeout <= PS__KERNEL_TIMEOUT_MAX && !shared && ps__kernel_timeouts_here();
    int nonblocking = ps__mode_nonblocking(timeout, kernel);
    int rc;
    if (unknown || nonblocking != ps__mode_nonblocking(old, old_kernel)) {
        rc = ps__posix_set_nonblocking(h, nonblocking);
        if (rc < 0)
            return rc;
    }
    /* Kernel timeouts portsock did not set belong to someone else. */
    if (kernel ? (!old_kernel || old != timeout) : old_kernel) {
        rc = ps__set_timeo(h, PS__WAIT_READ | PS__WAIT_WRITE, kernel ? timeout : 0.0);
        if (rc < 0)
            return rc;
    }
    return kernel;
}

int ps__sys_is_nonblocking(ps_native h)
{
    int flags = fcntl(h, F_GETFL);
    if (flags < 0)
        return ps__posix_error();
    return (flags & O_NONBLOCK) != 0;
}

int ps__sys_dontwait_per_call(void)
{
    return 1;
}
