/* The AFD selector (Windows): the cost of a wait follows the ready sockets.
 *
 * Winsock's kernel side, the AFD driver, answers a poll request
 * (IOCTL_AFD_POLL, what WSAPoll and select() use inside) when one of its
 * sockets has one of the asked events. Sent on a handle of the driver
 * itself that is tied to an I/O completion port, each request stays with
 * the driver until then, and its completion is queued on the port, carrying
 * the events. So each idle registered socket has one request outstanding,
 * and a wait takes what the port has: it never looks at the idle sockets.
 * libuv, wepoll and Rust's mio/polling do the same; the driver's interface
 * is undocumented, so ntdll's calls are loaded at run time and a system
 * without them makes open PS_ENOTSUP (the default selector then is poll).
 *
 * Python's selectors are level-triggered: a socket reported by a wait is
 * reported again by the next one while it stays ready. A completed request
 * is not sent again right away (under Wine 8 each new request costs in
 * proportion to every pending one, and on Windows it is a system call per
 * socket): the sockets without a request ("unarmed": just reported, just
 * added or modified) are checked together at the next wait by one poll of
 * timeout 0 (ps__sys_poll); those still ready are reported again without a
 * request, and only those gone idle get a request of their own.
 *
 * A request that must go (modify, remove, close) is cancelled and orphaned:
 * the driver may still write into it until its completion comes out of
 * the port, so it is freed only then. */
#include "afd.h"
#include "selector_afd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---- the selector ---- */

struct ps__afdsock;

/* One poll request; lives while the driver holds it. */
typedef struct ps__afdreq {
    ps__iosb iosb;
    ps__afd_poll_info info;
    struct ps__afdsock *owner; /* NULL once cancelled: freed when it completes */
} ps__afdreq;

#define PS__NOWHERE SIZE_MAX

/* One registration. */
typedef struct ps__afdsock {
    ps_socket *sock;
    void *data;
    ps_native h;       /* the user's socket, for the check */
    SOCKET base;       /* the driver's, for the requests */
    int events;        /* PS_POLLIN | PS_POLLOUT */
    ps__afdreq *req;   /* kept for the next request; NULL at first and after a cancel */
    int pending;       /* req is with the driver */
    size_t unarmed_at; /* index in the unarmed list, or PS__NOWHERE */
} ps__afdsock;

typedef struct ps__afdsel {
    HANDLE port, afd;
    ps__afdsock **slots; /* by ps__selreg.slot */
    size_t *free_slots;
    size_t nslots, nfree, cap; /* cap: of slots, free_slots, unarmed, items */
    ps__afdsock **unarmed;     /* registrations without a request */
    size_t nunarmed;
    size_t next_check;      /* where the next check starts in the unarmed list */
    ps__pollitem *items;    /* scratch for the check */
    ps__afdsock **checking; /* the sockets of items, in order */
    size_t orphans;         /* cancelled requests not yet back from the port */
} ps__afdsel;

static int ps__afdsel_open(void **state)
{
    ps__afdsel *e;
    int rc = ps__win_start();
    if (rc < 0)
        return rc;
    if (ps__win_force_no_afd() || !ps__afd_available())
        return PS_ENOTSUP;
    e = (ps__afdsel *)ps__calloc(1, sizeof *e);
    if (!e)
        return PS_ENOMEM;
    if ((rc = ps__afd_open_device(&e->afd)) < 0) {
        ps__free(e);
        return rc;
    }
    e->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (!e->port || !CreateIoCompletionPort(e->afd, e->port, 0, 0)) {
        rc = ps__sys_error_from_native((int)GetLastError());
        if (e->port)
            CloseHandle(e->port);
        CloseHandle(e->afd);
        ps__free(e);
        return rc == PS_EUNKNOWN ? PS_ENOMEM : rc;
    }
    /* Nobody waits on the device handle itself: spare the driver setting it. */
    SetFileCompletionNotificationModes(e->afd, FILE_SKIP_SET_EVENT_ON_HANDLE);
    *state = e;
    return 0;
}

static void ps__unarmed_push(ps__afdsel *e, ps__afdsock *a)
{
    if (a->unarmed_at == PS__NOWHERE) {
        a->unarmed_at = e->nunarmed;
        e->unarmed[e->nunarmed++] = a;
    }
}

