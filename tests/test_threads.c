/* Issue 14: each call on each socket object keeps its own timeout, whatever
 * shares the socket: a signal in another thread, a second object on the same
 * socket (ps_dup, an adopted duplicate of ps_fileno), a mode changed through
 * the native handle, or ps_settimeout from another thread during the call.
 * Also the threading contract of portsock.h (calls that may run at once), the
 * handle ps_detach hands out, and timeouts out of range. The linux-tsan
 * preset runs this program under ThreadSanitizer. */
#include "ps_test.h"

#include <float.h>
#include <limits.h>
#ifndef _WIN32
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#endif

/* Slack past a deadline that a loaded machine may add (scheduling). */
#define SLACK 1.5

/* ---- helpers ---- */

/* A duplicate of the native handle made by the OS, not by portsock: a
 * program that hands ps_fileno's socket to other code does this. */
static ps_native native_dup(ps_native h)
{
#ifdef _WIN32
    WSAPROTOCOL_INFOW info;
    SOCKET d;
    memset(&info, 0, sizeof info);
    ASSERT_EQ(WSADuplicateSocketW((SOCKET)h, GetCurrentProcessId(), &info), 0);
    d = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                   WSA_FLAG_OVERLAPPED);
    ASSERT_TRUE(d != INVALID_SOCKET);
    return (ps_native)d;
#else
    int d = dup(h);
    ASSERT_GE(d, 0);
    return d;
#endif
}

/* Sets the native socket's blocking mode behind portsock's back. */
static void native_set_nonblocking(ps_native h, int on)
{
#ifdef _WIN32
    u_long v = (u_long)(on != 0);
    ASSERT_EQ(ioctlsocket((SOCKET)h, FIONBIO, &v), 0);
#else
    int fl = fcntl(h, F_GETFL);
    ASSERT_GE(fl, 0);
    ASSERT_EQ(fcntl(h, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)), 0);
#endif
}

/* A second object on c's socket: by ps_dup, or adopted from the OS's own
 * duplicate of ps_fileno(c). */
static ps_socket *second_object(ps_socket *c, int adopted)
{
    ps_socket *o = NULL;
    if (adopted) {
        ps_native h = native_dup(ps_fileno(c));
        ASSERT_OK(ps_socket_from_native(&o, h));
    } else {
        ASSERT_OK(ps_dup(c, &o));
    }
    return o;
}

typedef struct later {
    ps_socket *s;
    unsigned ms;
    double timeout; /* set_later */
    ps_socket *go;  /* set_later: a byte here says the call is about to begin */
} later;

static void send_later(void *arg)
{
    later *l = (later *)arg;
    test_sleep_ms(l->ms);
    ASSERT_EQ(ps_send(l->s, "L", 1, 0), 1);
}

static void set_later(void *arg)
{
    later *l = (later *)arg;
    char b;
    ASSERT_EQ(ps_recv(l->go, &b, 1, 0), 1); /* the handshake: the call is next */
    test_sleep_ms(l->ms);                   /* well inside the call's 0.8 s */
    ASSERT_OK(ps_settimeout(l->s, l->timeout));
}

/* recv of one byte on s; its result, and its duration in *dt. */
static ptrdiff_t timed_recv(ps_socket *s, double *dt)
{
    char b;
    double t0 = test_now();
    ptrdiff_t r = ps_recv(s, &b, 1, 0);
    *dt = test_now() - t0;
    return r;
}

/* ---- 1. a signal in one thread never shortens another thread's call ---- */

#ifndef _WIN32

static volatile sig_atomic_t storm_hits;
static int storm_running; /* atomically: __atomic builtins (tsan) */
static pthread_t storm_target;

static void on_storm(int sig)
{
    (void)sig;
    storm_hits++;
}

static void storm_thread(void *arg)
{
    struct timespec ts = {0, 500 * 1000L};
    double end = test_now() + 20.0;
    (void)arg;
    while (__atomic_load_n(&storm_running, __ATOMIC_RELAXED) && test_now() < end) {
        pthread_kill(storm_target, SIGUSR1);
        nanosleep(&ts, NULL);
    }
}

