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
    /* PS_TIMEOUT_NONE, 0.0 or > 0 seconds. The native socket is in
     * non-blocking mode exactly when this is not PS_TIMEOUT_NONE. */
    double timeout;
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
    double at; /* monotonic seconds; < 0 while not started */
} ps__deadline;

#define PS__DEADLINE_INIT {-1.0}

/* Seconds left until d for an operation with this timeout, starting d at
 * the first call: PS_TIMEOUT_NONE for no limit, 0 once it has passed. */
double ps__deadline_left(ps__deadline *d, double timeout);

/* Calls wait(ctx, left) with the time left until it reports something
 * (non-zero) or the timeout passes (0): a wait that a signal cut short is
 * resumed with the rest of the time. For poll and selector waits. */
int ps__wait_until(double timeout, int (*wait)(void *ctx, double left), void *ctx);

/* The one timeout policy of portsock, called after an operation on s gave
 * PS_EAGAIN: returns PS_EAGAIN when s is non-blocking (or blocking natively,
 * which cannot wait), PS_ETIMEDOUT once the deadline has passed, else waits
 * for `events` (PS__WAIT_*) with the time left and returns 0 so that the
 * caller tries the operation again. A signal during the wait keeps the
 * deadline. */
int ps__await(const ps_socket *s, int events, ps__deadline *d);

#endif /* PS_CORE_H */
