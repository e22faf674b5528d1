/* The selector over ps__sys_poll: poll() on POSIX, WSAPoll on Windows. Its
 * cost follows the registered sockets; it is the portable fallback and the
 * Windows selector (WSAPoll has no FD_SETSIZE limit). */
#include "core.h"

#include <stdlib.h>

typedef struct ps__pollsel {
    ps__pollitem *items; /* items[i] belongs to regs[i]; reg->slot == i */
    ps__selreg **regs;
    size_t count, cap;
    size_t start; /* where the next wait begins its scan, so that a small
                     `max` cannot starve the sockets at the end */
} ps__pollsel;

static int ps__pollsel_open(void **state)
{
    ps__pollsel *p = (ps__pollsel *)calloc(1, sizeof *p);
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
        ps__pollitem *items = (ps__pollitem *)realloc(p->items, cap * sizeof *items);
        ps__selreg **regs;
        if (!items)
            return PS_ENOMEM;
        p->items = items;
        regs = (ps__selreg **)realloc(p->regs, cap * sizeof *regs);
        if (!regs)
            return PS_ENOMEM;
        p->regs = regs;
        p->cap = cap;
    }
    p->items[p->count].h = reg->h;
    p->items[p->count].events = reg->events;
    p->items[p->count].revents = 0;
    p->regs[p->count] = reg;
    reg->slot = p->count++;
    return 0;
}

static int ps__pollsel_modify(void *state, ps__selreg *reg, int events)
{
    ps__pollsel *p = (ps__pollsel *)state;
    p->items[reg->slot].events = events;
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
    return 0;
}

static int ps__pollsel_wait(void *state, ps_event *out, size_t max, double timeout)
{
    ps__pollsel *p = (ps__pollsel *)state;
    size_t k, begin, filled = 0;
    int rc = ps__sys_poll(p->items, p->count, timeout);
    if (rc <= 0)
        return rc;
    begin = p->start % p->count;
    for (k = 0; k < p->count && filled < max; k++) {
        size_t i = (begin + k) % p->count;
        if (p->items[i].revents) {
            out[filled].sock = p->regs[i]->sock;
            out[filled].data = p->regs[i]->data;
            out[filled].events = p->items[i].revents;
            filled++;
            p->start = i + 1; /* the next wait begins after the last one reported */
        }
    }
    return (int)filled;
}

static void ps__pollsel_close(void *state)
{
    ps__pollsel *p = (ps__pollsel *)state;
    free(p->items);
    free(p->regs);
    free(p);
}

const ps__selector_ops ps__selector_poll_ops = {
    PS_SELECTOR_POLL,   ps__pollsel_open, ps__pollsel_add,   ps__pollsel_modify,
    ps__pollsel_remove, ps__pollsel_wait, ps__pollsel_close,
};