static void ps__unarmed_drop(ps__afdsel *e, ps__afdsock *a)
{
    size_t at = a->unarmed_at, last;
    if (at == PS__NOWHERE)
        return;
    last = --e->nunarmed;
    if (at != last) {
        e->unarmed[at] = e->unarmed[last];
        e->unarmed[at]->unarmed_at = at;
    }
    a->unarmed_at = PS__NOWHERE;
}

/* Room for one more registration everywhere, so that nothing after the
 * add can run out of memory half way. */
static int ps__afdsel_reserve(ps__afdsel *e)
{
    size_t cap;
    void *p;
    if (e->nslots < e->cap)
        return 0;
    cap = e->cap ? e->cap * 2 : 64;
    if (!(p = ps__realloc(e->slots, cap * sizeof *e->slots)))
        return PS_ENOMEM;
    e->slots = (ps__afdsock **)p;
    if (!(p = ps__realloc(e->free_slots, cap * sizeof *e->free_slots)))
        return PS_ENOMEM;
    e->free_slots = (size_t *)p;
    if (!(p = ps__realloc(e->unarmed, cap * sizeof *e->unarmed)))
        return PS_ENOMEM;
    e->unarmed = (ps__afdsock **)p;
    if (!(p = ps__realloc(e->items, cap * sizeof *e->items)))
        return PS_ENOMEM;
    e->items = (ps__pollitem *)p;
    if (!(p = ps__realloc(e->checking, cap * sizeof *e->checking)))
        return PS_ENOMEM;
    e->checking = (ps__afdsock **)p;
    e->cap = cap;
    return 0;
}

static int ps__afdsel_add(void *state, ps__selreg *reg)
{
    ps__afdsel *e = (ps__afdsel *)state;
    ps__afdsock *a;
    SOCKET base;
    int rc = ps__afd_base_socket(PS__SOCK(reg->h), &base);
    if (rc < 0)
        return rc;
    if (e->nfree == 0 && (rc = ps__afdsel_reserve(e)) < 0)
        return rc;
    a = (ps__afdsock *)ps__calloc(1, sizeof *a);
    if (!a)
        return PS_ENOMEM;
    a->sock = reg->sock;
    a->data = reg->data;
    a->h = reg->h;
    a->base = base;
    a->events = reg->events;
    a->unarmed_at = PS__NOWHERE;
    reg->slot = e->nfree > 0 ? e->free_slots[--e->nfree] : e->nslots++;
    e->slots[reg->slot] = a;
    /* checked by the next wait, which sends its request if idle */
    ps__unarmed_push(e, a);
    return 0;
}

/* Takes a's request back from the driver. The driver may still complete it
 * (NtCancelIoFileEx says STATUS_NOT_FOUND then), so it is orphaned, not
 * freed: its completion comes out of the port either way. */
static void ps__afd_cancel(ps__afdsel *e, ps__afdsock *a)
{
    a->req->owner = NULL;
    ps__afd_cancel_request(e->afd, &a->req->iosb);
    e->orphans++;
    a->req = NULL;
    a->pending = 0;
}

static int ps__afdsel_modify(void *state, ps__selreg *reg, int events)
{
    ps__afdsel *e = (ps__afdsel *)state;
    ps__afdsock *a = e->slots[reg->slot];
    a->data = reg->data;
    if (events == a->events)
        return 0;
    a->events = events;
    /* The request asks for the old events: the next wait checks the new
     * ones and sends a new request if need be. */
    if (a->pending)
        ps__afd_cancel(e, a);
    ps__unarmed_push(e, a);
    return 0;
}

static int ps__afdsel_remove(void *state, ps__selreg *reg)
{
    ps__afdsel *e = (ps__afdsel *)state;
    ps__afdsock *a = e->slots[reg->slot];
    if (a->pending)
        ps__afd_cancel(e, a);
    ps__unarmed_drop(e, a);
    ps__free(a->req);
    ps__free(a);
    e->slots[reg->slot] = NULL;
    e->free_slots[e->nfree++] = reg->slot;
    return 0;
}

static ULONG ps__afd_mask(int events)
{
    ULONG m = PS__AFD_ABORT | PS__AFD_CONNECT_FAIL | PS__AFD_LOCAL_CLOSE;
    if (events & PS_POLLIN)
        m |= PS__AFD_RECEIVE | PS__AFD_ACCEPT | PS__AFD_DISCONNECT;
    if (events & PS_POLLOUT)
        m |= PS__AFD_SEND;
    return m;
}

