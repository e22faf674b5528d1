/*
 * connect: cycles of socket + connect + accept + close over loopback TCP,
 * per second, in one thread: a blocking connect to a loopback listener
 * completes in the kernel before accept runs (the listener queues it), so no
 * second thread and no thread wake-up is involved, and both sides do exactly
 * the same system calls:
 *
 *   socket (non-inheritable), connect, accept (non-inheritable, no peer
 *   address asked), SO_LINGER {1, 0} on the client, close client, close
 *   server side.
 *
 * SO_LINGER 0 makes the close a reset: tens of thousands of cycles would
 * otherwise leave as many TIME_WAIT entries and run out of loopback ports.
 */
#include "bench.h"

typedef struct connect_ctx {
    long n; /* cycles in a full sample */
} connect_ctx;

static double v_raw(void *ctx, double scale)
{
    connect_ctx *c = (connect_ctx *)ctx;
    struct sockaddr_in addr;
    rsock l = rlisten_loopback(&addr);
    long n = (long)((double)c->n * scale), i;
    double t0, t1;
    t0 = bench_now();
    for (i = 0; i < n; i++) {
        rsock cl = rsocket_tcp(), sv;
        BENCH_CHECK(cl != RSOCK_INVALID, "socket");
        BENCH_CHECK(connect(cl, (struct sockaddr *)&addr, (int)sizeof addr) == 0, "connect");
#ifdef _WIN32
        sv = accept(l, NULL, NULL);
#else
        sv = accept4(l, NULL, NULL, SOCK_CLOEXEC);
#endif
        BENCH_CHECK(sv != RSOCK_INVALID, "accept");
#ifdef _WIN32
        /* Accepted sockets inherit the listener's inheritability; portsock
         * clears it, so the raw side does too. */
        BENCH_CHECK(SetHandleInformation((HANDLE)sv, HANDLE_FLAG_INHERIT, 0),
                    "SetHandleInformation");
#endif
        BENCH_CHECK(rset_linger0(cl) == 0, "SO_LINGER");
        rclose(cl);
        rclose(sv);
    }
    t1 = bench_now();
    rclose(l);
    return (double)n / (t1 - t0);
}

static double v_ps(void *ctx, double scale)
{
    connect_ctx *c = (connect_ctx *)ctx;
    ps_socket *l;
    ps_addr addr;
    long n = (long)((double)c->n * scale), i;
    double t0, t1;
    BENCH_PS(ps_socket_open(&l, PS_AF_INET, PS_SOCK_STREAM, 0));
    BENCH_PS(ps_addr_parse(&addr, "127.0.0.1:0"));
    BENCH_PS(ps_bind(l, &addr));
    BENCH_PS(ps_listen(l, 128));
    BENCH_PS(ps_getsockname(l, &addr));
    t0 = bench_now();
    for (i = 0; i < n; i++) {
        ps_socket *cl, *sv;
        BENCH_PS(ps_socket_open(&cl, PS_AF_INET, PS_SOCK_STREAM, 0));
        BENCH_PS(ps_connect(cl, &addr));
        BENCH_PS(ps_accept(l, &sv, NULL));
        BENCH_PS(ps_setopt(cl, PS_OPT_LINGER, 0));
        ps_close(cl);
        ps_close(sv);
    }
    t1 = bench_now();
    ps_close(l);
    return (double)n / (t1 - t0);
}

void bench_connect(void)
{
    static const bench_variant v[] = {
        {"raw socket/connect/accept/close", "cyc/s", 1, -1, v_raw},
        {"portsock", "cyc/s", 1, 0, v_ps},
    };
    connect_ctx c;
    char title[160];
#ifdef _WIN32
    /* Each call is a wineserver round trip under Wine: fewer cycles. */
    c.n = bench_opt.quick ? 100 : 500;
#else
    c.n = bench_opt.quick ? 500 : 5000;
#endif
    snprintf(title, sizeof title,
             "connect + accept + close cycles over loopback TCP, one thread, %ld per sample", c.n);
    bench_rounds("connect", title, v, sizeof v / sizeof v[0], &c, 0.25);
}