typedef struct victim {
    ps_socket *s;
    int accept; /* else recv */
    ptrdiff_t rc;
    double dt;
    int started; /* atomically */
} victim;

static void victim_thread(void *arg)
{
    victim *v = (victim *)arg;
    ps_socket *c = NULL;
    char b;
    double t0;
    storm_target = pthread_self();
    __atomic_store_n(&v->started, 1, __ATOMIC_RELEASE);
    t0 = test_now();
    v->rc = v->accept ? ps_accept(v->s, &c, NULL) : ps_recv(v->s, &b, 1, 0);
    v->dt = test_now() - t0;
    if (c)
        ps_close(c);
}

/* Thread A waits on s (timeout T) under a signal storm; thread B starts the
 * same call on s a while later, takes no signal, and must get its full T. */
static void storm_beside(ps_socket *s, int accept)
{
    const double T = 1.5;
    victim a;
    test_thread ta, storm;
    struct sigaction sa;
    ps_socket *c = NULL;
    char b;
    double t0, dt;
    ptrdiff_t r;
    int i;
    if (test_under_valgrind())
        SKIP("valgrind delivers signals at its own scheduling points: no storm");
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_storm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART */
    ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    ASSERT_OK(ps_settimeout(s, T));
    memset(&a, 0, sizeof a);
    a.s = s;
    a.accept = accept;
    test_thread_spawn(&ta, victim_thread, &a);
    for (i = 0; i < 2000 && !__atomic_load_n(&a.started, __ATOMIC_ACQUIRE); i++)
        test_sleep_ms(1);
    __atomic_store_n(&storm_running, 1, __ATOMIC_RELAXED);
    test_thread_spawn(&storm, storm_thread, NULL);
    test_sleep_ms(500);
    t0 = test_now();
    r = accept ? ps_accept(s, &c, NULL) : ps_recv(s, &b, 1, 0);
    dt = test_now() - t0;
    __atomic_store_n(&storm_running, 0, __ATOMIC_RELAXED);
    test_thread_join(&storm);
    test_thread_join(&ta);
    NOTE("%s, timeout %.1f s: A (%ld signals) %s after %.3f s; B (no signal, 0.5 s later) %s "
         "after %.3f s",
         accept ? "accept" : "udp recv", T, (long)storm_hits, ps_errname((int)a.rc), a.dt,
         ps_errname((int)r), dt);
    ASSERT_ERR(a.rc, PS_ETIMEDOUT);
    ASSERT_ERR(r, PS_ETIMEDOUT);
    ASSERT_DBL_GE(a.dt, T);
    ASSERT_DBL_GE(dt, T);
    ASSERT_DBL_LT(dt, T + SLACK);
    ASSERT_DBL_LT(a.dt, T + SLACK);
}

TEST(a_signal_in_one_thread_never_shortens_another_threads_accept)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la);
    storm_beside(l, 1);
    ASSERT_OK(ps_close(l));
}

TEST(a_signal_in_one_thread_never_shortens_another_threads_recv)
{
    ps_addr a;
    ps_socket *u = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &a);
    storm_beside(u, 0);
    ASSERT_OK(ps_close(u));
}

#else

TEST(signals_do_not_interrupt_winsock)
{
    SKIP("no signals interrupt Winsock calls: the thread and sharing cases of this program "
         "still run here");
}

#endif

/* ---- 2. objects sharing a socket each keep their own timeout ---- */

/* c has timeout `mine` before a second object appears; the second is set to
 * `theirs`. c's recv with no data must behave by `mine`. */
