/* ps_poll: one portable poll over socket objects. */
#include "core.h"

#include <limits.h>
#include <stdlib.h>

#define PS__POLL_STACK_ITEMS 32

typedef struct ps__poll_call {
    ps__pollitem *items;
    size_t n;
} ps__poll_call;

static int ps__poll_once(void *ctx, double left)
{
    ps__poll_call *c = (ps__poll_call *)ctx;
    return ps__sys_poll(c->items, c->n, left);
}

int ps_poll(ps_pollfd *fds, size_t n, double timeout)
{
    ps__pollitem stack[PS__POLL_STACK_ITEMS];
    ps__poll_call call;
    size_t i;
    int rc;
    if ((!fds && n > 0) || !ps__timeout_valid(timeout) || n > (size_t)INT_MAX)
        return PS_EINVAL;
    for (i = 0; i < n; i++) {
        if (fds[i].events & ~(PS_POLLIN | PS_POLLOUT))
            return PS_EINVAL;
    }
    call.n = n;
    call.items = stack;
    if (n > PS__POLL_STACK_ITEMS &&
        !(call.items = (ps__pollitem *)ps__malloc(n * sizeof *call.items)))
        return PS_ENOMEM;
    for (i = 0; i < n; i++) {
        call.items[i].h = fds[i].sock ? fds[i].sock->h : PS_INVALID_NATIVE;
        call.items[i].events = fds[i].events;
        call.items[i].revents = 0;
    }
    rc = ps__wait_until(timeout, ps__poll_once, &call);
    for (i = 0; i < n; i++)
        fds[i].revents = rc > 0 ? (short)call.items[i].revents : 0;
    if (call.items != stack)
        ps__free(call.items);
    return rc;
}
