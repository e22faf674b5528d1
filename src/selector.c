/* ps_selector: registrations and the user-facing checks; the waiting is
 * the backend's (epoll, kqueue, or the core's poll selector). */
#include "core.h"

#include <limits.h>
#include <stdlib.h>

struct ps_selector {
    const ps__selector_ops *ops;
    void *state;
    ps__selreg *regs; /* every registration, so close can detach them all */
};

int ps_selector_open_backend(ps_selector **out, int backend)
{
    const ps__selector_ops *ops;
    ps_selector *sel;
    int rc;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (backend < PS_SELECTOR_DEFAULT || backend > PS_SELECTOR_AFD)
        return PS_EINVAL;
    ops = backend == PS_SELECTOR_POLL ? NULL : ps__sys_selector_ops(backend);
    if (!ops) {
        if (backend != PS_SELECTOR_DEFAULT && backend != PS_SELECTOR_POLL)
            return PS_ENOTSUP;
        ops = &ps__selector_poll_ops;
    }
    sel = (ps_selector *)ps__calloc(1, sizeof *sel);
    if (!sel)
        return PS_ENOMEM;
    rc = ops->open(&sel->state);
    /* A backend that the system turns out to lack when opened (Windows'
     * AFD polling under an emulator) leaves the default to poll. */
    if (rc == PS_ENOTSUP && backend == PS_SELECTOR_DEFAULT && ops != &ps__selector_poll_ops) {
        ops = &ps__selector_poll_ops;
        rc = ops->open(&sel->state);
    }
    if (rc < 0) {
        ps__free(sel);
        return rc;
    }
    sel->ops = ops;
    *out = sel;
    return 0;
}

int ps_selector_open(ps_selector **out)
{
    return ps_selector_open_backend(out, PS_SELECTOR_DEFAULT);
}

int ps_selector_backend(const ps_selector *sel)
{
    return sel ? sel->ops->kind : PS_EINVAL;
}

static int ps__events_valid(int events)
{
    return events != 0 && !(events & ~(PS_POLLIN | PS_POLLOUT));
}

int ps_selector_add(ps_selector *sel, ps_socket *s, int events, void *data)
{
    ps__selreg *reg;
    int rc;
    if (!sel || !s || !ps__events_valid(events))
        return PS_EINVAL;
    if (s->reg)
        return PS_EEXIST;
    reg = (ps__selreg *)ps__calloc(1, sizeof *reg);
    if (!reg)
        return PS_ENOMEM;
    reg->sock = s;
    reg->h = s->h;
    reg->data = data;
    reg->events = events;
    reg->sel = sel;
    if ((rc = sel->ops->add(sel->state, reg)) < 0) {
        ps__free(reg);
        return rc;
    }
    reg->next = sel->regs;
    if (sel->regs)
        sel->regs->prev = reg;
    sel->regs = reg;
    s->reg = reg;
    return 0;
}

int ps_selector_modify(ps_selector *sel, ps_socket *s, int events, void *data)
{
    ps__selreg *reg;
    void *old_data;
    int rc;
    if (!sel || !s || !ps__events_valid(events))
        return PS_EINVAL;
    reg = s->reg;
    if (!reg || reg->sel != sel)
        return PS_ENOENT;
    if (events == reg->events && data == reg->data)
        return 0;
    /* The backend sees the new data too: it may keep a copy of its own. */
    old_data = reg->data;
    reg->data = data;
    if ((rc = sel->ops->modify(sel->state, reg, events)) < 0) {
        reg->data = old_data;
        return rc;
    }
    reg->events = events;
    return 0;
}

static void ps__unlink(ps_selector *sel, ps__selreg *reg)
{
    if (reg->prev)
        reg->prev->next = reg->next;
    else
        sel->regs = reg->next;
    if (reg->next)
        reg->next->prev = reg->prev;
    reg->sock->reg = NULL;
    ps__free(reg);
}

int ps_selector_remove(ps_selector *sel, ps_socket *s)
{
    int rc;
    if (!sel || !s)
        return PS_EINVAL;
    if (!s->reg || s->reg->sel != sel)
        return PS_ENOENT;
    /* The registration goes even if the kernel refuses (a handle closed
     * underneath is no longer in its set anyway). */
    rc = sel->ops->remove(sel->state, s->reg);
    ps__unlink(sel, s->reg);
    return rc;
}

void ps__selector_forget(ps_socket *s)
{
    if (s->reg)
        ps_selector_remove(s->reg->sel, s);
}

typedef struct ps__selector_call {
    ps_selector *sel;
    ps_event *out;
    size_t max;
} ps__selector_call;

static int ps__selector_once(void *ctx, double left)
{
    ps__selector_call *c = (ps__selector_call *)ctx;
    return c->sel->ops->wait(c->sel->state, c->out, c->max, left);
}

int ps_selector_wait(ps_selector *sel, ps_event *out, size_t max, double timeout)
{
    ps__selector_call call;
    if (!sel || !out || max == 0 || !ps__timeout_valid(timeout))
        return PS_EINVAL;
    call.sel = sel;
    call.out = out;
    call.max = max > (size_t)INT_MAX ? (size_t)INT_MAX : max;
    return ps__wait_until(timeout, ps__selector_once, &call);
}

void ps_selector_close(ps_selector *sel)
{
    if (!sel)
        return;
    while (sel->regs)
        ps_selector_remove(sel, sel->regs->sock);
    sel->ops->close(sel->state);
    ps__free(sel);
}
