/* Waiting: for one socket (ps__sys_wait), for many (ps__sys_poll, which
 * is also the selector's wait), and the monotonic clock of the deadlines. */
#include "win32.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* select() rather than WSAPoll: WSAPoll before Windows 10 2004 does not
 * report a failed non-blocking connect at all (it waits out the timeout),
 * while select() reports it in exceptfds. Winsock's fd_set is a list of
 * handles, so FD_SETSIZE limits how many, not how large a SOCKET may be. */

/* One select() can wait this long at most; longer waits take several, so
 * that no timeval field can overflow (long is 32 bits on Windows). */
#define PS__WAIT_CHUNK 86400.0

/* A socket select() put in exceptfds: a non-blocking connect that failed,
 * or out-of-band data on an established connection (select's page: OOB
 * data is reported there too, unless SO_OOBINLINE). Only a socket that is
 * not connected can be the first; getpeername tells them apart without
 * reading (and, on Windows, clearing) SO_ERROR, which the connect's caller
 * reads next. */
static int ps__connected(SOCKET s)
{
    SOCKADDR_STORAGE ss;
    int len = (int)sizeof ss;
    return getpeername(s, (struct sockaddr *)&ss, &len) == 0;
}

/* timeout (>= 0) as select()'s timeval, rounded up to whole microseconds
 * (a wait rounded down to 0 would return at once and make the caller spin
 * until the deadline), at most PS__WAIT_CHUNK (long is 32 bits here). */
static struct timeval *ps__timeval(struct timeval *tv, double timeout)
{
    double usec;
    if (timeout < 0.0)
        return NULL;
    usec = ceil((timeout < PS__WAIT_CHUNK ? timeout : PS__WAIT_CHUNK) * 1e6);
    tv->tv_sec = (long)(usec / 1e6);
    tv->tv_usec = (long)(usec - (double)tv->tv_sec * 1e6);
    if (tv->tv_usec >= 1000000) {
        tv->tv_sec++;
        tv->tv_usec -= 1000000;
    }
    return tv;
}

/* One select() for one socket; *oob is set when the socket was in
 * exceptfds alone and is connected (out-of-band data, not a failure). */
static int ps__select_once(SOCKET s, int events, int watch_ex, double timeout, int *oob)
{
    fd_set rd, wr, ex;
    struct timeval tv;
    int n;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    *oob = 0;
    if (events & PS__WAIT_READ)
        FD_SET(s, &rd);
    if (events & PS__WAIT_WRITE) {
        /* A non-blocking connect that fails lands in exceptfds, never in
         * writefds. Only write waits look there: exceptfds also flags
         * pending out-of-band data, which would wake a read wait again and
         * again while no normal data is there. */
        FD_SET(s, &wr);
        if (watch_ex)
            FD_SET(s, &ex);
    }
    /* The first argument is ignored by Winsock; a set with nothing to
     * watch is passed as NULL, as select's page asks. */
    n = select(0, rd.fd_count ? &rd : NULL, wr.fd_count ? &wr : NULL, ex.fd_count ? &ex : NULL,
               ps__timeval(&tv, timeout));
    if (n == SOCKET_ERROR) {
        int err = WSAGetLastError();
        /* A wait cancelled from outside counts as interrupted. */
        return err == WSAEINTR ? 0 : ps__sys_error_from_native(err);
    }
    if (n > 0 && !FD_ISSET(s, &rd) && !FD_ISSET(s, &wr) && ps__connected(s)) {
        *oob = 1;
        return 0;
    }
    return n > 0 ? 1 : 0;
}

/* A write wait watches exceptfds for a failed connect; once out-of-band
 * data shows there instead (a peer's urgent byte while our send buffer is
 * full), the rest of the wait goes without it, so that the wait neither
 * reports an error on a healthy connection nor returns at once again and
 * again until the deadline. At most two select() calls. */
