/*
 * pingpong: one byte back and forth over a loopback TCP connection
 * (TCP_NODELAY on both ends), round trips per second. A client thread sends
 * and waits for the echo; an echo thread answers. Both ends of a variant use
 * the same mode.
 *
 *   raw blocking            send / recv on blocking sockets
 *   portsock blocking       ps_send / ps_recv, no timeout
 *   raw poll-before-call    non-blocking, poll() before every call (CPython's way
 *                           with a timeout)
 *   portsock timeout        ps_settimeout(s, 5.0): "timeout set, data ready"
 *   raw try-first           non-blocking, the call first, poll() only on EAGAIN
 */
#include "bench.h"

#include <string.h>

enum { RAW_BLOCKING, RAW_POLLFIRST, RAW_TRYFIRST };

typedef struct pingpong_ctx {
    long n; /* round trips in a full sample */
} pingpong_ctx;

static void raw_wait(rsock s, short events)
{
    rpollfd p;
    int n;
    do {
        p.fd = s;
        p.events = events;
        p.revents = 0;
        n = RPOLL(&p, 1, 5000);
    } while (n < 0 && rinterrupted());
    BENCH_CHECK(n == 1, "poll");
}

/* One byte in or out, in the given raw mode. */
static void raw_io(rsock s, int mode, int sending, char *b)
{
    ptrdiff_t n;
    for (;;) {
        if (mode == RAW_POLLFIRST)
            raw_wait(s, sending ? RPOLLOUT : RPOLLIN);
        n = sending ? rsend(s, b, 1) : rrecv(s, b, 1);
        if (n == 1)
            return;
        if (n < 0 && rinterrupted())
            continue;
        if (n < 0 && mode != RAW_BLOCKING && rwouldblock()) {
            if (mode == RAW_TRYFIRST)
                raw_wait(s, sending ? RPOLLOUT : RPOLLIN);
            continue;
        }
        bench_die("pingpong: raw %s returned %ld (os error %d)", sending ? "send" : "recv", (long)n,
                  rerrno());
    }
}

typedef struct raw_echo {
    rsock s;
    int mode;
    long n;
} raw_echo;

static void raw_echo_thread(void *p)
{
    raw_echo *e = (raw_echo *)p;
    char b;
    long i;
    for (i = 0; i < e->n; i++) {
        raw_io(e->s, e->mode, 0, &b);
        raw_io(e->s, e->mode, 1, &b);
    }
}

static double raw_run(pingpong_ctx *c, double scale, int mode)
{
    rsock pair[2];
    raw_echo e;
    bench_thread t;
    long n = (long)((double)c->n * scale), i;
    double t0, t1;
    char b = 'x';
    rpair_tcp(pair);
    BENCH_CHECK(rset_nodelay(pair[0]) == 0 && rset_nodelay(pair[1]) == 0, "TCP_NODELAY");
    if (mode != RAW_BLOCKING)
        BENCH_CHECK(rset_nonblocking(pair[0], 1) == 0 && rset_nonblocking(pair[1], 1) == 0,
                    "FIONBIO");
    e.s = pair[1];
    e.mode = mode;
    e.n = n;
    t0 = bench_now();
    bench_thread_start(&t, raw_echo_thread, &e);
    for (i = 0; i < n; i++) {
        raw_io(pair[0], mode, 1, &b);
        raw_io(pair[0], mode, 0, &b);
    }
    t1 = bench_now();
    bench_thread_join(&t);
    rclose(pair[0]);
    rclose(pair[1]);
    return (double)n / (t1 - t0);
}

typedef struct ps_echo {
    ps_socket *s;
    long n;
} ps_echo;

static void ps_io(ps_socket *s, int sending, char *b)
{
    ptrdiff_t n = sending ? ps_send(s, b, 1, 0) : ps_recv(s, b, 1, 0);
    if (n != 1)
        bench_die("pingpong: ps_%s returned %ld (%s)", sending ? "send" : "recv", (long)n,
                  n < 0 ? ps_strerror((int)n) : "short");
}

