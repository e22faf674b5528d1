/* Load (label `load`): many clients at once through one selector-driven
 * echo server (a thread: one selector, non-blocking sockets), the clients
 * driven by one thread with its own selector. Each client sends M messages
 * with sequence numbers and checksums; every byte must come back, in order,
 * none lost or duplicated. N = 1000 on Linux (the descriptor limit is
 * raised as far as the hard limit allows); under Wine as many as it holds,
 * at least 200. A second test lets clients come and go (closing early,
 * resetting, connecting late) while the others carry on undisturbed.
 * Prints N, M, seconds and messages per second. */
#include "ps_test.h"

#ifndef _WIN32
#include <sys/resource.h>
#endif

#define N_WANT 1000 /* clients, where the system allows */
#define N_MIN 200   /* fewer than this is a failure */
/* Messages per client: under Wine a round trip through 2000 sockets costs
 * some 50 times what it costs on Linux, and the run must stay well inside
 * the test's 60 s watchdog. */
#ifdef _WIN32
#define M_MSGS 50
#else
#define M_MSGS 200
#endif
#define MAX_PAY 600     /* payload bytes per message: 0 .. MAX_PAY */
#define TIME_LIMIT 45.0 /* seconds for one run, below the test watchdog */

#define HDR 16 /* magic, client id, sequence, payload length (4 x u32) */
#define TRL 4  /* checksum over header and payload */
#define MAX_MSG (HDR + MAX_PAY + TRL)
#define MAGIC 0x5053u

/* ---- message format ---- */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint32_t fnv32(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

/* Appends message `seq` of client `id` to out; returns its length. */
static size_t make_msg(unsigned char *out, uint32_t id, uint32_t seq)
{
    uint32_t x = id * 2654435761u ^ seq * 40503u, len, i;
    x ^= x >> 15;
    len = x % (MAX_PAY + 1);
    put32(out, MAGIC);
    put32(out + 4, id);
    put32(out + 8, seq);
    put32(out + 12, len);
    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        out[HDR + i] = (unsigned char)(x >> 16);
    }
    put32(out + HDR + len, fnv32(out, HDR + len));
    return HDR + len + TRL;
}

/* ---- the server: one thread, one selector, non-blocking everything ---- */

#define SRV_READ 16384
#define SRV_HIGH (256 * 1024) /* stop reading a client whose echo backs up */

typedef struct srv_conn {
    ps_socket *s;
    unsigned char *buf;
    size_t off, len, cap; /* pending echo: buf[off .. len) */
    int interest;
} srv_conn;

typedef struct server {
    ps_socket *listener;
    ps_socket *control; /* end of stream here: stop once every client is gone */
    ps_socket *stop_switch;
    ps_selector *sel;
    long accepted, closed, open_now, max_open, broken;
    uint64_t echoed;
    int failed; /* the PS_E code that stopped it, 0 if none */
    test_thread t;
} server;

static void srv_close(server *sv, srv_conn *c)
{
    ps_close(c->s); /* also leaves the selector */
    free(c->buf);
    free(c);
    sv->closed++;
    sv->open_now--;
}

static int srv_set_interest(server *sv, srv_conn *c)
{
    int want = (c->len - c->off < SRV_HIGH ? PS_POLLIN : 0) | (c->len > c->off ? PS_POLLOUT : 0);
    int rc = 0;
    if (want != c->interest)
        rc = ps_selector_modify(sv->sel, c->s, want, c);
    c->interest = want;
    return rc;
}

/* Sends what is pending; < 0 when the connection is broken. */
static int srv_flush(server *sv, srv_conn *c)
{
    while (c->off < c->len) {
        ptrdiff_t n = ps_send(c->s, c->buf + c->off, c->len - c->off, 0);
        if (n == PS_EAGAIN)
            break;
        if (n < 0)
            return (int)n;
        c->off += (size_t)n;
        sv->echoed += (uint64_t)n;
    }
    if (c->off == c->len)
        c->off = c->len = 0;
    return 0;
}

/* Reads what is there into the echo buffer; 1 at end of stream, < 0 on a
 * broken connection. */
