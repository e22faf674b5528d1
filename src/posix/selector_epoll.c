/* The epoll selector (Linux): the kernel keeps the interest set, so a wait
 * costs in proportion to the ready sockets, not the registered ones. */
#include "posix.h"

#ifdef __linux__

#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

/* What a wait reports for one registration. The slots sit side by side
 * and epoll hands back a slot's index: the registrations themselves lie
 * scattered over the heap, and a wait that read each ready one there would
 * cost a cache (and TLB) miss per ready socket. */
typedef struct ps__epollslot {
    ps_socket *sock;
    void *data;
} ps__epollslot;

typedef struct ps__epollsel {
    int fd;
    struct epoll_event *events; /* scratch for epoll_wait */
    size_t cap;
    ps__epollslot *slots;
    size_t *unused; /* free slot indexes below nslots, a stack */
    size_t nslots, nunused, slotcap;
} ps__epollsel;

static uint32_t ps__epoll_interest(int events)
{
    return ((events & PS_POLLIN) ? EPOLLIN : 0u) | ((events & PS_POLLOUT) ? EPOLLOUT : 0u);
}

static int ps__epollsel_open(void **state)
{
    ps__epollsel *e = (ps__epollsel *)ps__calloc(1, sizeof *e);
    if (!e)
        return PS_ENOMEM;
    e->fd = epoll_create1(EPOLL_CLOEXEC);
    if (e->fd < 0) {
        int rc = ps__posix_error();
        ps__free(e);
        return rc;
    }
    *state = e;
    return 0;
}

static int ps__epollsel_ctl(ps__epollsel *e, int op, ps__selreg *reg, int events)
{
    struct epoll_event ev;
    ev.events = ps__epoll_interest(events);
    ev.data.u64 = reg->slot;
    if (epoll_ctl(e->fd, op, reg->h, &ev) < 0)
        return ps__posix_error();
    return 0;
}

/* Takes a slot for reg (reg->slot), a reused one first. */
static int ps__epollsel_take_slot(ps__epollsel *e, ps__selreg *reg)
{
    if (e->nunused > 0) {
        reg->slot = e->unused[--e->nunused];
    } else {
        if (e->nslots == e->slotcap) {
            size_t cap = e->slotcap ? e->slotcap * 2 : 64;
            ps__epollslot *slots = (ps__epollslot *)ps__realloc(e->slots, cap * sizeof *slots);
            size_t *unused;
            if (!slots)
                return PS_ENOMEM;
            e->slots = slots;
            unused = (size_t *)ps__realloc(e->unused, cap * sizeof *unused);
            if (!unused)
                return PS_ENOMEM;
            e->unused = unused;
            e->slotcap = cap;
        }
        reg->slot = e->nslots++;
    }
    e->slots[reg->slot].sock = reg->sock;
    e->slots[reg->slot].data = reg->data;
    return 0;
}

static void ps__epollsel_drop_slot(ps__epollsel *e, ps__selreg *reg)
{
    e->slots[reg->slot].sock = NULL;
    e->slots[reg->slot].data = NULL;
    e->unused[e->nunused++] = reg->slot;
}

static int ps__epollsel_add(void *state, ps__selreg *reg)
{
    ps__epollsel *e = (ps__epollsel *)state;
    int rc = ps__epollsel_take_slot(e, reg);
    if (rc == 0 && (rc = ps__epollsel_ctl(e, EPOLL_CTL_ADD, reg, reg->events)) < 0)
        ps__epollsel_drop_slot(e, reg);
    return rc;
}

static int ps__epollsel_modify(void *state, ps__selreg *reg, int events)
{
    ps__epollsel *e = (ps__epollsel *)state;
    int rc = 0;
    if (events != reg->events)
        rc = ps__epollsel_ctl(e, EPOLL_CTL_MOD, reg, events);
    if (rc == 0)
        e->slots[reg->slot].data = reg->data;
    return rc;
}

static int ps__epollsel_remove(void *state, ps__selreg *reg)
{
    ps__epollsel *e = (ps__epollsel *)state;
    /* Kernels before 2.6.9 want a non-NULL event even for DEL. */
    struct epoll_event ev = {0, {0}};
    int rc = epoll_ctl(e->fd, EPOLL_CTL_DEL, reg->h, &ev) < 0 ? ps__posix_error() : 0;
    /* The registration goes either way (see ps_selector_remove). */
    ps__epollsel_drop_slot(e, reg);
    return rc;
}

static int ps__epollsel_wait(void *state, ps_event *out, size_t max, double timeout)
{
    ps__epollsel *e = (ps__epollsel *)state;
    size_t live = e->nslots - e->nunused;
    int i, n;
    /* No more events than registrations can come: a huge max asks for no
     * huge buffer. */
    if (max > live)
        max = live > 0 ? live : 1;
    if (max > e->cap) {
        struct epoll_event *evs = (struct epoll_event *)ps__realloc(e->events, max * sizeof *evs);
        if (!evs)
            return PS_ENOMEM;
        e->events = evs;
        e->cap = max;
    }
    n = epoll_wait(e->fd, e->events, (int)max, ps__posix_timeout_ms(timeout));
    if (n < 0)
        return errno == EINTR ? 0 : ps__posix_error();
    for (i = 0; i < n; i++) {
        const ps__epollslot *slot = &e->slots[e->events[i].data.u64];
        uint32_t ev = e->events[i].events;
        out[i].sock = slot->sock;
        out[i].data = slot->data;
        out[i].events = ((ev & EPOLLIN) ? PS_POLLIN : 0) | ((ev & EPOLLOUT) ? PS_POLLOUT : 0) |
                        ((ev & EPOLLERR) ? PS_POLLERR : 0) | ((ev & EPOLLHUP) ? PS_POLLHUP : 0);
    }
    return n;
}

static void ps__epollsel_close(void *state)
{
    ps__epollsel *e = (ps__epollsel *)state;
    close(e->fd);
    ps__free(e->events);
    ps__free(e->slots);
    ps__free(e->unused);
    ps__free(e);
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
