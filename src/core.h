/*
 * Internal to the platform-free core: the socket object and the helpers the
 * core's files share. Backends never include this (they see only sys.h).
 */
#ifndef PS_CORE_H
#define PS_CORE_H

#include "portsock.h"
#include "sys.h"
#include "atomic.h"

struct ps_socket {
    ps_native h;
    int family; /* PS_AF_* */
    int type;   /* PS_SOCK_* */
    /* PS_TIMEOUT_NONE, 0.0 or > 0 seconds, and whether the kernel times
     * each try (see ps__sys_set_timeout). ps_settimeout may change them
     * while another thread's call runs: read and written only through
     * ps__load_* / ps__store_* (atomic.h), and every call reads them once,
     * at its start (ps__deadline). */
    double timeout;
    int kernel_timed;
    /* 1 when another object may refer to the same native socket (both sides
     * of a ps_dup, and adopted handles), whose mode that object may change:
     * never kernel-timed, and where a try cannot be made non-blocking by
     * itself, timed calls wait before they try (timeout.c). Atomic too. */
    int shared;
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

/* "Mode unknown", the old timeout to give ps__apply_timeout and
 * ps__sys_set_timeout for an adopted, duplicated or departing handle: a NaN
 * made at run time. The NAN macro is a constant expression whose folding
 * recent MSVC SDKs warn about (C4756, an error at /WX); 0/0 from a volatile
 * is a quiet NaN in IEEE 754 arithmetic everywhere. */
double ps__unknown_mode(void);

/* 1 when seconds is a valid timeout (PS_TIMEOUT_NONE, 0.0 or finite > 0). */
int ps__timeout_valid(double seconds);

/* The PS_MSG_* bits that the data calls take. */
#define PS__MSG_IN_FLAGS (PS_MSG_PEEK | PS_MSG_WAITALL | PS_MSG_OOB)

/* One operation's timeout, as it was when the operation began, and its
 * deadline (shared by the pieces of a sendall): ps_settimeout from another
 * thread affects only operations that start after it. */
typedef struct ps__deadline {
    double timeout; /* PS__TIMEOUT_UNSET until the operation begins */
    double at;      /* monotonic seconds; < 0 while not started */
    int kernel;     /* the next try is timed by the kernel (blocking + SO_RCVTIMEO) */
    int dontwait;   /* the next try must not block (its own flag, not the socket's mode) */
} ps__deadline;

/* No timeout has this value (valid ones are -1.0, 0.0 and > 0). */
#define PS__TIMEOUT_UNSET (-3.0)

/* clang-format off */
#define PS__DEADLINE_INIT {PS__TIMEOUT_UNSET, -1.0, 0, 0}
/* clang-format on */

/* Ops bit for ps__run: the operation's try has no per-call non-blocking
 * flag (accept, sendfile, connect's completion): it follows the socket's
 * native mode. */
#define PS__RUN_MODE_BOUND 4
/* Ops bit for ps__run: the try only looks (connect's completion): its
 * PS_EAGAIN is never a kernel timeout. */
#define PS__RUN_LOOKS 8

/* Puts s's native socket in the mode for `timeout` (old: the mode it is in,
 * NaN when unknown) and records it in s. */
int ps__apply_timeout(ps_socket *s, double old, double timeout);

/* One try of an operation on s: its result, PS_EAGAIN or PS__EINTR. With
 * dontwait the try must not block (PS__MSG_DONTWAIT where the backend
 * takes flags; ignored by tries that follow the socket's mode). */
typedef ptrdiff_t (*ps__try_fn)(ps_socket *s, void *ctx, int dontwait);

/* Starts d for an operation on s: takes s's timeout and mode as they are
 * now. Returns 1 when the operation tries first, 0 when it must wait
 * before its first try (a shared socket whose try cannot be made
 * non-blocking by itself). Reads the clock only for a kernel-timed socket,
 * whose first try the kernel times: a signal can cut that try short, and
 * the time already spent is then needed. */
static inline int ps__begin(ps_socket *s, int events, ps__deadline *d)
{
    double timeout = ps__load_double(&s->timeout);
    d->timeout = timeout;
    d->kernel = 0;
    d->dontwait = 0;
    if (timeout < 0.0)
        return 1; /* blocking: the try waits by itself */
    if (timeout > 0.0 && ps__load_int(&s->kernel_timed)) {
        d->kernel = 1;
        d->at = ps__sys_monotonic() + timeout;
        return 1;
    }
    d->dontwait = 1;
    return !(ps__load_int(&s->shared) &&
             ((events & PS__RUN_MODE_BOUND) || !ps__sys_dontwait_per_call()));
}

/* THE timeout loop of portsock, for every operation on a socket: tries
 * first (but see ps__begin), and only on PS_EAGAIN or PS__EINTR applies the
 * operation's timeout (waits with the time left; a kernel-timed operation
 * whose try was cut short goes on this way) and tries again, until the
 * deadline d. A ready socket costs one system call. No socket-wide state
 * changes: whatever shares the socket, each call keeps its own deadline.
 * events: PS__WAIT_READ or PS__WAIT_WRITE, maybe with PS__RUN_MODE_BOUND. */
ptrdiff_t ps__run(ps_socket *s, int events, ps__try_fn try_op, void *ctx, ps__deadline *d);

/* ps__run after a try (or, with d begun, in place of one) that gave n. */
ptrdiff_t ps__run_after(ps_socket *s, int events, ps__try_fn try_op, void *ctx, ps__deadline *d,
                        ptrdiff_t n);

/* ps__run with its first try inline in the caller, for recv and send: where
 * every system call flushes the TLB (page-table isolation without PCID),
 * each cache line and page of code run after it is a miss, so a ready
 * socket's call should run as little out-of-line code as it can. A later
 * piece of the same operation (a sendall's) goes to ps__run. */
static inline ptrdiff_t ps__run_inline(ps_socket *s, int events, ps__try_fn try_op, void *ctx,
                                       ps__deadline *d)
{
    ptrdiff_t n;
    /* ps__begin, with each try's flag a constant; a shared socket and a
     * later piece go to ps__run. */
    if (d->timeout != PS__TIMEOUT_UNSET)
        return ps__run(s, events, try_op, ctx, d);
    d->timeout = ps__load_double(&s->timeout);
    if (d->timeout < 0.0) {
        n = try_op(s, ctx, 0);
    } else if (d->timeout > 0.0 && ps__load_int(&s->kernel_timed)) {
        d->kernel = 1;
        d->at = ps__sys_monotonic() + d->timeout;
        n = try_op(s, ctx, 0);
    } else if (!ps__load_int(&s->shared)) {
        d->dontwait = 1;
        n = try_op(s, ctx, 1);
    } else {
        d->timeout = PS__TIMEOUT_UNSET;
        return ps__run(s, events, try_op, ctx, d);
    }
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