static int srv_read(srv_conn *c)
{
    int rounds;
    for (rounds = 0; rounds < 64 && c->len - c->off < SRV_HIGH; rounds++) {
        ptrdiff_t n;
        if (c->cap - c->len < SRV_READ && c->off > 0) {
            memmove(c->buf, c->buf + c->off, c->len - c->off);
            c->len -= c->off;
            c->off = 0;
        }
        if (c->cap - c->len < SRV_READ) {
            size_t cap = c->cap ? c->cap * 2 : 2 * SRV_READ;
            unsigned char *b = (unsigned char *)realloc(c->buf, cap);
            if (!b)
                return PS_ENOMEM;
            c->buf = b;
            c->cap = cap;
        }
        n = ps_recv(c->s, c->buf + c->len, SRV_READ, 0);
        if (n == PS_EAGAIN)
            return 0;
        if (n < 0)
            return (int)n;
        if (n == 0)
            return 1;
        c->len += (size_t)n;
    }
    return 0;
}

static void srv_accept_all(server *sv)
{
    int i;
    for (i = 0; i < 256; i++) {
        ps_socket *s = NULL;
        srv_conn *c;
        int rc = ps_accept(sv->listener, &s, NULL);
        if (rc == PS_EAGAIN)
            return;
        if (rc == PS_ECONNABORTED || rc == PS_ECONNRESET)
            continue; /* a client gave up before it was taken */
        if (rc < 0) {
            NOTE("server: accept: %s", ps_errname(rc));
            sv->failed = rc;
            return;
        }
        c = (srv_conn *)calloc(1, sizeof *c);
        if (!c || ps_setblocking(s, 0) < 0 || ps_selector_add(sv->sel, s, PS_POLLIN, c) < 0) {
            sv->failed = PS_ENOMEM;
            ps_close(s);
            free(c);
            return;
        }
        c->s = s;
        c->interest = PS_POLLIN;
        sv->accepted++;
        if (++sv->open_now > sv->max_open)
            sv->max_open = sv->open_now;
    }
}

static void server_thread(void *arg)
{
    server *sv = (server *)arg;
    static ps_event ev[512];
    int stopping = 0;
    double t0 = test_now(), stop_at = 0.0;
    while (!sv->failed && test_now() - t0 < TIME_LIMIT + 10.0) {
        int i, n;
        /* asked to stop: go once every client has gone (bounded) */
        if (stopping && (sv->open_now == 0 || test_now() - stop_at > 5.0))
            break;
        n = ps_selector_wait(sv->sel, ev, 512, 0.25);
        if (n < 0) {
            NOTE("server: selector wait: %s", ps_errname(n));
            sv->failed = n;
            break;
        }
        for (i = 0; i < n; i++) {
            srv_conn *c = (srv_conn *)ev[i].data;
            int rc = 0;
            if (ev[i].sock == sv->listener) {
                srv_accept_all(sv);
                continue;
            }
            if (ev[i].sock == sv->control) {
                stopping = 1;
                stop_at = test_now();
                ps_selector_remove(sv->sel, sv->control);
                continue;
            }
            if (ev[i].events & (PS_POLLIN | PS_POLLHUP | PS_POLLERR))
                rc = srv_read(c);
            if (rc == 0 || rc == 1) {
                int f = srv_flush(sv, c);
                if (f < 0)
                    rc = f;
            }
            /* End of stream with nothing left to echo, or a broken
             * connection: that client is gone, the others carry on. */
            if (rc < 0 || (rc == 1 && c->off == c->len)) {
                if (rc < 0)
                    sv->broken++;
                srv_close(sv, c);
                continue;
            }
            if (srv_set_interest(sv, c) < 0) {
                sv->failed = PS_EUNKNOWN;
                break;
            }
        }
    }
}

static void server_start(server *sv, ps_addr *addr)
{
    ps_socket *pair[2];
    memset(sv, 0, sizeof *sv);
    sv->listener = test_bound(PS_AF_INET, PS_SOCK_STREAM, addr);
    ASSERT_OK(ps_listen(sv->listener, 1024));
    ASSERT_OK(ps_setblocking(sv->listener, 0));
    ASSERT_OK(ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM));
    sv->stop_switch = pair[0];
    sv->control = pair[1];
    ASSERT_OK(ps_setblocking(sv->control, 0));
    ASSERT_OK(ps_selector_open(&sv->sel));
    ASSERT_OK(ps_selector_add(sv->sel, sv->listener, PS_POLLIN, NULL));
    ASSERT_OK(ps_selector_add(sv->sel, sv->control, PS_POLLIN, NULL));
    test_thread_spawn(&sv->t, server_thread, sv);
}