static void own_timeout_with_a_sharer(int adopted, double mine, double theirs)
{
    ps_socket *c, *s, *o;
    later l;
    test_thread t;
    double dt;
    ptrdiff_t r;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, mine));
    o = second_object(c, adopted);
    ASSERT_OK(ps_settimeout(o, theirs));
    ASSERT_DBL_EQ(ps_gettimeout(c), mine);
    /* A byte comes after 2 s: a timed call must have ended before it. */
    l.s = s;
    l.ms = mine == PS_TIMEOUT_NONE ? 300 : 2000;
    test_thread_spawn(&t, send_later, &l);
    r = timed_recv(c, &dt);
    NOTE("%s sharer at %g, own timeout %g: recv %s after %.3f s", adopted ? "adopted" : "ps_dup",
         theirs, mine, r < 0 ? ps_errname((int)r) : "data", dt);
#ifdef _WIN32
    if (adopted && mine > 0.0 && theirs == PS_TIMEOUT_NONE) {
        /* docs/windows-caveats.md: c does not know that a handle duplicated
         * outside portsock shares its socket, and Winsock has no per-call
         * non-blocking flag: c's timed recv tries first and, on the socket
         * the other object made blocking, waits for the byte. */
        ASSERT_EQ(r, 1);
        ASSERT_DBL_GE(dt, 1.5);
    } else
#endif
        if (mine == PS_TIMEOUT_NONE) {
        /* The byte is sent 0.3 s after the thread starts: getting it means
         * the call waited, and never said PS_EAGAIN. */
        ASSERT_EQ(r, 1);
    } else if (mine == 0.0) {
        ASSERT_ERR(r, PS_EAGAIN);
        ASSERT_DBL_LT(dt, 0.25);
    } else {
        ASSERT_ERR(r, PS_ETIMEDOUT);
        ASSERT_DBL_GE(dt, mine);
        ASSERT_DBL_LT(dt, mine + SLACK);
    }
    test_thread_join(&t);
    ASSERT_OK(ps_close(o));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(a_timed_object_times_out_though_its_dup_is_set_blocking)
{
    own_timeout_with_a_sharer(0, 0.5, PS_TIMEOUT_NONE);
}

TEST(a_timed_object_times_out_though_an_adopted_duplicate_is_set_blocking)
{
    own_timeout_with_a_sharer(1, 0.5, PS_TIMEOUT_NONE);
}

TEST(a_timed_object_times_out_though_its_dup_is_set_nonblocking)
{
    own_timeout_with_a_sharer(0, 0.5, 0.0);
}

TEST(a_blocking_object_waits_though_its_dup_is_set_nonblocking)
{
    own_timeout_with_a_sharer(0, PS_TIMEOUT_NONE, 0.0);
}

TEST(a_blocking_object_waits_though_an_adopted_duplicate_is_set_nonblocking)
{
    own_timeout_with_a_sharer(1, PS_TIMEOUT_NONE, 0.0);
}

TEST(a_blocking_object_waits_though_an_adopted_duplicate_has_a_timeout)
{
    own_timeout_with_a_sharer(1, PS_TIMEOUT_NONE, 0.3);
}

TEST(a_nonblocking_object_stays_nonblocking_though_its_dup_is_set_blocking)
{
    own_timeout_with_a_sharer(0, 0.0, PS_TIMEOUT_NONE);
}

TEST(an_accept_on_a_dup_of_a_listener_keeps_its_timeout)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *d, *c = NULL;
    double t0, dt;
    int r;
    ASSERT_OK(ps_settimeout(l, 0.4));
    ASSERT_OK(ps_dup(l, &d));
    ASSERT_OK(ps_settimeout(d, PS_TIMEOUT_NONE));
    t0 = test_now();
    r = ps_accept(l, &c, NULL);
    dt = test_now() - t0;
    NOTE("accept on a 0.4 s listener whose dup is blocking: %s after %.3f s", ps_errname(r), dt);
    ASSERT_ERR(r, PS_ETIMEDOUT);
    ASSERT_DBL_GE(dt, 0.4);
    ASSERT_DBL_LT(dt, 0.4 + SLACK);
    ASSERT_OK(ps_close(d));
    ASSERT_OK(ps_close(l));
}

/* ---- the native mode changed underneath ---- */