/* The driver's events as PS_POLL* bits, as the poll selector reports them
 * on Windows (wait.c): a hang-up wakes a reader, an error a writer. */
static int ps__afd_events(ULONG afd, int events)
{
    int r = 0;
    if (afd & (PS__AFD_RECEIVE | PS__AFD_ACCEPT))
        r |= PS_POLLIN;
    if (afd & PS__AFD_SEND)
        r |= PS_POLLOUT;
    if (afd & PS__AFD_DISCONNECT)
        r |= PS_POLLHUP;
    if (afd & PS__AFD_ABORT)
        r |= PS_POLLHUP | PS_POLLERR;
    if (afd & PS__AFD_CONNECT_FAIL)
        r |= PS_POLLERR;
    if (afd & PS__AFD_LOCAL_CLOSE)
        r |= PS_POLLNVAL;
    if (r & PS_POLLHUP)
        r |= events & PS_POLLIN;
    if (r & PS_POLLERR)
        r |= events & PS_POLLOUT;
    return r & (events | PS_POLLERR | PS_POLLHUP | PS_POLLNVAL);
}

/* Sends a's request: it completes on the port when an event comes (at
 * once if one is there). 0, the PS_POLL* bits to report when the driver
 * refused it (a socket closed underneath), or PS_ENOMEM. */
static int ps__afd_arm(ps__afdsel *e, ps__afdsock *a)
{
    ps__afdreq *r = a->req;
    ps__ntstatus st;
    if (!r) {
        r = (ps__afdreq *)ps__calloc(1, sizeof *r);
        if (!r)
            return PS_ENOMEM;
        r->owner = a;
        a->req = r;
    }
    r->info.timeout.QuadPart = INT64_MAX;
    r->info.count = 1;
    r->info.exclusive = FALSE;
    r->info.handles[0].handle = (HANDLE)a->base;
    r->info.handles[0].events = ps__afd_mask(a->events);
    r->info.handles[0].status = 0;
    /* The request itself is the completion's context (the entry's
     * lpOverlapped). */
    st = ps__afd_poll(e->afd, r, &r->iosb, &r->info);
    if (st != PS__STATUS_SUCCESS && st != PS__STATUS_PENDING)
        return st == PS__STATUS_INVALID_HANDLE ? PS_POLLNVAL : PS_POLLERR;
    a->pending = 1;
    return 0;
}

static void ps__afd_report(ps_event *out, size_t *filled, const ps__afdsock *a, int events)
{
    out[*filled].sock = a->sock;
    out[*filled].data = a->data;
    out[*filled].events = events;
    (*filled)++;
}

/* The unarmed sockets, all in one poll of timeout 0: those ready are
 * reported (while out has room) and stay unarmed, so that the next wait
 * checks them again; the others get a request. */
static int ps__afd_check(ps__afdsel *e, ps_event *out, size_t max, size_t *filled)
{
    size_t n = e->nunarmed, i, start;
    int rc, left_out = 0;
    if (n == 0)
        return 0;
    /* Rotated, so that a small max cannot starve the list's end; copied,
     * because arming takes sockets out of the list. */
    start = e->next_check < n ? e->next_check : 0;
    for (i = 0; i < n; i++) {
        ps__afdsock *a = e->unarmed[(start + i) % n];
        e->checking[i] = a;
        e->items[i].h = a->h;
        e->items[i].events = a->events;
        e->items[i].revents = 0;
    }
    if ((rc = ps__sys_poll(e->items, n, 0.0)) < 0)
        return rc;
    e->next_check = 0;
    for (i = 0; i < n; i++) {
        ps__afdsock *a = e->checking[i];
        int ev = e->items[i].revents;
        if (!ev && (ev = ps__afd_arm(e, a)) == 0) {
            ps__unarmed_drop(e, a);
            continue;
        }
        if (ev < 0)
            return ev;
        if (*filled < max) {
            ps__afd_report(out, filled, a, ev);
        } else if (!left_out) {
            left_out = 1; /* the first one left out starts the next check */
            e->next_check = a->unarmed_at;
        }
    }
    return 0;
}

