/* Waiting for one socket, and the monotonic clock the deadlines use. */
#include "win32.h"

#include <math.h>

/* select() rather than WSAPoll: WSAPoll before Windows 10 2004 does not
 * report a failed non-blocking connect at all (it waits out the timeout),
 * while select() reports it in exceptfds. Winsock's fd_set is a list of
 * handles, so FD_SETSIZE limits how many, not how large a SOCKET may be. */

/* One select() can wait this long at most; longer waits take several, so
 * that no timeval field can overflow (long is 32 bits on Windows). */
#define PS__WAIT_CHUNK 86400.0

static int ps__select(SOCKET s, int events, double timeout)
{
    fd_set rd, wr, ex;
    struct timeval tv, *ptv = NULL;
    int n;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    if (events & PS__WAIT_READ)
        FD_SET(s, &rd);
    if (events & PS__WAIT_WRITE) {
        /* A non-blocking connect that fails lands in exceptfds, never in
         * writefds. Only write waits look there: exceptfds also flags
         * pending out-of-band data, which would wake a read wait again and
         * again while no normal data is there. */
        FD_SET(s, &wr);
        FD_SET(s, &ex);
    }
    if (timeout >= 0.0) {
        /* Rounded up to whole microseconds: a wait rounded down to 0 would
         * return at once and make the caller spin until the deadline. */
        double usec = ceil(timeout * 1e6);
        tv.tv_sec = (long)(usec / 1e6);
        tv.tv_usec = (long)(usec - (double)tv.tv_sec * 1e6);
        if (tv.tv_usec >= 1000000) {
            tv.tv_sec++;
            tv.tv_usec -= 1000000;
        }
        ptv = &tv;
    }
    /* The first argument is ignored by Winsock. */
    n = select(0, &rd, &wr, &ex, ptv);
    if (n == SOCKET_ERROR) {
        int err = WSAGetLastError();
        /* A wait cancelled from outside counts as interrupted. */
        return err == WSAEINTR ? 0 : ps__sys_error_from_native(err);
    }
    return n > 0 ? 1 : 0;
}

int ps__sys_wait(ps_native h, int events, double timeout)
{
    double deadline, left;
    int rc;
    if (timeout < 0.0 || timeout <= PS__WAIT_CHUNK)
        return ps__select(PS__SOCK(h), events, timeout);
    deadline = ps__sys_monotonic() + timeout;
    for (;;) {
        left = deadline - ps__sys_monotonic();
        if (left <= 0.0)
            return 0;
        rc = ps__select(PS__SOCK(h), events, left < PS__WAIT_CHUNK ? left : PS__WAIT_CHUNK);
        if (rc != 0)
            return rc;
    }
}

double ps__sys_monotonic(void)
{
    LARGE_INTEGER count, freq;
    /* Both succeed on every Windows since XP. The frequency is fixed at
     * boot; reading it each time is cheap and needs no shared state. */
    QueryPerformanceCounter(&count);
    QueryPerformanceFrequency(&freq);
    /* Whole seconds and the remainder apart: count / freq as one double
     * would lose precision once the counter passes 2^53 ticks. */
    return (double)(count.QuadPart / freq.QuadPart) +
           (double)(count.QuadPart % freq.QuadPart) / (double)freq.QuadPart;
}