TEST(a_timed_recv_on_a_socket_made_nonblocking_underneath_times_out_at_its_deadline)
{
    ps_socket *c, *s;
    double dt;
    ptrdiff_t r;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.4));
    native_set_nonblocking(ps_fileno(c), 1);
    r = timed_recv(c, &dt);
    NOTE("0.4 s recv, O_NONBLOCK set through ps_fileno: %s after %.3f s",
         r < 0 ? ps_errname((int)r) : "data", dt);
    ASSERT_ERR(r, PS_ETIMEDOUT);
    ASSERT_DBL_GE(dt, 0.4);
    ASSERT_DBL_LT(dt, 0.4 + SLACK);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

/* ---- 3. ps_settimeout from another thread during a call ---- */

static void settimeout_during_recv(double to)
{
    ps_socket *c, *s, *go_from, *go_to;
    later l;
    test_thread t;
    double dt;
    ptrdiff_t r;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.8));
    test_tcp_pair(PS_AF_INET, &go_from, &go_to);
    ASSERT_OK(ps_settimeout(go_to, test_scaled(10.0)));
    l.s = c;
    l.ms = 200;
    l.timeout = to;
    l.go = go_to;
    test_thread_spawn(&t, set_later, &l);
    ASSERT_EQ(ps_send(go_from, "g", 1, 0), 1);
    r = timed_recv(c, &dt);
    test_thread_join(&t);
    ASSERT_OK(ps_close(go_from));
    ASSERT_OK(ps_close(go_to));
    NOTE("0.8 s recv, ps_settimeout(%g) from another thread after 0.2 s: %s after %.3f s", to,
         r < 0 ? ps_errname((int)r) : "data", dt);
    ASSERT_ERR(r, PS_ETIMEDOUT);
    ASSERT_DBL_GE(dt, 0.8);
    ASSERT_DBL_LT(dt, 0.8 + SLACK);
    ASSERT_DBL_EQ(ps_gettimeout(c), to); /* later calls take the new one */
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(settimeout_zero_from_another_thread_leaves_a_waiting_recv_its_timeout)
{
    settimeout_during_recv(0.0);
}

TEST(settimeout_none_from_another_thread_leaves_a_waiting_recv_its_timeout)
{
    settimeout_during_recv(PS_TIMEOUT_NONE);
}

TEST(settimeout_longer_from_another_thread_leaves_a_waiting_recv_its_timeout)
{
    settimeout_during_recv(30.0);
}

/* ---- the threading contract ---- */

typedef struct acceptor {
    ps_socket *l;
    int got;
} acceptor;

static void accept_one(void *arg)
{
    acceptor *a = (acceptor *)arg;
    ps_socket *c = NULL;
    int r = ps_accept(a->l, &c, NULL);
    ASSERT_TRUE(r == 0 || r == PS_ETIMEDOUT);
    if (r == 0) {
        a->got = 1;
        ASSERT_OK(ps_close(c));
    }
}

TEST(several_threads_may_accept_on_one_listener)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c[3];
    acceptor a[3];
    test_thread t[3];
    int i, got = 0;
    ASSERT_OK(ps_settimeout(l, 5.0));
    for (i = 0; i < 3; i++) {
        a[i].l = l;
        a[i].got = 0;
        test_thread_spawn(&t[i], accept_one, &a[i]);
    }
    for (i = 0; i < 3; i++) {
        ASSERT_OK(ps_socket_open(&c[i], PS_AF_INET, PS_SOCK_STREAM, 0));
        ASSERT_OK(ps_connect(c[i], &la));
    }
    for (i = 0; i < 3; i++) {
        test_thread_join(&t[i]);
        got += a[i].got;
    }
    ASSERT_EQ(got, 3);
    for (i = 0; i < 3; i++)
        ASSERT_OK(ps_close(c[i]));
    ASSERT_OK(ps_close(l));
}

typedef struct duplex {
    ps_socket *s;
    size_t len;
    unsigned sum;
} duplex;

static void write_all(void *arg)
{
    duplex *d = (duplex *)arg;
    unsigned char buf[4096];
    size_t done = 0, i;
    for (i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 7);
    while (done < d->len) {
        size_t n = d->len - done < sizeof buf ? d->len - done : sizeof buf;
        ASSERT_OK(ps_sendall(d->s, buf, n, 0, NULL));
        done += n;
    }
}