static void ps_echo_thread(void *p)
{
    ps_echo *e = (ps_echo *)p;
    char b;
    long i;
    for (i = 0; i < e->n; i++) {
        ps_io(e->s, 0, &b);
        ps_io(e->s, 1, &b);
    }
}

static double ps_run(pingpong_ctx *c, double scale, double timeout)
{
    ps_socket *pair[2];
    ps_echo e;
    bench_thread t;
    long n = (long)((double)c->n * scale), i;
    double t0, t1;
    char b = 'x';
    pspair_tcp(pair);
    BENCH_PS(ps_setopt(pair[0], PS_OPT_NODELAY, 1));
    BENCH_PS(ps_setopt(pair[1], PS_OPT_NODELAY, 1));
    BENCH_PS(ps_settimeout(pair[0], timeout));
    BENCH_PS(ps_settimeout(pair[1], timeout));
    e.s = pair[1];
    e.n = n;
    t0 = bench_now();
    bench_thread_start(&t, ps_echo_thread, &e);
    for (i = 0; i < n; i++) {
        ps_io(pair[0], 1, &b);
        ps_io(pair[0], 0, &b);
    }
    t1 = bench_now();
    bench_thread_join(&t);
    ps_close(pair[0]);
    ps_close(pair[1]);
    return (double)n / (t1 - t0);
}

static double v_raw_blocking(void *c, double s)
{
    return raw_run((pingpong_ctx *)c, s, RAW_BLOCKING);
}
static double v_raw_pollfirst(void *c, double s)
{
    return raw_run((pingpong_ctx *)c, s, RAW_POLLFIRST);
}
static double v_raw_tryfirst(void *c, double s)
{
    return raw_run((pingpong_ctx *)c, s, RAW_TRYFIRST);
}
static double v_ps_blocking(void *c, double s)
{
    return ps_run((pingpong_ctx *)c, s, PS_TIMEOUT_NONE);
}
static double v_ps_timeout(void *c, double s)
{
    return ps_run((pingpong_ctx *)c, s, 5.0);
}

void bench_pingpong(void)
{
    /* Raw and portsock alternate; every ratio is against raw blocking. */
    static const bench_variant v[] = {
        {"raw blocking", "rt/s", 1, -1, v_raw_blocking},
        {"portsock blocking", "rt/s", 1, 0, v_ps_blocking},
        {"raw non-blocking, poll before call", "rt/s", 1, 0, v_raw_pollfirst},
        {"portsock timeout 5.0 (data ready)", "rt/s", 1, 0, v_ps_timeout},
        {"raw non-blocking, try first", "rt/s", 1, 0, v_raw_tryfirst},
    };
    pingpong_ctx c;
    char title[160];
#ifdef _WIN32
    /* A round trip costs tens of times more under Wine (wineserver calls). */
    c.n = bench_opt.quick ? 300 : 3000;
#else
    c.n = bench_opt.quick ? 2000 : 30000;
#endif
    snprintf(title, sizeof title,
             "1-byte round trips over loopback TCP, TCP_NODELAY, %ld per sample", c.n);
    bench_rounds("pingpong", title, v, sizeof v / sizeof v[0], &c, 0.25);
    bench_note("portsock timeout mode vs portsock blocking mode: %.3f", bench_last_ratio(3, 1));
    bench_tsv_ratio("pingpong", "portsock timeout 5.0 (data ready)", "portsock blocking",
                    bench_last_ratio(3, 1));
    bench_note("portsock timeout mode vs raw try-first: %.3f", bench_last_ratio(3, 4));
    bench_tsv_ratio("pingpong", "portsock timeout 5.0 (data ready)", "raw non-blocking, try first",
                    bench_last_ratio(3, 4));
    bench_note("round trip (medians): raw blocking %.2f us, portsock blocking %.2f us, "
               "portsock timeout %.2f us",
               1e6 / bench_last_median(0), 1e6 / bench_last_median(1), 1e6 / bench_last_median(3));
}