static int ps__select(SOCKET s, int events, double timeout)
{
    double deadline = timeout > 0.0 ? ps__sys_monotonic() + timeout : 0.0;
    int oob, rc = ps__select_once(s, events, 1, timeout, &oob);
    if (rc != 0 || !oob || timeout == 0.0)
        return rc;
    if (timeout > 0.0 && (timeout = deadline - ps__sys_monotonic()) <= 0.0)
        return 0;
    return ps__select_once(s, events, 0, timeout, &oob);
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

/* ---- ps__sys_poll ----
 *
 * WSAPoll is Winsock's poll(), without select's FD_SETSIZE, but before
 * Windows 10 version 2004 it does not report a non-blocking connect that
 * fails (connection refused): the socket shows no event at all and the
 * wait runs out its whole timeout (the Windows caveat of issue 6). select()
 * reports such a connect in exceptfds on every version. So a poll in which
 * any socket waits to be writable - the way a connect is waited for - runs
 * on select(), with fd_sets allocated to the call's size, so FD_SETSIZE
 * does not limit it either. Every other poll runs on WSAPoll. The knob
 * PS_DIAG_FORCE_POLL_SELECT sends every poll to select(), so that the
 * workaround is tested where WSAPoll has no such bug (Wine, newer Windows).
 */

/* WSAPoll entries kept on the stack; more are allocated. */
#define PS__POLL_STACK 64

/* Whole milliseconds for WSAPoll / Sleep, rounded up: a wait rounded down
 * to 0 would return at once and make the caller spin until the deadline. */
static int ps__poll_ms(double timeout)
{
    double ms;
    if (timeout < 0.0)
        return -1;
    ms = ceil(timeout * 1000.0);
    return ms >= (double)INT_MAX ? INT_MAX : (int)ms;
}

/* No socket to wait for: WSAPoll and select() both refuse an empty set,
 * so the wait is a sleep (Python's selectors do the same). */
static int ps__poll_sleep(double timeout)
{
    int ms = ps__poll_ms(timeout);
    Sleep(ms < 0 ? INFINITE : (DWORD)ms);
    return 0;
}

/* After a poll failed for a socket that is none (closed underneath, so
 * the handle is stale): PS_POLLNVAL for each such item, as POSIX poll()
 * reports it. Returns how many, 0 when every socket is a socket. */
static int ps__poll_nval(ps__pollitem *items, size_t n)
{
    size_t i;
    int count = 0;
    for (i = 0; i < n; i++) {
        int st = 0, len = (int)sizeof st;
        items[i].revents = 0;
        if (items[i].h == PS_INVALID_NATIVE)
            continue;
        if (getsockopt(PS__SOCK(items[i].h), SOL_SOCKET, SO_TYPE, (char *)&st, &len) ==
                SOCKET_ERROR &&
            WSAGetLastError() == WSAENOTSOCK) {
            items[i].revents = PS_POLLNVAL;
            count++;
        }
    }
    return count;
}

/* What the caller asked for can go on: a hang-up makes a reader's recv
 * return (0, end of stream) and an error makes a writer's send return
 * (with the error); both wake the waiter that needs to see them, as Linux
 * poll() reports POLLIN with a hang-up and POLLOUT with a failed connect. */
static int ps__poll_wakes(int events, int revents)
{
    if ((revents & PS_POLLHUP) && (events & PS_POLLIN))
        revents |= PS_POLLIN;
    if ((revents & PS_POLLERR) && (events & PS_POLLOUT))
        revents |= PS_POLLOUT;
    return revents;
}

static int ps__poll_failed(ps__pollitem *items, size_t n, int err)
{
    /* WSAPoll fails when no entry is a valid socket (Windows: WSAEINVAL,
     * Wine: WSAENOTSOCK), select() when any is not (WSAENOTSOCK): find
     * them. */
    if (err == WSAENOTSOCK || err == WSAEINVAL) {
        int bad = ps__poll_nval(items, n);
        if (bad > 0)
            return bad;
    }
    return err == WSAEINTR ? 0 : ps__sys_error_from_native(err);
}

/* The WSAPoll entries of the valid items, in order: Windows ignores
 * INVALID_SOCKET entries, Wine reports them POLLNVAL. POLLRDNORM /
 * POLLWRNORM only: WSAPoll refuses POLLPRI (and POLLERR, POLLHUP) in
 * events, and reports errors and hang-ups unasked. */
static void ps__wsapoll_fill(WSAPOLLFD *p, const ps__pollitem *items, size_t n)
{
    size_t i, k;
    for (i = 0, k = 0; i < n; i++) {
        if (items[i].h == PS_INVALID_NATIVE)
            continue;
        p[k].fd = PS__SOCK(items[i].h);
        p[k].events = (SHORT)(((items[i].events & PS_POLLIN) ? POLLRDNORM : 0) |
                              ((items[i].events & PS_POLLOUT) ? POLLWRNORM : 0));
        p[k].revents = 0;
        k++;
    }
}

/* One WSAPoll over p (the `valid` entries ps__wsapoll_fill made of items),
 * its results written back to items. */
static int ps__wsapoll_run(WSAPOLLFD *p, size_t valid, ps__pollitem *items, size_t n,
                           double timeout)
{
    size_t i, k;
    int rc, count = 0;
    ps__win_diag_count(PS_DIAG_POLL_NATIVE);
    /* A look first, then the wait: Wine's WSAPoll marks a socket closed
     * underneath POLLNVAL but neither counts nor returns for it, so the
     * wait would last its whole timeout (for ever without one); Windows
     * returns at once. The look costs a second call only when nothing is
     * ready, that is when the caller is about to sleep anyway. */
    rc = WSAPoll(p, (ULONG)valid, 0);
    if (rc == 0 && timeout != 0.0) {
        for (k = 0; k < valid && !(p[k].revents & POLLNVAL); k++)
            ;
        if (k == valid)
            rc = WSAPoll(p, (ULONG)valid, ps__poll_ms(timeout));
    }
    if (rc == SOCKET_ERROR)
        return ps__poll_failed(items, n, WSAGetLastError());
    for (i = 0, k = 0; i < n; i++) {
        int r = 0;
        if (items[i].h != PS_INVALID_NATIVE) {
            SHORT got = p[k++].revents;
            r = ((got & POLLRDNORM) ? PS_POLLIN : 0) | ((got & POLLWRNORM) ? PS_POLLOUT : 0) |
                ((got & POLLERR) ? PS_POLLERR : 0) | ((got & POLLHUP) ? PS_POLLHUP : 0) |
                ((got & POLLNVAL) ? PS_POLLNVAL : 0);
            r = ps__poll_wakes(items[i].events, r);
        }
        items[i].revents = r;
        count += r != 0;
    }
    return count;
}

static int ps__wsapoll(ps__pollitem *items, size_t n, size_t valid, double timeout)
{
    WSAPOLLFD stack[PS__POLL_STACK], *p = stack;
    int rc;
    if (valid > PS__POLL_STACK && !(p = (WSAPOLLFD *)ps__malloc(valid * sizeof *p)))
        return PS_ENOMEM;
    ps__wsapoll_fill(p, items, n);
    rc = ps__wsapoll_run(p, valid, items, n, timeout);
    if (p != stack)
        ps__free(p);
    return rc;
}

/* Winsock's fd_set is a counted list, { u_int fd_count; SOCKET
 * fd_array[FD_SETSIZE]; }, and select() reads fd_count entries, however
 * many: a set allocated for n handles holds n, FD_SETSIZE or not. The
 * handles are written through a plain SOCKET pointer into the allocation
 * (FD_SET would stop at FD_SETSIZE). */
static SOCKET *ps__set_array(fd_set *set)
{
    return (SOCKET *)(void *)((char *)set + offsetof(fd_set, fd_array));
}

static int ps__cmp_socket(const void *a, const void *b)
{
    SOCKET x = *(const SOCKET *)a, y = *(const SOCKET *)b;
    return x < y ? -1 : x > y;
}

/* Sorts a set and drops repeated handles (one socket in several items). */
static void ps__set_sort(fd_set *set)
{
    SOCKET *a = ps__set_array(set);
    u_int i, k = 0;
    if (set->fd_count < 2)
        return;
    qsort(a, set->fd_count, sizeof *a, ps__cmp_socket);
    for (i = 1; i < set->fd_count; i++) {
        if (a[i] != a[k])
            a[++k] = a[i];
    }
    set->fd_count = k + 1;
}

static int ps__set_has(fd_set *set, SOCKET s)
{
    return set->fd_count > 0 &&
           bsearch(&s, ps__set_array(set), set->fd_count, sizeof s, ps__cmp_socket) != NULL;
}

static int ps__select_poll(ps__pollitem *items, size_t n, size_t valid, double timeout);

/* select() fails as a whole when one handle is stale (closed underneath):
 * after ps__poll_failed marked the stale ones PS_POLLNVAL, the others get
 * one more look without them, so a stale handle never hides a ready one
 * (POSIX poll reports both at once). Each level drops at least one stale
 * handle, so this ends. */
static int ps__select_around_stale(ps__pollitem *items, size_t n, size_t valid, int stale)
{
    ps__pollitem *rest = (ps__pollitem *)ps__malloc(n * sizeof *rest);
    size_t i;
    int rc;
    if (!rest || (size_t)stale >= valid) {
        ps__free(rest);
        return stale;
    }
    memcpy(rest, items, n * sizeof *rest);
    for (i = 0; i < n; i++) {
        if (items[i].revents & PS_POLLNVAL)
            rest[i].h = PS_INVALID_NATIVE;
    }
    rc = ps__select_poll(rest, n, valid - (size_t)stale, 0.0);
    if (rc > 0) {
        for (i = 0; i < n; i++) {
            if (!(items[i].revents & PS_POLLNVAL))
                items[i].revents = rest[i].revents;
        }
    }
    ps__free(rest);
    return stale + (rc > 0 ? rc : 0);
}

/* One select() over the items. A writer is watched in exceptfds too (a
 * failed connect shows only there) unless quiet[i] says its connection
 * showed out-of-band data there before. A connected writer found in
 * exceptfds alone has out-of-band data, which nobody asked about: it is
 * not reported, and is marked in *quiet (allocated on first need) and
 * counted in *oob, so that the caller can wait again without it. */
static int ps__select_poll_once(ps__pollitem *items, size_t n, size_t valid, double timeout,
                                unsigned char **quiet, int *oob)
{
    size_t setsize = offsetof(fd_set, fd_array) + valid * sizeof(SOCKET);
    fd_set *rd, *wr, *ex;
    struct timeval tv;
    char *mem;
    size_t i;
    int rc, count = 0;
    /* Rounded up to the alignment of the next set. */
    setsize = (setsize + sizeof(SOCKET) - 1) / sizeof(SOCKET) * sizeof(SOCKET);
    if (setsize < sizeof(fd_set))
        setsize = sizeof(fd_set);
    if (!(mem = (char *)ps__malloc(3 * setsize)))
        return PS_ENOMEM;
    rd = (fd_set *)(void *)mem;
    wr = (fd_set *)(void *)(mem + setsize);
    ex = (fd_set *)(void *)(mem + 2 * setsize);
    rd->fd_count = wr->fd_count = ex->fd_count = 0;
    for (i = 0; i < n; i++) {
        SOCKET s = PS__SOCK(items[i].h);
        if (items[i].h == PS_INVALID_NATIVE)
            continue;
        if (items[i].events & PS_POLLIN)
            ps__set_array(rd)[rd->fd_count++] = s;
        if (items[i].events & PS_POLLOUT) {
            /* A failed connect lands in exceptfds, never in writefds. Only
             * writers look there: exceptfds also flags out-of-band data,
             * which would wake a reader again and again (poll() reports it
             * as POLLPRI, which portsock does not ask for). */
            ps__set_array(wr)[wr->fd_count++] = s;
            if (!*quiet || !(*quiet)[i])
                ps__set_array(ex)[ex->fd_count++] = s;
        }
    }
    ps__set_sort(rd);
    ps__set_sort(wr);
    ps__set_sort(ex);
    if (rd->fd_count + wr->fd_count == 0) {
        /* Only items that ask for nothing: select() refuses empty sets. */
        ps__free(mem);
        return ps__poll_sleep(timeout);
    }
    ps__win_diag_count(PS_DIAG_POLL_SELECT);
    /* The first argument is ignored by Winsock; an empty set is passed as
     * NULL, as select() requires. */
    /* At most PS__WAIT_CHUNK at once: the caller's deadline loop goes on. */
    rc = select(0, rd->fd_count ? rd : NULL, wr->fd_count ? wr : NULL, ex->fd_count ? ex : NULL,
                ps__timeval(&tv, timeout));
    if (rc == SOCKET_ERROR) {
        rc = ps__poll_failed(items, n, WSAGetLastError());
        if (rc > 0)
            rc = ps__select_around_stale(items, n, valid, rc);
    } else {
        /* select() leaves only the ready handles in each set, in its own
         * order: sorted again for the look-ups. */
        if (rc == 0)
            rd->fd_count = wr->fd_count = ex->fd_count = 0;
        ps__set_sort(rd);
        ps__set_sort(wr);
        ps__set_sort(ex);
        for (i = 0; i < n; i++) {
            SOCKET s = PS__SOCK(items[i].h);
            int r = 0, ev = items[i].events;
            if (items[i].h != PS_INVALID_NATIVE) {
                if ((ev & PS_POLLIN) && ps__set_has(rd, s))
                    r |= PS_POLLIN;
                if (ev & PS_POLLOUT) {
                    int w = ps__set_has(wr, s);
                    if (w)
                        r |= PS_POLLOUT;
                    /* In exceptfds but not writable: the connect failed
                     * (PS_OPT_ERROR says why), unless the socket is
                     * connected, when it is out-of-band data. Writable and
                     * in exceptfds: out-of-band data too. */
                    else if (ps__set_has(ex, s)) {
                        if (!ps__connected(s))
                            r |= PS_POLLOUT | PS_POLLERR;
                        else {
                            if (!*quiet)
                                *quiet = (unsigned char *)ps__calloc(n, 1);
                            /* Without memory: PS_ENOMEM (ps__select_poll). */
                            if (*quiet != NULL)
                                (*quiet)[i] = 1;
                            ++*oob;
                        }
                    }
                }
            }
            items[i].revents = r;
            count += r != 0;
        }
        rc = count;
    }
    ps__free(mem);
    return rc;
}

/* select() over the items; a wait that only out-of-band data ended goes
 * on without those sockets in exceptfds (see ps__select). Each round
 * quiets at least one more socket, so there are at most n + 1. */
static int ps__select_poll(ps__pollitem *items, size_t n, size_t valid, double timeout)
{
    double deadline = timeout > 0.0 ? ps__sys_monotonic() + timeout : 0.0;
    unsigned char *quiet = NULL;
    int rc, oob;
    for (;;) {
        oob = 0;
        rc = ps__select_poll_once(items, n, valid, timeout, &quiet, &oob);
        if (rc != 0 || oob == 0 || timeout == 0.0)
            break;
        if (!quiet) {
            rc = PS_ENOMEM; /* the same select() would return at once again */
            break;
        }
        if (timeout > 0.0 && (timeout = deadline - ps__sys_monotonic()) <= 0.0)
            break;
    }
    ps__free(quiet);
    return rc;
}

/* Clears every revents; counts the valid items and says whether any waits
 * to be writable (which sends the poll to select()). */
static size_t ps__poll_survey(ps__pollitem *items, size_t n, int *writers)
{
    size_t i, valid = 0;
    *writers = 0;
    for (i = 0; i < n; i++) {
        items[i].revents = 0;
        if (items[i].h == PS_INVALID_NATIVE)
            continue;
        valid++;
        *writers |= items[i].events & PS_POLLOUT;
    }
    return valid;
}

int ps__sys_poll(ps__pollitem *items, size_t n, double timeout)
{
    int writers;
    size_t valid = ps__poll_survey(items, n, &writers);
    if (valid == 0)
        return ps__poll_sleep(timeout);
    if (writers || ps__win_force_select())
        return ps__select_poll(items, n, valid, timeout);
    return ps__wsapoll(items, n, valid, timeout);
}

struct ps__pollset {
    WSAPOLLFD *fds; /* the valid items' entries, when built */
    size_t cap, valid;
    int writers;
};

/* Only the WSAPoll path keeps its array: select() overwrites its fd_sets,
 * so they are made for every call anyway. */
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
        ps->valid = ps__poll_survey(items, n, &ps->writers);
        if (n > ps->cap) {
            WSAPOLLFD *fds = (WSAPOLLFD *)ps__realloc(ps->fds, n * sizeof *fds);
            if (!fds)
                return PS_ENOMEM;
            ps->fds = fds;
            ps->cap = n;
        }
        ps__wsapoll_fill(ps->fds, items, n);
    }
    /* A sleep or select(): as ps__sys_poll does them. */
    if (ps->valid == 0 || ps->writers || ps__win_force_select())
        rc = ps__sys_poll(items, n, timeout);
    else
        rc = ps__wsapoll_run(ps->fds, ps->valid, items, n, timeout);
    if (rc <= 0)
        return rc;
    for (i = 0, k = 0; i < n && k < (size_t)rc; i++) {
        if (items[i].revents) {
            ready[k].index = i;
            ready[k].revents = items[i].revents;
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

PS__HOT double ps__sys_monotonic(void)
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