static void read_all(void *arg)
{
    duplex *d = (duplex *)arg;
    unsigned char buf[4096];
    size_t got = 0;
    while (got < d->len) {
        ptrdiff_t n = ps_recv(d->s, buf, sizeof buf, 0);
        ptrdiff_t i;
        ASSERT_GT(n, 0);
        for (i = 0; i < n; i++)
            d->sum += buf[i];
        got += (size_t)n;
    }
}

/* A reader and a writer on one socket at once, both ends, with a timeout
 * that another thread changes meanwhile: full duplex, as Python allows. */
TEST(a_reader_and_a_writer_may_use_one_socket_at_once_while_its_timeout_changes)
{
    ps_socket *c, *s;
    duplex w[2], r[2];
    test_thread tw[2], tr[2];
    const size_t len = 4u << 20;
    int i;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 10.0));
    w[0].s = r[1].s = c;
    w[1].s = r[0].s = s;
    for (i = 0; i < 2; i++) {
        w[i].len = r[i].len = len;
        w[i].sum = r[i].sum = 0;
        test_thread_spawn(&tw[i], write_all, &w[i]);
        test_thread_spawn(&tr[i], read_all, &r[i]);
    }
    for (i = 0; i < 50; i++) {
        ASSERT_OK(ps_settimeout(c, (i % 2) ? 10.0 : PS_TIMEOUT_NONE));
        test_sleep_ms(2);
    }
    for (i = 0; i < 2; i++) {
        test_thread_join(&tw[i]);
        test_thread_join(&tr[i]);
    }
    ASSERT_EQ(r[0].sum, r[1].sum); /* the same bytes went each way */
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void open_with_default(void *arg)
{
    int i;
    (void)arg;
    for (i = 0; i < 200; i++) {
        ps_socket *s;
        double t;
        ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_DGRAM, 0));
        t = ps_gettimeout(s);
        ASSERT_TRUE(t == PS_TIMEOUT_NONE || t == 0.5);
        ASSERT_OK(ps_close(s));
    }
}

TEST(the_default_timeout_may_be_set_while_other_threads_create_sockets)
{
    test_thread t[2];
    int i;
    for (i = 0; i < 2; i++)
        test_thread_spawn(&t[i], open_with_default, NULL);
    for (i = 0; i < 200; i++)
        ASSERT_OK(ps_setdefaulttimeout((i % 2) ? 0.5 : PS_TIMEOUT_NONE));
    for (i = 0; i < 2; i++)
        test_thread_join(&t[i]);
    ASSERT_OK(ps_setdefaulttimeout(PS_TIMEOUT_NONE));
}

/* ---- handing a descriptor out ---- */

/* ps_detach leaves the handle as Python does: non-blocking exactly when a
 * timeout is set, and no kernel timeout of portsock's left on it. */
static void detach_with(double timeout)
{
    ps_socket *c, *s;
    ps_native h;
    char b;
    double t0, dt;
    int nonblocking;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, timeout));
    h = ps_detach(c);
    t0 = test_now();
#ifdef _WIN32
    {
        /* FIONBIO cannot be read back: a recv with no data says it. */
        nonblocking = 0;
        if (timeout != PS_TIMEOUT_NONE) {
            int r = recv((SOCKET)h, &b, 1, 0);
            nonblocking = r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK;
        } else {
            nonblocking = 0; /* a blocking recv would wait: shown by the data path below */
        }
    }
