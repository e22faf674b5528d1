/* The selector over ps__sys_poll: poll() on POSIX, WSAPoll on Windows. Its
 * cost follows the registered sockets; it is the portable fallback and the
 * Windows selector (WSAPoll has no FD_SETSIZE limit). */
#include "core.h"

#include <stdlib.h>

typedef struct ps__pollsel {
    ps__pollitem *items; /* items[i] belongs to regs[i]; reg->slot == i */
    ps__selreg **regs;
    ps__pollready *ready; /* room for cap: the items a wait found ready */
    size_t count, cap;
    size_t start;        /* the next wait reports from this index on (see wait) */
    ps__pollset *native; /* the native array of the items, kept between waits */
    int changed;         /* items changed since the native array was made */
} ps__pollsel;

static int ps__pollsel_open(void **state)
{
    ps__pollsel *p = (ps__pollsel *)ps__calloc(1, sizeof *p);
    if (!p)
        return PS_ENOMEM;
    *state = p;
    return 0;
}

static int ps__pollsel_add(void *state, ps__selreg *reg)
{
    ps__pollsel *p = (ps__pollsel *)state;
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        ps__pollitem *items = (ps__pollitem *)ps__realloc(p->items, cap * sizeof *items);
        ps__selreg **regs;
        ps__pollready *ready;
        if (!items)
            return PS_ENOMEM;
        p->items = items;
        regs = (ps__selreg **)ps__realloc(p->regs, cap * sizeof *regs);
        if (!regs)
            return PS_ENOMEM;
        p->regs = regs;
        ready = (ps__pollready *)ps__realloc(p->ready, cap * sizeof *ready);
        if (!ready)
            return PS_ENOMEM;
        p->ready = ready;
        p->cap = cap;
    }
    p->items[p->count].h = reg->h;
    p->items[p->count].events = reg->events;
    p->items[p->count].revents = 0;
    p->regs[p->count] = reg;
    reg->slot = p->count++;
    p->changed = 1;
    return 0;
}

static int ps__pollsel_modify(void *state, ps__selreg *reg, int events)
{
    ps__pollsel *p = (ps__pollsel *)state;
    if (events != reg->events) {
        p->items[reg->slot].events = events;
        p->changed = 1;
    }
    return 0;
}

static int ps__pollsel_remove(void *state, ps__selreg *reg)
{
    ps__pollsel *p = (ps__pollsel *)state;
    size_t last = --p->count;
    /* The last entry fills the hole: removal costs O(1). */
    if (reg->slot != last) {
        p->items[reg->slot] = p->items[last];
        p->regs[reg->slot] = p->regs[last];
        p->regs[reg->slot]->slot = reg->slot;
    }
    p->changed = 1;
    return 0;
}

static int ps__pollsel_wait(void *state, ps_event *out, size_t max, double timeout)
{
    ps__pollsel *p = (ps__pollsel *)state;
    const ps__pollready *ready = p->ready;
    size_t count, first = 0, k, filled = 0;
    int rc = ps__sys_pollset_wait(&p->native, p->items, p->count, p->changed, timeout, p->ready);
    if (rc < 0)
        return rc;
    p->changed = 0;
    count = (size_t)rc;
    /* The report begins at the first ready item after the last one reported
     * before, so that a small `max` cannot starve the items at the end. */
    while (first < count && ready[first].index < p->start)
        first++;
    for (k = 0; k < count && filled < max; k++) {
        const ps__pollready *r = &ready[first + k < count ? first + k : first + k - count];
        out[filled].sock = p->regs[r->index]->sock;
        out[filled].data = p->regs[r->index]->data;
        out[filled].events = r->revents;
        filled++;
        p->start = r->index + 1;
    }
    return (int)filled;
}

static void ps__pollsel_close(void *state)
{
    ps__pollsel *p = (ps__pollsel *)state;
    ps__sys_pollset_free(p->native);
    ps__free(p->items);
    ps__free(p->regs);
    ps__free(p->ready);
    ps__free(p);
}

const ps__selector_ops ps__selector_poll_ops = {
    PS_SELECTOR_POLL,   ps__pollsel_open, ps__pollsel_add,   ps__pollsel_modify,
    ps__pollsel_remove, ps__pollsel_wait, ps__pollsel_close,
};
