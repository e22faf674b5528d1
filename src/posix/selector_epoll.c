/* The epoll selector (Linux): the kernel keeps the interest set, so a wait
 * costs in proportion to the ready sockets, not the registered ones. */
#include "posix.h"

#ifdef __linux__

#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef struct ps__epollsel {
    int fd;
    struct epoll_event *events; /* scratch for epoll_wait */
    size_t cap;
} ps__epollsel;

static uint32_t ps__epoll_interest(int events)
{
    return ((events & PS_POLLIN) ? EPOLLIN : 0u) | ((events & PS_POLLOUT) ? EPOLLOUT : 0u);
}

static int ps__epollsel_open(void **state)
{
    ps__epollsel *e = (ps__epollsel *)calloc(1, sizeof *e);
    if (!e)
        return PS_ENOMEM;
    e->fd = epoll_create1(EPOLL_CLOEXEC);
    if (e->fd < 0) {
        int rc = ps__posix_error();
        free(e);
        return rc;
    }
    *state = e;
    return 0;
}

static int ps__epollsel_ctl(ps__epollsel *e, int op, ps__selreg *reg, int events)
{
    struct epoll_event ev;
    ev.events = ps__epoll_interest(events);
    ev.data.ptr = reg;
    if (epoll_ctl(e->fd, op, reg->h, &ev) < 0)
        return ps__posix_error();
    return 0;
}

static int ps__epollsel_add(void *state, ps__selreg *reg)
{
    return ps__epollsel_ctl((ps__epollsel *)state, EPOLL_CTL_ADD, reg, reg->events);
}

static int ps__epollsel_modify(void *state, ps__selreg *reg, int events)
{
    return ps__epollsel_ctl((ps__epollsel *)state, EPOLL_CTL_MOD, reg, events);
}

static int ps__epollsel_remove(void *state, ps__selreg *reg)
{
    /* Kernels before 2.6.9 want a non-NULL event even for DEL. */
    struct epoll_event ev = {0, {0}};
    if (epoll_ctl(((ps__epollsel *)state)->fd, EPOLL_CTL_DEL, reg->h, &ev) < 0)
        return ps__posix_error();
    return 0;
}

static int ps__epollsel_wait(void *state, ps_event *out, size_t max, double timeout)
{
    ps__epollsel *e = (ps__epollsel *)state;
    int i, n;
    /* One wait reports at most this many: a huge max (up to INT_MAX from
     * the core) must not become a huge scratch array; the rest come with
     * the next wait. */
    if (max > 4096)
        max = 4096;
    if (max > e->cap) {
        struct epoll_event *evs = (struct epoll_event *)realloc(e->events, max * sizeof *evs);
        if (!evs)
            return PS_ENOMEM;
        e->events = evs;
        e->cap = max;
    }
    n = epoll_wait(e->fd, e->events, (int)max, ps__posix_timeout_ms(timeout));
    if (n < 0)
        return errno == EINTR ? 0 : ps__posix_error();
    for (i = 0; i < n; i++) {
        const ps__selreg *reg = (const ps__selreg *)e->events[i].data.ptr;
        uint32_t ev = e->events[i].events;
        out[i].sock = reg->sock;
        out[i].data = reg->data;
        out[i].events = ((ev & EPOLLIN) ? PS_POLLIN : 0) | ((ev & EPOLLOUT) ? PS_POLLOUT : 0) |
                        ((ev & EPOLLERR) ? PS_POLLERR : 0) | ((ev & EPOLLHUP) ? PS_POLLHUP : 0);
    }
    return n;
}

static void ps__epollsel_close(void *state)
{
    ps__epollsel *e = (ps__epollsel *)state;
    close(e->fd);
    free(e->events);
    free(e);
}

static const ps__selector_ops ps__epollsel_ops = {
    PS_SELECTOR_EPOLL,   ps__epollsel_open, ps__epollsel_add,   ps__epollsel_modify,
    ps__epollsel_remove, ps__epollsel_wait, ps__epollsel_close,
};

const ps__selector_ops *ps__posix_epoll_ops(void)
{
    return &ps__epollsel_ops;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int ps__no_epoll;
#endif /* __linux__ */