/* Whole milliseconds, rounded up (a wait rounded down to 0 would spin). */
static DWORD ps__afd_ms(double timeout)
{
    double ms;
    if (timeout < 0.0)
        return INFINITE;
    ms = ceil(timeout * 1000.0);
    return ms >= (double)(INFINITE - 1) ? INFINITE - 1 : (DWORD)ms;
}

#define PS__AFD_BATCH 64

/* Takes completions from the port (waiting up to timeout for the first)
 * until out is full or none is left. *woke becomes 1 when a socket came
 * back without anything to report. */
static int ps__afd_collect(ps__afdsel *e, ps_event *out, size_t max, size_t *filled, double timeout,
                           int *woke)
{
    OVERLAPPED_ENTRY got[PS__AFD_BATCH];
    DWORD ms = ps__afd_ms(timeout);
    while (*filled < max) {
        ULONG want = (ULONG)(max - *filled < PS__AFD_BATCH ? max - *filled : PS__AFD_BATCH), n = 0,
              i;
        if (!GetQueuedCompletionStatusEx(e->port, got, want, &n, ms, FALSE)) {
            DWORD err = GetLastError();
            return err == WAIT_TIMEOUT ? 0 : ps__sys_error_from_native((int)err);
        }
        for (i = 0; i < n; i++) {
            ps__afdreq *r = (ps__afdreq *)got[i].lpOverlapped;
            ps__afdsock *a = r->owner;
            int ev;
            if (!a) {
                ps__free(r);
                e->orphans--;
                continue;
            }
            a->pending = 0;
            if (r->iosb.u.status != PS__STATUS_SUCCESS)
                ev = PS_POLLERR;
            else if (r->info.count < 1)
                ev = 0;
            else
                ev = ps__afd_events(r->info.handles[0].events, a->events);
            ps__unarmed_push(e, a);
            if (ev)
                ps__afd_report(out, filled, a, ev);
            else
                *woke = 1;
        }
        ms = 0;
        if (n < want)
            break;
    }
    return 0;
}

static int ps__afdsel_wait(void *state, ps_event *out, size_t max, double timeout)
{
    ps__afdsel *e = (ps__afdsel *)state;
    size_t filled = 0;
    int round, rc;
    /* A second round only when a completion left a socket unarmed with
     * nothing to report (it must be checked before this wait gives up). */
    for (round = 0; round < 2; round++) {
        int woke = 0;
        if ((rc = ps__afd_check(e, out, max, &filled)) < 0)
            return rc;
        rc = ps__afd_collect(e, out, max, &filled, filled > 0 || round > 0 ? 0.0 : timeout, &woke);
        if (rc < 0)
            return rc;
        if (filled > 0 || !woke)
            break;
    }
    return (int)filled;
}

static void ps__afdsel_close(void *state)
{
    ps__afdsel *e = (ps__afdsel *)state;
    size_t i;
    int tries;
    /* Every registration went before (ps_selector_close removes them):
     * only the orphans are left. The driver writes into each one until its
     * completion is out of the port, so they are awaited, for a bounded
     * time; one that never comes is left allocated rather than freed under
     * the driver. */
    for (tries = 0; e->orphans > 0 && tries < 100; tries++) {
        OVERLAPPED_ENTRY got[PS__AFD_BATCH];
        ULONG n = 0, k;
        if (!GetQueuedCompletionStatusEx(e->port, got, PS__AFD_BATCH, &n, 20, FALSE))
            continue;
        for (k = 0; k < n; k++) {
            ps__afdreq *r = (ps__afdreq *)got[k].lpOverlapped;
            if (!r->owner) {
                ps__free(r);
                e->orphans--;
            }
        }
    }
    for (i = 0; i < e->nslots; i++) {
        if (e->slots[i])
            ps__free(e->slots[i]); /* none: the core removed them all */
    }
    CloseHandle(e->afd);
    CloseHandle(e->port);
    ps__free(e->slots);
    ps__free(e->free_slots);
    ps__free(e->unarmed);
    ps__free(e->items);
    ps__free(e->checking);
    ps__free(e);
}

static const ps__selector_ops ps__afdsel_ops = {
    PS_SELECTOR_AFD,   ps__afdsel_open, ps__afdsel_add,   ps__afdsel_modify,
    ps__afdsel_remove, ps__afdsel_wait, ps__afdsel_close,
};

const ps__selector_ops *ps__win_afd_ops(void)
{
    return &ps__afdsel_ops;
}