/* Stops the server once its clients are gone; checks it kept working. */
static void server_stop(server *sv)
{
    ASSERT_OK(ps_close(sv->stop_switch));
    test_thread_join(&sv->t);
    if (sv->failed)
        FAILF("the server stopped with %s", ps_errname(sv->failed));
    ASSERT_EQ(sv->open_now, 0);
    ASSERT_EQ(sv->closed, sv->accepted);
    ps_selector_close(sv->sel);
    ASSERT_OK(ps_close(sv->listener));
    ASSERT_OK(ps_close(sv->control));
}

/* ---- clients, driven by one thread with its own selector ---- */

enum plan {
    PLAN_ALL,    /* sends every message, reads every echo, closes */
    PLAN_QUIT,   /* closes after half of the echoes came back */
    PLAN_RESET,  /* resets the connection (linger 0) after half */
    PLAN_VANISH, /* sends a part and closes without reading anything */
};

typedef struct client {
    ps_socket *s;
    uint32_t id, msgs, next_seq;
    int plan;
    unsigned char *out; /* every message this client sends, in order */
    size_t outlen, sent, recvd;
    unsigned char rx[MAX_MSG]; /* the front of what came back, unparsed */
    size_t rxlen;
    int started, connected, finished, interest;
} client;

static void client_prepare(client *c, uint32_t id, uint32_t msgs, int plan)
{
    uint32_t k;
    memset(c, 0, sizeof *c);
    c->id = id;
    c->msgs = msgs;
    c->plan = plan;
    c->out = (unsigned char *)malloc((size_t)msgs * MAX_MSG);
    ASSERT_NOT_NULL(c->out);
    for (k = 0; k < msgs; k++)
        c->outlen += make_msg(c->out + c->outlen, id, k);
}

/* Checks the whole messages at the front of c->rx. */
static void client_parse(client *c)
{
    while (c->rxlen >= HDR) {
        uint32_t len = get32(c->rx + 12);
        size_t whole;
        if (get32(c->rx) != MAGIC || get32(c->rx + 4) != c->id || len > MAX_PAY)
            FAILF("client %u: a garbled header where message %u was due", (unsigned)c->id,
                  (unsigned)c->next_seq);
        whole = HDR + len + TRL;
        if (c->rxlen < whole)
            break;
        if (get32(c->rx + 8) != c->next_seq)
            FAILF("client %u: message %u came back where %u was due (lost or duplicated)",
                  (unsigned)c->id, (unsigned)get32(c->rx + 8), (unsigned)c->next_seq);
        if (get32(c->rx + HDR + len) != fnv32(c->rx, HDR + len))
            FAILF("client %u: the checksum of message %u is wrong", (unsigned)c->id,
                  (unsigned)c->next_seq);
        c->next_seq++;
        memmove(c->rx, c->rx + whole, c->rxlen - whole);
        c->rxlen -= whole;
    }
}

typedef struct driver {
    ps_selector *sel;
    ps_addr addr;
    client *cl;
    size_t n, started, finished, completed;
    uint64_t bytes_back;
} driver;

