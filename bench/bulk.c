/*
 * bulk: 1 GiB over a loopback TCP connection in 64 KiB pieces, MB/s
 * (10^6 bytes). A sender thread sends each piece whole (ps_sendall / a raw
 * send loop); the receiving thread receives into a 64 KiB buffer (ps_recv /
 * recv) until every byte is in. Blocking sockets on both sides.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#define BULK_PIECE 65536

typedef struct bulk_ctx {
    uint64_t total; /* bytes in a full sample */
    char *out, *in; /* BULK_PIECE each */
} bulk_ctx;

typedef struct bulk_sender {
    bulk_ctx *c;
    uint64_t total;
    rsock rs;
    ps_socket *ps;
} bulk_sender;

static void raw_sender(void *p)
{
    bulk_sender *b = (bulk_sender *)p;
    uint64_t left = b->total;
    while (left > 0) {
        size_t piece = left < BULK_PIECE ? (size_t)left : BULK_PIECE, done = 0;
        while (done < piece) {
            ptrdiff_t n = rsend(b->rs, b->c->out + done, piece - done);
            if (n < 0 && rinterrupted())
                continue;
            BENCH_CHECK(n > 0, "send");
            done += (size_t)n;
        }
        left -= piece;
    }
}

static void ps_sender(void *p)
{
    bulk_sender *b = (bulk_sender *)p;
    uint64_t left = b->total;
    while (left > 0) {
        size_t piece = left < BULK_PIECE ? (size_t)left : BULK_PIECE;
        BENCH_PS(ps_sendall(b->ps, b->c->out, piece, 0, NULL));
        left -= piece;
    }
}

static double v_raw(void *ctx, double scale)
{
    bulk_ctx *c = (bulk_ctx *)ctx;
    bulk_sender b;
    bench_thread t;
    rsock pair[2];
    uint64_t got = 0;
    double t0, t1;
    rpair_tcp(pair);
    b.c = c;
    b.total = (uint64_t)((double)c->total * scale);
    b.rs = pair[0];
    t0 = bench_now();
    bench_thread_start(&t, raw_sender, &b);
    while (got < b.total) {
        ptrdiff_t n = rrecv(pair[1], c->in, BULK_PIECE);
        if (n < 0 && rinterrupted())
            continue;
        BENCH_CHECK(n > 0, "recv");
        got += (uint64_t)n;
    }
    t1 = bench_now();
    bench_thread_join(&t);
    rclose(pair[0]);
    rclose(pair[1]);
    return (double)got / (t1 - t0) / 1e6;
}

static double v_ps(void *ctx, double scale)
{
    bulk_ctx *c = (bulk_ctx *)ctx;
    bulk_sender b;
    bench_thread t;
    ps_socket *pair[2];
    uint64_t got = 0;
    double t0, t1;
    pspair_tcp(pair);
    b.c = c;
    b.total = (uint64_t)((double)c->total * scale);
    b.ps = pair[0];
    t0 = bench_now();
    bench_thread_start(&t, ps_sender, &b);
    while (got < b.total) {
        ptrdiff_t n = ps_recv(pair[1], c->in, BULK_PIECE, 0);
        if (n <= 0)
            bench_die("bulk: ps_recv returned %ld (%s)", (long)n,
                      n < 0 ? ps_strerror((int)n) : "EOF");
        got += (uint64_t)n;
    }
    t1 = bench_now();
    bench_thread_join(&t);
    ps_close(pair[0]);
    ps_close(pair[1]);
    return (double)got / (t1 - t0) / 1e6;
}

void bench_bulk(void)
{
    static const bench_variant v[] = {
        {"raw send / recv", "MB/s", 1, -1, v_raw},
        {"portsock ps_sendall / ps_recv", "MB/s", 1, 0, v_ps},
    };
    bulk_ctx c;
    char title[160];
    c.total = bench_opt.quick ? (uint64_t)64 << 20 : (uint64_t)1 << 30;
    c.out = (char *)malloc(BULK_PIECE);
    c.in = (char *)malloc(BULK_PIECE);
    if (!c.out || !c.in)
        bench_die("out of memory");
    memset(c.out, 'b', BULK_PIECE);
    snprintf(title, sizeof title,
             "%llu MiB per sample over loopback TCP in 64 KiB pieces (blocking)",
             (unsigned long long)(c.total >> 20));
    bench_rounds("bulk", title, v, sizeof v / sizeof v[0], &c, 0.125);
    free(c.out);
    free(c.in);
}