#else
    nonblocking = (fcntl(h, F_GETFL) & O_NONBLOCK) != 0;
    {
        struct timeval tv;
        socklen_t len = sizeof tv;
        ASSERT_EQ(getsockopt(h, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
        ASSERT_EQ(tv.tv_sec, 0);
        ASSERT_EQ(tv.tv_usec, 0);
        len = sizeof tv;
        ASSERT_EQ(getsockopt(h, SOL_SOCKET, SO_SNDTIMEO, &tv, &len), 0);
        ASSERT_EQ(tv.tv_sec, 0);
        ASSERT_EQ(tv.tv_usec, 0);
    }
#endif
    dt = test_now() - t0;
    NOTE("detached with timeout %g: %s", timeout, nonblocking ? "non-blocking" : "blocking");
    ASSERT_EQ(nonblocking, timeout != PS_TIMEOUT_NONE);
    ASSERT_DBL_LT(dt, 0.5);
    /* The handle still works, in the mode it was handed out in. */
    ASSERT_EQ(ps_send(s, "d", 1, 0), 1);
    ASSERT_OK(ps_socket_from_native(&c, h));
    ASSERT_OK(ps_settimeout(c, 5.0));
    ASSERT_EQ(ps_recv(c, &b, 1, 0), 1);
    ASSERT_EQ(b, 'd');
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(detach_hands_out_a_timed_socket_nonblocking_without_kernel_timeouts)
{
    detach_with(0.5);
}

TEST(detach_hands_out_a_nonblocking_socket_nonblocking)
{
    detach_with(0.0);
}

TEST(detach_hands_out_a_blocking_socket_blocking)
{
    detach_with(PS_TIMEOUT_NONE);
}

/* ---- timeouts out of range ---- */

TEST(huge_timeouts_are_honoured_as_long_waits)
{
    const double huge[] = {1e9, 1e9 + 1.0, 1e19, 1e300, DBL_MAX};
    size_t i;
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        ps_socket *c, *s;
        later l;
        test_thread t;
        double dt;
        test_tcp_pair(PS_AF_INET, &c, &s);
        ASSERT_OK(ps_settimeout(c, huge[i]));
        ASSERT_DBL_EQ(ps_gettimeout(c), huge[i]);
        l.s = s;
        l.ms = 100;
        test_thread_spawn(&t, send_later, &l);
        ASSERT_EQ(timed_recv(c, &dt), 1); /* waited for the byte */
        test_thread_join(&t);
        ASSERT_OK(ps_close(c));
        ASSERT_OK(ps_close(s));
    }
}

TEST(create_connection_takes_a_huge_timeout)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c, *s;
    char port[16];
    snprintf(port, sizeof port, "%d", ps_addr_port(&la));
    ASSERT_OK(ps_create_connection(&c, "127.0.0.1", port, 1e300, NULL));
    ASSERT_DBL_EQ(ps_gettimeout(c), 1e300);
    ASSERT_OK(ps_accept(l, &s, NULL));
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(setdefaulttimeout_says_einval_and_keeps_the_default_for_a_value_it_refuses)
{
    volatile double zero = 0.0;
    const double bad[] = {-0.5, PS_TIMEOUT_DEFAULT, zero / zero, 1.0 / zero, -1.0 / zero};
    size_t i;
    ASSERT_OK(ps_setdefaulttimeout(2.5));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_ERR(ps_setdefaulttimeout(bad[i]), PS_EINVAL);
        ASSERT_DBL_EQ(ps_getdefaulttimeout(), 2.5);
    }
    ASSERT_OK(ps_setdefaulttimeout(DBL_MAX));
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), DBL_MAX);
    ASSERT_OK(ps_setdefaulttimeout(PS_TIMEOUT_NONE));
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), PS_TIMEOUT_NONE);
}

TEST(gettimeout_of_null_is_einval_as_a_double)
{
    /* portsock.h: a value no timeout has (valid ones are -1, 0 and > 0). */
    ASSERT_DBL_EQ(ps_gettimeout(NULL), (double)PS_EINVAL);
    ASSERT_DBL_LT(ps_gettimeout(NULL), PS_TIMEOUT_NONE);
}

/* ---- ancillary lengths ---- */