static void client_start(driver *d, client *c)
{
    int rc;
    ASSERT_OK(ps_socket_open(&c->s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_setblocking(c->s, 0));
    rc = ps_connect(c->s, &d->addr);
    if (rc != PS_EINPROGRESS && rc != 0)
        FAILF("client %u: connect: %s", (unsigned)c->id, ps_errname(rc));
    c->interest = PS_POLLOUT;
    ASSERT_OK(ps_selector_add(d->sel, c->s, PS_POLLOUT, c));
    c->started = 1;
    d->started++;
}

static void client_finish(driver *d, client *c, int completed)
{
    if (c->plan == PLAN_RESET)
        ASSERT_OK(ps_setopt(c->s, PS_OPT_LINGER, 0));
    ASSERT_OK(ps_close(c->s)); /* leaves the selector too */
    c->s = NULL;
    c->finished = 1;
    d->finished++;
    d->completed += completed != 0;
}

static void client_event(driver *d, client *c, int events)
{
    int rounds;
    if (!c->connected) {
        int err = -1;
        ASSERT_OK(ps_getopt(c->s, PS_OPT_ERROR, &err));
        if (err != 0)
            FAILF("client %u: connect failed: %s (events %#x)", (unsigned)c->id, ps_errname(err),
                  (unsigned)events);
        c->connected = 1;
    }
    /* what came back */
    for (rounds = 0; rounds < 64 && (events & (PS_POLLIN | PS_POLLHUP | PS_POLLERR)); rounds++) {
        ptrdiff_t n = ps_recv(c->s, c->rx + c->rxlen, sizeof c->rx - c->rxlen, 0);
        if (n == PS_EAGAIN)
            break;
        if (n < 0)
            FAILF("client %u: recv: %s after %zu of %zu bytes", (unsigned)c->id, ps_errname((int)n),
                  c->recvd, c->outlen);
        if (n == 0)
            FAILF("client %u: the server closed after %zu of %zu bytes", (unsigned)c->id, c->recvd,
                  c->outlen);
        if ((size_t)n > c->sent - c->recvd)
            FAILF("client %u: more came back than was sent", (unsigned)c->id);
        if (memcmp(c->rx + c->rxlen, c->out + c->recvd, (size_t)n) != 0)
            FAILF("client %u: bytes %zu.. came back different", (unsigned)c->id, c->recvd);
        c->recvd += (size_t)n;
        c->rxlen += (size_t)n;
        d->bytes_back += (uint64_t)n;
        client_parse(c);
        if (c->next_seq == c->msgs) {
            ASSERT_EQ(c->recvd, c->outlen);
            client_finish(d, c, 1);
            return;
        }
        if ((c->plan == PLAN_QUIT || c->plan == PLAN_RESET) && c->next_seq >= c->msgs / 2) {
            client_finish(d, c, 0);
            return;
        }
    }
    /* what is still to go */
    for (rounds = 0; rounds < 64 && c->sent < c->outlen; rounds++) {
        size_t len = c->outlen - c->sent;
        ptrdiff_t n;
        if (c->plan == PLAN_VANISH)
            len = len / 2 + 1;
        n = ps_send(c->s, c->out + c->sent, len > 65536 ? 65536 : len, 0);
        if (n == PS_EAGAIN)
            break;
        if (n < 0)
            FAILF("client %u: send: %s", (unsigned)c->id, ps_errname((int)n));
        c->sent += (size_t)n;
        if (c->plan == PLAN_VANISH) {
            client_finish(d, c, 0);
            return;
        }
    }
    {
        int want = PS_POLLIN | (c->sent < c->outlen ? PS_POLLOUT : 0);
        if (want != c->interest) {
            ASSERT_OK(ps_selector_modify(d->sel, c->s, want, c));
            c->interest = want;
        }
    }
}

/* Runs clients cl[0..n): the first `first` connect at once, the rest once
 * half of those have finished. Returns the seconds it took. */
static double drive(client *cl, size_t n, size_t first, const ps_addr *addr, driver *d)
{
    static ps_event ev[512];
    double t0 = test_now(), last_progress = t0;
    size_t i, last_finished = 0;
    memset(d, 0, sizeof *d);
    d->cl = cl;
    d->n = n;
    d->addr = *addr;
    ASSERT_OK(ps_selector_open(&d->sel));
    for (i = 0; i < first; i++)
        client_start(d, &cl[i]);
    while (d->finished < n) {
        int k, got;
        double now = test_now();
        if (now - t0 > TIME_LIMIT)
            FAILF("time limit: %zu of %zu clients finished after %.1f s", d->finished, n, now - t0);
        if (d->finished != last_finished) {
            last_finished = d->finished;
            last_progress = now;
        } else if (now - last_progress > 15.0) {
            FAILF("no progress for 15 s: %zu of %zu clients finished", d->finished, n);
        }
        if (d->started < n && d->finished >= first / 2) {
            for (i = d->started; i < n; i++)
                client_start(d, &cl[i]);
        }
        got = ps_selector_wait(d->sel, ev, sizeof ev / sizeof ev[0], 0.25);
        ASSERT_OK(got);
        for (k = 0; k < got; k++) {
            client *c = (client *)ev[k].data;
            if (c->finished)
                FAILF("the selector reported client %u after it was closed: a stale or "
                      "duplicate event",
                      (unsigned)c->id);
            client_event(d, c, ev[k].events);
        }
    }
    ps_selector_close(d->sel);
    return test_now() - t0;
}

/* ---- how many connections this system holds ---- */

/* Raises the descriptor limit as far as allowed (POSIX) and returns how
 * many sockets can be open at once, counting up to `want`. */
static size_t socket_capacity(size_t want)
{
    ps_socket **s = (ps_socket **)calloc(want, sizeof *s);
    size_t n = 0, i;
#ifndef _WIN32
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
#endif
    ASSERT_NOT_NULL(s);
    while (n < want && ps_socket_open(&s[n], PS_AF_INET, PS_SOCK_STREAM, 0) == 0)
        n++;
    for (i = 0; i < n; i++)
        ASSERT_OK(ps_close(s[i]));
    free(s);
    return n;
}

/* Clients for this run: N_WANT where the system holds them (Linux must),
 * else as many as it holds, at least N_MIN. */
static size_t client_count(void)
{
    const size_t spare = 64; /* listener, selectors, the stop pair, stdio */
    size_t cap = socket_capacity(2 * N_WANT + spare), n;
    n = cap > spare ? (cap - spare) / 2 : 0;
    if (n > N_WANT)
        n = N_WANT;
#ifndef _WIN32
    if (n < N_WANT) {
        static char why[160];
        snprintf(why, sizeof why,
                 "only %zu sockets can be open at once (RLIMIT_NOFILE); %d clients need %zu", cap,
                 N_WANT, 2 * (size_t)N_WANT + spare);
        SKIP(why);
    }
#endif
    if (n < N_MIN)
        FAILF("only %zu sockets can be open at once: fewer than %d clients", cap, N_MIN);
    return n;
}

/* ---- the tests ---- */

TEST(many_clients_at_once_get_every_byte_back_in_order)
{
    size_t n = client_count(), i;
    client *cl = (client *)calloc(n, sizeof *cl);
    server sv;
    driver d;
    ps_addr addr;
    double secs;
    uint64_t total = 0;
    ASSERT_NOT_NULL(cl);
    for (i = 0; i < n; i++) {
        client_prepare(&cl[i], (uint32_t)i, M_MSGS, PLAN_ALL);
        total += cl[i].outlen;
    }
    server_start(&sv, &addr);
    secs = drive(cl, n, n, &addr, &d);
    server_stop(&sv);
    ASSERT_EQ(d.completed, n);
    ASSERT_EQ(d.bytes_back, total);
    ASSERT_EQ(sv.accepted, (long)n);
    ASSERT_EQ(sv.echoed, total);
    ASSERT_EQ(sv.broken, 0);
    printf("# load: N=%zu clients at once, M=%d messages each, %llu bytes each way, "
           "%.2f s, %.0f messages/s (round trips), %.1f MB/s echoed, at most %ld connections "
           "open in the server\n",
           n, M_MSGS, (unsigned long long)total, secs, (double)n * M_MSGS / secs,
           (double)total / 1e6 / secs, sv.max_open);
    for (i = 0; i < n; i++)
        free(cl[i].out);
    free(cl);
}

TEST(clients_coming_and_going_do_not_disturb_the_others)
{
    /* 300 clients: a third start late; among the rest some close after
     * half their echoes, some reset, some vanish having sent a part. */
    const size_t n = 300, first = 200;
    client *cl = (client *)calloc(n, sizeof *cl);
    size_t i, want_complete = 0, vanishing = 0;
    server sv;
    driver d;
    ps_addr addr;
    double secs;
    ASSERT_NOT_NULL(cl);
    for (i = 0; i < n; i++) {
        int plan = PLAN_ALL;
        if (i < first) {
            switch (i % 8) {
            case 1: plan = PLAN_QUIT; break;
            case 3: plan = PLAN_RESET; break;
            case 5: plan = PLAN_VANISH; break;
            default: break;
            }
        }
        client_prepare(&cl[i], (uint32_t)i, M_MSGS, plan);
        want_complete += plan == PLAN_ALL;
        vanishing += plan == PLAN_VANISH;
    }
    server_start(&sv, &addr);
    secs = drive(cl, n, first, &addr, &d);
    server_stop(&sv);
    NOTE("churn: %zu clients (%zu late), %zu completed, %zu left early, server saw %ld broken "
         "connections, %.2f s",
         n, n - first, d.completed, n - d.completed, sv.broken, secs);
    ASSERT_EQ(d.completed, want_complete);
    /* a client that vanished at once may be gone before the accept */
    ASSERT_LE(sv.accepted, (long)n);
    ASSERT_GE(sv.accepted, (long)(n - vanishing));
    for (i = 0; i < n; i++)
        free(cl[i].out);
    free(cl);
}

TEST_LIST = {
    TEST_ENTRY(many_clients_at_once_get_every_byte_back_in_order),
    TEST_ENTRY(clients_coming_and_going_do_not_disturb_the_others),
};
TEST_MAIN()
