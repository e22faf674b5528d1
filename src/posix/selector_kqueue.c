/* The kqueue selector (macOS and the BSDs): like epoll, the kernel keeps the
 * interest set. kqueue reports reading and writing as separate filters;
 * one wait merges them back into one event per socket. */
#include "posix.h"

#ifdef PS__HAVE_KQUEUE

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

/* NetBSD before 10 declares udata as intptr_t, the others as void *. */
#if defined(__NetBSD__)
#define PS__UDATA(p) ((intptr_t)(void *)(p))
#else
#define PS__UDATA(p) ((void *)(p))
#endif

typedef struct ps__kqsel {
    int fd;
    struct kevent *events; /* scratch for kevent() */
    size_t cap;
    unsigned long generation; /* marks the registrations seen in one wait */
} ps__kqsel;

static int ps__kqsel_open(void **state)
{
    ps__kqsel *k = (ps__kqsel *)ps__calloc(1, sizeof *k);
    if (!k)
        return PS_ENOMEM;
    k->fd = kqueue();
    if (k->fd < 0 || fcntl(k->fd, F_SETFD, FD_CLOEXEC) < 0) {
        int rc = ps__posix_error();
        if (k->fd >= 0)
            close(k->fd);
        ps__free(k);
        return rc;
    }
    *state = k;
    return 0;
}

/* Adds the filters in `on` and deletes those in `off` (PS_POLL* bits). */
static int ps__kqsel_change(ps__kqsel *k, ps__selreg *reg, int on, int off)
{
    struct kevent ch[2];
    int n = 0;
    if (on & PS_POLLIN)
        EV_SET(&ch[n++], reg->h, EVFILT_READ, EV_ADD, 0, 0, PS__UDATA(reg));
    if (on & PS_POLLOUT)
        EV_SET(&ch[n++], reg->h, EVFILT_WRITE, EV_ADD, 0, 0, PS__UDATA(reg));
    if (off & PS_POLLIN)
        EV_SET(&ch[n++], reg->h, EVFILT_READ, EV_DELETE, 0, 0, PS__UDATA(reg));
    if (off & PS_POLLOUT)
        EV_SET(&ch[n++], reg->h, EVFILT_WRITE, EV_DELETE, 0, 0, PS__UDATA(reg));
    if (n > 0 && kevent(k->fd, ch, n, NULL, 0, NULL) < 0)
        return ps__posix_error();
    return 0;
}

static int ps__kqsel_add(void *state, ps__selreg *reg)
{
    return ps__kqsel_change((ps__kqsel *)state, reg, reg->events, 0);
}

static int ps__kqsel_modify(void *state, ps__selreg *reg, int events)
{
    return ps__kqsel_change((ps__kqsel *)state, reg, events & ~reg->events, reg->events & ~events);
}

static int ps__kqsel_remove(void *state, ps__selreg *reg)
{
    return ps__kqsel_change((ps__kqsel *)state, reg, 0, reg->events);
}

static int ps__kqsel_wait(void *state, ps_event *out, size_t max, double timeout)
{
    ps__kqsel *k = (ps__kqsel *)state;
    struct timespec ts, *tsp = NULL;
    int i, n, filled = 0;
    if (max > k->cap) {
        struct kevent *evs = (struct kevent *)ps__realloc(k->events, max * sizeof *evs);
        if (!evs)
            return PS_ENOMEM;
        k->events = evs;
        k->cap = max;
    }
    if (timeout >= 0.0) {
        ts.tv_sec = (time_t)timeout;
        ts.tv_nsec = (long)((timeout - (double)ts.tv_sec) * 1e9);
        tsp = &ts;
    }
    n = kevent(k->fd, NULL, 0, k->events, (int)max, tsp);
    if (n < 0)
        return errno == EINTR ? 0 : ps__posix_error();
    k->generation++;
    for (i = 0; i < n; i++) {
        const struct kevent *ev = &k->events[i];
        ps__selreg *reg = (ps__selreg *)(void *)ev->udata;
        int bits = ev->filter == EVFILT_READ ? PS_POLLIN : PS_POLLOUT;
        if (ev->flags & EV_ERROR)
            bits = PS_POLLERR;
        else if ((ev->flags & EV_EOF) && ev->fflags != 0)
            bits |= PS_POLLERR; /* fflags holds the socket error, e.g. a failed connect */
        else if (ev->flags & EV_EOF)
            bits |= PS_POLLHUP;
        if (reg->mark == k->generation) {
            out[reg->slot].events |= bits;
            continue;
        }
        reg->mark = k->generation;
        reg->slot = (size_t)filled;
        out[filled].sock = reg->sock;
        out[filled].data = reg->data;
        out[filled].events = bits;
        filled++;
    }
    return filled;
}

static void ps__kqsel_close(void *state)
{
    ps__kqsel *k = (ps__kqsel *)state;
    close(k->fd);
    ps__free(k->events);
    ps__free(k);
}

static const ps__selector_ops ps__kqsel_ops = {
    PS_SELECTOR_KQUEUE, ps__kqsel_open, ps__kqsel_add,   ps__kqsel_modify,
    ps__kqsel_remove,   ps__kqsel_wait, ps__kqsel_close,
};

const ps__selector_ops *ps__posix_kqueue_ops(void)
{
    return &ps__kqsel_ops;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int ps__no_kqueue;
#endif /* PS__HAVE_KQUEUE */