TEST(an_absurd_controllen_is_einval_and_consumes_nothing)
{
    ps_addr a, b;
    ps_socket *u = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &a);
    ps_socket *v = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &b);
    char data[8], control[64];
    ps_iovec iov;
    ps_msg m;
    ASSERT_OK(ps_settimeout(u, 5.0));
    ASSERT_EQ(ps_sendto(v, "one", 3, 0, &a), 3);
    iov.base = data;
    iov.len = sizeof data;
    memset(&m, 0, sizeof m);
    m.iov = &iov;
    m.iovlen = 1;
    m.control = control;
    m.controllen = (size_t)-1;
    ASSERT_ERR(ps_recvmsg(u, &m, 0), PS_EINVAL);
    m.controllen = (size_t)INT_MAX + 1;
    ASSERT_ERR(ps_recvmsg(u, &m, 0), PS_EINVAL);
    /* nothing consumed: the datagram is still there */
    m.controllen = sizeof control;
    ASSERT_EQ(ps_recvmsg(u, &m, 0), 3);
    ASSERT_MEMEQ(data, "one", 3);
    /* and nothing sent */
    memcpy(data, "two", 3);
    iov.len = 3;
    m.addr = &a;
    m.controllen = (size_t)-1;
    ASSERT_ERR(ps_sendmsg(v, &m, 0), PS_EINVAL);
    ASSERT_OK(ps_settimeout(u, 0.0));
    ASSERT_ERR(ps_recv(u, data, sizeof data, 0), PS_EAGAIN);
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_close(v));
}

TEST_LIST = {
#ifndef _WIN32
    TEST_ENTRY(a_signal_in_one_thread_never_shortens_another_threads_accept),
    TEST_ENTRY(a_signal_in_one_thread_never_shortens_another_threads_recv),
#else
    TEST_ENTRY(signals_do_not_interrupt_winsock),
#endif
    TEST_ENTRY(a_timed_object_times_out_though_its_dup_is_set_blocking),
    TEST_ENTRY(a_timed_object_times_out_though_an_adopted_duplicate_is_set_blocking),
    TEST_ENTRY(a_timed_object_times_out_though_its_dup_is_set_nonblocking),
    TEST_ENTRY(a_blocking_object_waits_though_its_dup_is_set_nonblocking),
    TEST_ENTRY(a_blocking_object_waits_though_an_adopted_duplicate_is_set_nonblocking),
    TEST_ENTRY(a_blocking_object_waits_though_an_adopted_duplicate_has_a_timeout),
    TEST_ENTRY(a_nonblocking_object_stays_nonblocking_though_its_dup_is_set_blocking),
    TEST_ENTRY(an_accept_on_a_dup_of_a_listener_keeps_its_timeout),
    TEST_ENTRY(a_timed_recv_on_a_socket_made_nonblocking_underneath_times_out_at_its_deadline),
    TEST_ENTRY(settimeout_zero_from_another_thread_leaves_a_waiting_recv_its_timeout),
    TEST_ENTRY(settimeout_none_from_another_thread_leaves_a_waiting_recv_its_timeout),
    TEST_ENTRY(settimeout_longer_from_another_thread_leaves_a_waiting_recv_its_timeout),
    TEST_ENTRY(several_threads_may_accept_on_one_listener),
    TEST_ENTRY(a_reader_and_a_writer_may_use_one_socket_at_once_while_its_timeout_changes),
    TEST_ENTRY(the_default_timeout_may_be_set_while_other_threads_create_sockets),
    TEST_ENTRY(detach_hands_out_a_timed_socket_nonblocking_without_kernel_timeouts),
    TEST_ENTRY(detach_hands_out_a_nonblocking_socket_nonblocking),
    TEST_ENTRY(detach_hands_out_a_blocking_socket_blocking),
    TEST_ENTRY(huge_timeouts_are_honoured_as_long_waits),
    TEST_ENTRY(create_connection_takes_a_huge_timeout),
    TEST_ENTRY(setdefaulttimeout_says_einval_and_keeps_the_default_for_a_value_it_refuses),
    TEST_ENTRY(gettimeout_of_null_is_einval_as_a_double),
    TEST_ENTRY(an_absurd_controllen_is_einval_and_consumes_nothing),
};
TEST_MAIN()
