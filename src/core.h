/*
 * Internal to the platform-free core: the socket object and the helpers the
 * core's files share. Backends never include this (they see only sys.h).
 */
#ifndef PS_CORE_H
#define PS_CORE_H

#include "portsock.h"
#include "sys.h"

struct ps_socket {
    ps_native h;
    int family; /* PS_AF_* */
    int type;   /* PS_SOCK_* */
    /* PS_TIMEOUT_NONE, 0.0 or > 0 seconds; the native mode that carries
     * it out is set by ps__apply_timeout. */
    double timeout;
    /* 1 when the kernel times each try (see ps__sys_set_timeout). */
    int kernel_timed;
    /* The user's reference plus one per open ps_file: the object and the
     * native socket live until the last one is dropped. */
    int refs;
    /* Set by ps_detach while streams are open: they must not close h. */
    int detached;
    /* The socket's registration with a selector, or NULL. */
    ps__selreg *reg;
};

/* Wraps a native socket in a new object with the given timeout (the native
 * mode must already match it). PS_ENOMEM leaves h to the caller. */
int ps__socket_wrap(ps_socket **out, ps_native h, int family, int type, double timeout);

/* Unregisters s from its selector, if any (ps_close and ps_detach do). */
void ps__selector_forget(ps_socket *s);

/* The core's own selector backend, over ps__sys_poll. */
extern const ps__selector_ops ps__selector_poll_ops;

/* Drops one reference; the last one closes the native socket (unless
 * detached) and frees s. Returns the close's result. */
int ps__socket_release(ps_socket *s);

/* 1 when seconds is a valid timeout (PS_TIMEOUT_NONE, 0.0 or finite > 0). */
int ps__timeout_valid(double seconds);

/* The PS_MSG_* bits that the data calls take. */
#define PS__MSG_IN_FLAGS (PS_MSG_PEEK | PS_MSG_WAITALL | PS_MSG_OOB)

/* A deadline that starts only when the first wait is needed, so that an
 * operation on a ready socket never reads the clock. */
typedef struct ps__deadline {
    double at;    /* monotonic seconds; < 0 while not started */
    int narrowed; /* PS__WAIT_* sides whose kernel timeout is cut to the time left */
} ps__deadline;

/* clang-format off */
#define PS__DEADLINE_INIT {-1.0, 0}
/* clang-format on */

/* Puts s's native socket in the mode for `timeout` (old: the mode it is in,
 * NaN when unknown) and records it in s. */
int ps__apply_timeout(ps_socket *s, double old, double timeout);

/* One try of an operation on s: its result, PS_EAGAIN or PS__EINTR. */
typedef ptrdiff_t (*ps__try_fn)(ps_socket *s, void *ctx);

/* THE timeout loop of portsock, for every operation on a socket: tries
 * first, and only on PS_EAGAIN or PS__EINTR applies the socket's timeout
 * (waits with the time left, or narrows the kernel's timeout to it) and
 * tries again, until the deadline d (shared by the pieces of a sendall).
 * A ready socket costs one system call. */
ptrdiff_t ps__run(ps_socket *s, int events, ps__try_fn try_op, void *ctx, ps__deadline *d);

/* ps__run after its first try, which gave n. */
ptrdiff_t ps__run_after(ps_socket *s, int events, ps__try_fn try_op, void *ctx, ps__deadline *d,
                        ptrdiff_t n);

/* ps__run with its first try inline in the caller, for recv and send: where
 * every system call flushes the TLB (page-table isolation without PCID),
 * each cache line and page of code run after it is a miss, so a ready
 * socket's call should run as little out-of-line code as it can. A
 * kernel-timed socket's clock starts before the first try, since a signal
 * can cut any try short; a later piece of the same operation (a sendall's)
 * goes to ps__run, which gives it the rest. */
static inline ptrdiff_t ps__run_inline(ps_socket *s, int events, ps__try_fn try_op, void *ctx,
                                       ps__deadline *d)
{
    ptrdiff_t n;
    if (s->kernel_timed) {
        if (d->at >= 0.0)
            return ps__run(s, events, try_op, ctx, d);
        d->at = ps__sys_monotonic() + s->timeout;
    }
    n = try_op(s, ctx);
    if (n != PS_EAGAIN && n != PS__EINTR)
        return n;
    return ps__run_after(s, events, try_op, ctx, d, n);
}

/* Seconds left until d for an operation with this timeout, starting d at
 * the first call: PS_TIMEOUT_NONE for no limit, 0 once it has passed. */
double ps__deadline_left(ps__deadline *d, double timeout);

/* Calls wait(ctx, left) with the time left until it reports something
 * (non-zero) or the timeout passes (0): a wait that a signal cut short is
 * resumed with the rest of the time. For poll and selector waits. */
int ps__wait_until(double timeout, int (*wait)(void *ctx, double left), void *ctx);

/* PS_DIAG_FORCE_UNIX_PAIR_FAILURE is on (diag.c). */
int ps__diag_unix_pair_fails(void);

#endif /* PS_CORE_H */
