/* ps_selector: add / modify / remove / wait with user data, the errors for
 * double registration and unknown sockets, ps_close and ps_detach of a
 * registered socket, empty selectors, hang-ups and failed connects, more
 * sockets than select's 64 - each behaviour run over every backend this
 * platform has (poll and the default everywhere, epoll on Linux, kqueue on
 * the BSDs and macOS), and the backends that must be refused. */
#include "ps_test.h"

#define SOON test_scaled(5.0) /* a wait that must end early, well within this */

/* Opens a selector on backend `be`, checking it runs there. */
static ps_selector *sel_open(int be)
{
    ps_selector *sel = NULL;
    ASSERT_OK(ps_selector_open_backend(&sel, be));
    ASSERT_NOT_NULL(sel);
    if (be != PS_SELECTOR_DEFAULT)
        ASSERT_EQ(ps_selector_backend(sel), be);
    return sel;
}

/* One wait's events name each socket once. */
static void assert_distinct(const ps_event *ev, int n)
{
    int i, j;
    for (i = 0; i < n; i++) {
        ASSERT_NOT_NULL(ev[i].sock);
        for (j = i + 1; j < n; j++) {
            if (ev[i].sock == ev[j].sock)
                FAILF("one wait reported a socket twice (entries %d and %d of %d)", i, j, n);
        }
    }
}

/* Waits once; fails unless exactly `want` events come. */
static int wait_n(ps_selector *sel, ps_event *ev, size_t max, double timeout, int want)
{
    int n = ps_selector_wait(sel, ev, max, timeout);
    ASSERT_OK(n);
    ASSERT_EQ(n, want);
    assert_distinct(ev, n);
    return n;
}

static int tag_a, tag_b, tag_c; /* addresses used as user data */

/* ---- behaviours, each over one backend ---- */

static void reports_readable_with_its_user_data(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c1, *s1, *c2, *s2;
    ps_event ev[4];
    char b;
    test_tcp_pair(PS_AF_INET, &c1, &s1);
    test_tcp_pair(PS_AF_INET, &c2, &s2);
    ASSERT_OK(ps_selector_add(sel, s1, PS_POLLIN, &tag_a));
    ASSERT_OK(ps_selector_add(sel, s2, PS_POLLIN, &tag_b));
    wait_n(sel, ev, 4, 0.0, 0);
    ASSERT_EQ(ps_send(c2, "2", 1, 0), 1);
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s2);
    ASSERT_TRUE(ev[0].data == &tag_b);
    ASSERT_EQ(ev[0].events, PS_POLLIN);
    /* level-triggered, as Python's selectors: unread data is reported again */
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s2);
    test_recv_exact(s2, &b, 1);
    wait_n(sel, ev, 4, 0.0, 0);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c1));
    ASSERT_OK(ps_close(s1));
    ASSERT_OK(ps_close(c2));
    ASSERT_OK(ps_close(s2));
}

static void reports_readable_and_writable_in_one_event(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN | PS_POLLOUT, NULL));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_EQ(ev[0].events, PS_POLLOUT);
    ASSERT_NULL(ev[0].data);
    ASSERT_EQ(ps_send(c, "x", 1, 0), 1);
    test_wait_readable(s);
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s);
    ASSERT_EQ(ev[0].events, PS_POLLIN | PS_POLLOUT);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void modify_changes_the_events_and_the_user_data(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, c, PS_POLLIN, &tag_a));
    wait_n(sel, ev, 4, 0.05, 0); /* connected, nothing to read */
    ASSERT_OK(ps_selector_modify(sel, c, PS_POLLOUT, &tag_b));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == c);
    ASSERT_TRUE(ev[0].data == &tag_b);
    ASSERT_EQ(ev[0].events, PS_POLLOUT);
    /* the same events, new data only */
    ASSERT_OK(ps_selector_modify(sel, c, PS_POLLOUT, &tag_c));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_c);
    /* back to reading */
    ASSERT_OK(ps_selector_modify(sel, c, PS_POLLIN, &tag_a));
    wait_n(sel, ev, 4, 0.05, 0);
    ASSERT_EQ(ps_send(s, "y", 1, 0), 1);
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_a);
    ASSERT_EQ(ev[0].events, PS_POLLIN);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void remove_stops_the_reports(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_OK(ps_selector_remove(sel, s));
    ASSERT_EQ(ps_send(c, "r", 1, 0), 1);
    wait_n(sel, ev, 4, 0.1, 0);
    ASSERT_ERR(ps_selector_remove(sel, s), PS_ENOENT);
    ASSERT_ERR(ps_selector_modify(sel, s, PS_POLLIN, NULL), PS_ENOENT);
    /* registered again: reported again */
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_b));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_b);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void adding_a_socket_twice_is_eexist(int be)
{
    ps_selector *sel = sel_open(be), *other = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_ERR(ps_selector_add(sel, s, PS_POLLOUT, &tag_b), PS_EEXIST);
    /* a socket belongs to one selector at a time */
    ASSERT_ERR(ps_selector_add(other, s, PS_POLLIN, &tag_b), PS_EEXIST);
    ASSERT_ERR(ps_selector_modify(other, s, PS_POLLIN, NULL), PS_ENOENT);
    ASSERT_ERR(ps_selector_remove(other, s), PS_ENOENT);
    /* the first registration is intact */
    ASSERT_EQ(ps_send(c, "e", 1, 0), 1);
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_a);
    ASSERT_EQ(ev[0].events, PS_POLLIN);
    wait_n(other, ev, 4, 0.0, 0);
    /* moved: now the other's */
    ASSERT_OK(ps_selector_remove(sel, s));
    ASSERT_OK(ps_selector_add(other, s, PS_POLLIN, &tag_c));
    wait_n(other, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_c);
    ps_selector_close(sel);
    ps_selector_close(other);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void removing_or_modifying_an_unregistered_socket_is_enoent(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_ERR(ps_selector_remove(sel, s), PS_ENOENT);
    ASSERT_ERR(ps_selector_modify(sel, s, PS_POLLIN, NULL), PS_ENOENT);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void closing_a_registered_socket_unregisters_it(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c1, *s1, *c2, *s2, *c3, *s3;
    ps_event ev[8];
    int i, n;
    test_tcp_pair(PS_AF_INET, &c1, &s1);
    test_tcp_pair(PS_AF_INET, &c2, &s2);
    ASSERT_OK(ps_selector_add(sel, s1, PS_POLLIN, &tag_a));
    ASSERT_OK(ps_selector_add(sel, s2, PS_POLLIN, &tag_b));
    ASSERT_EQ(ps_send(c1, "1", 1, 0), 1);
    ASSERT_EQ(ps_send(c2, "2", 1, 0), 1);
    test_wait_readable(s1);
    test_wait_readable(s2);
    ASSERT_OK(ps_close(s1)); /* readable and registered */
    for (i = 0; i < 3; i++) {
        n = wait_n(sel, ev, 8, SOON, 1);
        ASSERT_TRUE(ev[0].sock == s2);
        ASSERT_TRUE(ev[0].data == &tag_b);
        (void)n;
    }
    /* A socket opened now may get the closed one's native number: it
     * registers and is reported as itself. */
    test_tcp_pair(PS_AF_INET, &c3, &s3);
    ASSERT_OK(ps_selector_add(sel, s3, PS_POLLIN, &tag_c));
    ASSERT_OK(ps_selector_remove(sel, s2));
    wait_n(sel, ev, 8, 0.05, 0);
    ASSERT_EQ(ps_send(c3, "3", 1, 0), 1);
    wait_n(sel, ev, 8, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s3);
    ASSERT_TRUE(ev[0].data == &tag_c);
    /* closing the last registered one leaves an empty selector */
    ASSERT_OK(ps_close(s3));
    wait_n(sel, ev, 8, 0.05, 0);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c1));
    ASSERT_OK(ps_close(c2));
    ASSERT_OK(ps_close(s2));
    ASSERT_OK(ps_close(c3));
}

static void detaching_a_registered_socket_unregisters_it(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s, *again;
    ps_event ev[4];
    ps_native h;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_EQ(ps_send(c, "d", 1, 0), 1);
    h = ps_detach(s);
    ASSERT_TRUE(h != PS_INVALID_NATIVE);
    wait_n(sel, ev, 4, 0.1, 0);
    /* the handle lives on in a new object, which registers afresh */
    ASSERT_OK(ps_socket_from_native(&again, h));
    ASSERT_OK(ps_selector_add(sel, again, PS_POLLIN, &tag_b));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == again);
    ASSERT_TRUE(ev[0].data == &tag_b);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(again));
    ASSERT_OK(ps_close(c));
}

static void a_duplicate_registers_on_its_own_and_outlives_the_original(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s, *d;
    ps_event ev[4];
    char b;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_dup(s, &d));
    /* another object, so another registration: both report */
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_OK(ps_selector_add(sel, d, PS_POLLIN, &tag_b));
    ASSERT_EQ(ps_send(c, "d", 1, 0), 1);
    wait_n(sel, ev, 4, SOON, 2);
    ASSERT_TRUE((ev[0].data == &tag_a && ev[1].data == &tag_b) ||
                (ev[0].data == &tag_b && ev[1].data == &tag_a));
    /* the original goes; the duplicate stays registered and working */
    ASSERT_OK(ps_close(s));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == d);
    ASSERT_TRUE(ev[0].data == &tag_b);
    test_recv_exact(d, &b, 1);
    wait_n(sel, ev, 4, 0.05, 0);
    ASSERT_EQ(ps_send(c, "e", 1, 0), 1);
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == d);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(d));
    ASSERT_OK(ps_close(c));
}

static void times_out(ps_selector *sel, double timeout)
{
    ps_event ev[4];
    double t0 = test_now(), dt;
    ASSERT_EQ(ps_selector_wait(sel, ev, 4, timeout), 0);
    dt = test_now() - t0;
    ASSERT_DBL_GE(dt, timeout - 0.002);
    ASSERT_DBL_LT(dt, timeout + test_scaled(1.0));
}

static void an_empty_selector_sleeps_for_the_timeout(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    times_out(sel, 0.3);
    /* emptied again */
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLOUT, NULL));
    ASSERT_OK(ps_selector_remove(sel, s));
    times_out(sel, 0.2);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

typedef struct late {
    ps_socket *s;
} late;

static void late_send(void *arg)
{
    test_sleep_ms(200);
    ASSERT_EQ(ps_send(((late *)arg)->s, "L", 1, 0), 1);
}

static void a_timeout_of_years_waits_and_returns_when_ready(int be)
{
    /* more milliseconds than an int holds: no wrap to "now" or "never" */
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[2];
    test_thread t;
    late l;
    double t0, dt;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    l.s = c;
    test_thread_spawn(&t, late_send, &l);
    t0 = test_now();
    wait_n(sel, ev, 2, 1e9, 1);
    dt = test_now() - t0;
    ASSERT_DBL_GE(dt, 0.15);
    ASSERT_DBL_LT(dt, SOON);
    test_thread_join(&t);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void idle_sockets_wait_for_the_timeout(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, NULL));
    ASSERT_OK(ps_selector_add(sel, c, PS_POLLIN, NULL));
    times_out(sel, 0.3);
    times_out(sel, 0.02);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

#define SMALL_N 10

static void a_small_max_reports_every_ready_socket_over_several_waits(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c[SMALL_N], *s[SMALL_N];
    int seen[SMALL_N], data[SMALL_N];
    ps_event ev[3];
    int i, k, waits = 0, total = 0;
    for (i = 0; i < SMALL_N; i++) {
        test_tcp_pair(PS_AF_INET, &c[i], &s[i]);
        ASSERT_OK(ps_selector_add(sel, s[i], PS_POLLIN, &data[i]));
        ASSERT_EQ(ps_send(c[i], "s", 1, 0), 1);
        seen[i] = 0;
    }
    for (i = 0; i < SMALL_N; i++)
        test_wait_readable(s[i]); /* so that the count of waits below holds */
    while (total < SMALL_N && waits < 2 * SMALL_N) {
        int n = ps_selector_wait(sel, ev, 3, SOON);
        ASSERT_OK(n);
        ASSERT_GE(n, 1);
        ASSERT_LE(n, 3);
        assert_distinct(ev, n);
        for (k = 0; k < n; k++) {
            char b;
            i = (int)((int *)ev[k].data - data);
            ASSERT_TRUE(i >= 0 && i < SMALL_N);
            ASSERT_TRUE(ev[k].sock == s[i]);
            ASSERT_EQ(seen[i], 0); /* consumed: never twice */
            seen[i] = 1;
            test_recv_exact(s[i], &b, 1);
            total++;
        }
        waits++;
    }
    ASSERT_EQ(total, SMALL_N);
    ASSERT_GE(waits, (SMALL_N + 2) / 3);
    wait_n(sel, ev, 3, 0.0, 0);
    ps_selector_close(sel);
    for (i = 0; i < SMALL_N; i++) {
        ASSERT_OK(ps_close(c[i]));
        ASSERT_OK(ps_close(s[i]));
    }
}

static void a_peers_close_is_reported(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    char b;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_OK(ps_close(c));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_a);
    ASSERT_TRUE(ev[0].events & (PS_POLLIN | PS_POLLHUP));
    ASSERT_EQ(ps_recv(s, &b, 1, 0), 0);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(s));
}

static void a_peers_reset_is_reported(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    char b;
    int r;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    wait_n(sel, ev, 4, 0.05, 0); /* waiting in the kernel when the reset comes */
    ASSERT_OK(ps_setopt(c, PS_OPT_LINGER, 0));
    ASSERT_OK(ps_close(c)); /* linger 0: a reset, not a FIN */
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_a);
    NOTE("reset: events %#x", (unsigned)ev[0].events);
    ASSERT_TRUE(ev[0].events & (PS_POLLIN | PS_POLLHUP | PS_POLLERR));
    /* level-triggered: still reported until the socket is dealt with */
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s);
    /* Wine 8 gives 0 to a receive after a wait (shared/design/wine.md) */
    r = (int)ps_recv(s, &b, 1, 0);
    if (test_under_wine())
        ASSERT_TRUE(r == 0 || r == PS_ECONNRESET);
    else
        ASSERT_ERR(r, PS_ECONNRESET);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(s));
}

static void modify_of_a_waiting_socket_takes_effect_on_the_next_wait(int be)
{
    /* Waited on for reading (a request outstanding on AFD), then changed
     * to writing, several times over: each wait sees the events of the
     * last modify, none of the ones before. */
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[4];
    int i;
    char b;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    for (i = 0; i < 5; i++) {
        wait_n(sel, ev, 4, 0.02, 0);
        ASSERT_OK(ps_selector_modify(sel, s, PS_POLLOUT, &tag_b));
        wait_n(sel, ev, 4, SOON, 1);
        ASSERT_TRUE(ev[0].data == &tag_b);
        ASSERT_EQ(ev[0].events, PS_POLLOUT);
        ASSERT_OK(ps_selector_modify(sel, s, PS_POLLIN, &tag_a));
    }
    /* data that came while it watched for writing only is seen now */
    ASSERT_OK(ps_selector_modify(sel, s, PS_POLLOUT, &tag_b));
    ASSERT_EQ(ps_send(c, "m", 1, 0), 1);
    ASSERT_OK(ps_selector_modify(sel, s, PS_POLLIN, &tag_c));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_c);
    ASSERT_EQ(ev[0].events, PS_POLLIN);
    test_recv_exact(s, &b, 1);
    wait_n(sel, ev, 4, 0.02, 0);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void a_failed_connect_is_reported(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *t, *c;
    ps_event ev[4];
    ps_addr a;
    double t0, dt;
    int r, err = -999;
    t = test_bound(PS_AF_INET, PS_SOCK_STREAM, &a);
    ASSERT_OK(ps_close(t)); /* nothing listens there now */
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(c, 0.0));
    r = ps_connect(c, &a);
    if (r == PS_ECONNREFUSED) {
        NOTE("refused at once; nothing to wait for");
        ps_selector_close(sel);
        ASSERT_OK(ps_close(c));
        return;
    }
    ASSERT_ERR(r, PS_EINPROGRESS);
    ASSERT_OK(ps_selector_add(sel, c, PS_POLLOUT, &tag_a));
    t0 = test_now();
    wait_n(sel, ev, 4, 3.0, 1);
    dt = test_now() - t0;
    ASSERT_OK(ps_getopt(c, PS_OPT_ERROR, &err));
    NOTE("failed connect: events %#x after %.3f s, PS_OPT_ERROR %s", (unsigned)ev[0].events, dt,
         ps_errname(err));
    ASSERT_DBL_LT(dt, test_scaled(3.0));
    ASSERT_TRUE(ev[0].data == &tag_a);
    ASSERT_TRUE((ev[0].events & (PS_POLLERR | PS_POLLHUP)) ||
                ((ev[0].events & PS_POLLOUT) && err == PS_ECONNREFUSED));
    ASSERT_ERR(err, PS_ECONNREFUSED);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
}

#ifdef _WIN32
/* The AFD backend checks a new registration with one poll first: a refused
 * connect found there never reaches the driver's own connect-fail event.
 * Registered before connecting, the socket is idle at the first wait, so
 * the refusal comes as the completion of its outstanding AFD request. */
TEST(a_failed_connect_comes_through_the_afd_request_when_registered_before_connecting)
{
    ps_selector *sel = sel_open(PS_SELECTOR_AFD);
    ps_socket *t, *c;
    ps_event ev[4];
    ps_addr a;
    int r, err = -999;
    t = test_bound(PS_AF_INET, PS_SOCK_STREAM, &a);
    ASSERT_OK(ps_close(t));
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(c, 0.0));
    ASSERT_OK(ps_selector_add(sel, c, PS_POLLOUT, &tag_a));
    wait_n(sel, ev, 4, 0.0, 0); /* not connecting: nothing, and the request goes out */
    r = ps_connect(c, &a);
    if (r == PS_ECONNREFUSED) {
        NOTE("refused at once; nothing to wait for");
    } else {
        ASSERT_ERR(r, PS_EINPROGRESS);
        wait_n(sel, ev, 4, 3.0, 1);
        NOTE("failed connect via AFD: events %#x", (unsigned)ev[0].events);
        ASSERT_TRUE(ev[0].data == &tag_a);
        ASSERT_TRUE(ev[0].events & PS_POLLERR);
        ASSERT_OK(ps_getopt(c, PS_OPT_ERROR, &err));
        ASSERT_ERR(err, PS_ECONNREFUSED);
    }
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
}
#endif

static void a_listener_is_readable_when_a_connection_is_pending(int be)
{
    ps_selector *sel = sel_open(be);
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c, *s;
    ps_event ev[4];
    ASSERT_OK(ps_setblocking(l, 0));
    ASSERT_OK(ps_selector_add(sel, l, PS_POLLIN, &tag_a));
    wait_n(sel, ev, 4, 0.0, 0);
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &la));
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == l);
    ASSERT_EQ(ev[0].events, PS_POLLIN);
    ASSERT_OK(ps_accept(l, &s, NULL));
    {
        ps_socket *none = NULL;
        ASSERT_ERR(ps_accept(l, &none, NULL), PS_EAGAIN);
    }
    ps_selector_close(sel);
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

static void closing_the_selector_leaves_its_sockets_open_and_free(int be)
{
    ps_selector *sel = sel_open(be), *next;
    ps_socket *c, *s;
    ps_event ev[4];
    char b;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_OK(ps_selector_add(sel, c, PS_POLLOUT, &tag_b));
    ps_selector_close(sel);
    /* still open and working */
    ASSERT_EQ(ps_send(c, "o", 1, 0), 1);
    test_recv_exact(s, &b, 1);
    ASSERT_EQ(b, 'o');
    /* and free to join another selector */
    next = sel_open(be);
    ASSERT_OK(ps_selector_add(next, s, PS_POLLOUT, &tag_c));
    wait_n(next, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].data == &tag_c);
    ps_selector_close(next);
    ps_selector_close(NULL); /* harmless */
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

static void close_native(ps_socket *s)
{
#ifdef _WIN32
    ASSERT_EQ(closesocket((SOCKET)ps_fileno(s)), 0);
#else
    ASSERT_EQ(close(ps_fileno(s)), 0);
#endif
}

static void a_handle_closed_underneath_does_not_stop_the_others(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s, *bad;
    ps_event ev[4];
    int i, n, good = 0, stale = 0;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_socket_open(&bad, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_selector_add(sel, bad, PS_POLLIN, &tag_b));
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    close_native(bad); /* behind portsock's back */
    ASSERT_EQ(ps_send(c, "g", 1, 0), 1);
    test_wait_readable(s);
    /* The stale one may be reported (PS_POLLNVAL) or silently gone (epoll
     * drops a closed descriptor); a wait never hangs or crashes, and once
     * the stale one is removed the rest is reported. */
    for (i = 0; i < 3 && !good; i++) {
        int k;
        n = ps_selector_wait(sel, ev, 4, 1.0);
        if (n < 0) {
            NOTE("wait with a stale handle: %s", ps_errname(n));
            ASSERT_ERR2(n, PS_EBADF, PS_ENOTSOCK);
            stale++;
            continue;
        }
        assert_distinct(ev, n);
        for (k = 0; k < n; k++) {
            if (ev[k].sock == s)
                good++;
            else {
                ASSERT_TRUE(ev[k].sock == bad);
                ASSERT_TRUE(ev[k].events & (PS_POLLNVAL | PS_POLLERR | PS_POLLHUP));
                stale++;
            }
        }
    }
    NOTE("with the stale handle registered: %d waits, ready socket seen %d, stale reported %d", i,
         good, stale);
    /* poll(), epoll and WSAPoll look at every registration */
    ASSERT_EQ(good, 1);
    (void)ps_selector_remove(sel, bad); /* unregistered whatever the OS says */
    ASSERT_ERR(ps_selector_remove(sel, bad), PS_ENOENT);
    ps_detach(bad);
    wait_n(sel, ev, 4, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

#define PAIRS_MAX 300

/* 2 * pairs sockets, all readable, reported in waits of at most 64. */
static void many_sockets_are_all_reported(int be, int pairs)
{
    ps_selector *sel = sel_open(be);
    static ps_socket *c[PAIRS_MAX], *s[PAIRS_MAX];
    static char seen[2 * PAIRS_MAX];
    static ps_event ev[64];
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la);
    int i, k, total = 0, waits = 0;
    for (i = 0; i < pairs; i++) {
        ASSERT_OK(ps_socket_open(&c[i], PS_AF_INET, PS_SOCK_STREAM, 0));
        ASSERT_OK(ps_connect(c[i], &la));
        ASSERT_OK(ps_accept(l, &s[i], NULL));
        /* data both ways: all 300 readable */
        ASSERT_EQ(ps_send(c[i], "c", 1, 0), 1);
        ASSERT_EQ(ps_send(s[i], "s", 1, 0), 1);
        ASSERT_OK(ps_selector_add(sel, c[i], PS_POLLIN, &seen[2 * i]));
        ASSERT_OK(ps_selector_add(sel, s[i], PS_POLLIN, &seen[2 * i + 1]));
    }
    memset(seen, 0, sizeof seen);
    for (i = 0; i < pairs; i++) {
        test_wait_readable(c[i]); /* so that the count of waits below holds */
        test_wait_readable(s[i]);
    }
    while (total < 2 * pairs && waits < 100) {
        int n = ps_selector_wait(sel, ev, 64, SOON);
        ASSERT_OK(n);
        ASSERT_GE(n, 1);
        ASSERT_LE(n, 64);
        assert_distinct(ev, n);
        for (k = 0; k < n; k++) {
            char *mark = (char *)ev[k].data, b;
            int idx = (int)(mark - seen);
            ASSERT_TRUE(idx >= 0 && idx < 2 * pairs);
            ASSERT_EQ(*mark, 0);
            ASSERT_TRUE(ev[k].sock == (idx % 2 ? s[idx / 2] : c[idx / 2]));
            ASSERT_EQ(ev[k].events, PS_POLLIN);
            *mark = 1;
            test_recv_exact(ev[k].sock, &b, 1);
            total++;
        }
        waits++;
    }
    NOTE("%d readable sockets reported in %d waits of at most 64", 2 * pairs, waits);
    ASSERT_EQ(total, 2 * pairs);
    /* the last one alone */
    ASSERT_EQ(ps_send(s[pairs - 1], "z", 1, 0), 1);
    wait_n(sel, ev, 64, SOON, 1);
    ASSERT_TRUE(ev[0].sock == c[pairs - 1]);
    ps_selector_close(sel);
    for (i = 0; i < pairs; i++) {
        ASSERT_OK(ps_close(c[i]));
        ASSERT_OK(ps_close(s[i]));
    }
    ASSERT_OK(ps_close(l));
}

/* beyond select's 64 on Windows */
static void three_hundred_sockets_are_all_reported(int be)
{
    many_sockets_are_all_reported(be, 150);
}

/* beyond CPython's select-based limit of 512 on Windows */
static void six_hundred_sockets_are_all_reported(int be)
{
    many_sockets_are_all_reported(be, PAIRS_MAX);
}

static void bad_arguments_are_einval(int be)
{
    ps_selector *sel = sel_open(be);
    ps_socket *c, *s;
    ps_event ev[2];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_ERR(ps_selector_add(NULL, s, PS_POLLIN, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_add(sel, NULL, PS_POLLIN, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_add(sel, s, 0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_add(sel, s, 0x40, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_add(sel, s, PS_POLLIN | PS_POLLERR, NULL), PS_EINVAL);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, NULL));
    ASSERT_ERR(ps_selector_modify(NULL, s, PS_POLLIN, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_modify(sel, NULL, PS_POLLIN, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_modify(sel, s, 0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_remove(NULL, s), PS_EINVAL);
    ASSERT_ERR(ps_selector_remove(sel, NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_wait(NULL, ev, 2, 0.0), PS_EINVAL);
    ASSERT_ERR(ps_selector_wait(sel, NULL, 2, 0.0), PS_EINVAL);
    ASSERT_ERR(ps_selector_wait(sel, ev, 0, 0.0), PS_EINVAL);
    ASSERT_ERR(ps_selector_wait(sel, ev, 2, -0.5), PS_EINVAL);
    ASSERT_ERR(ps_selector_wait(sel, ev, 2, PS_TIMEOUT_DEFAULT), PS_EINVAL);
    ASSERT_ERR(ps_selector_wait(sel, ev, 2, strtod("nan", NULL)), PS_EINVAL);
    /* the failed calls changed nothing */
    ASSERT_EQ(ps_send(c, "a", 1, 0), 1);
    wait_n(sel, ev, 2, SOON, 1);
    ASSERT_TRUE(ev[0].sock == s);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

#ifndef _WIN32
static void on_usr1(int sig)
{
    (void)sig;
}

typedef struct signaller {
    pthread_t target;
} signaller;

static void signal_thread(void *arg)
{
    signaller *g = (signaller *)arg;
    int i;
    for (i = 0; i < 3; i++) {
        test_sleep_ms(100);
        pthread_kill(g->target, SIGUSR1);
    }
}

static void a_signal_does_not_end_the_wait_early(int be)
{
    ps_selector *sel = sel_open(be);
    struct sigaction sa;
    ps_socket *c, *s;
    signaller g;
    test_thread t;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART */
    ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, NULL));
    g.target = pthread_self();
    test_thread_spawn(&t, signal_thread, &g);
    times_out(sel, 0.6);
    test_thread_join(&t);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}
#endif

/* ---- each behaviour over each backend ---- */

/* clang-format off */
#ifdef __linux__
#define ON_EPOLL(name) TEST(name##_with_epoll) { name(PS_SELECTOR_EPOLL); }
#define ON_EPOLL_ENTRY(name) TEST_ENTRY(name##_with_epoll),
#else
#define ON_EPOLL(name)
#define ON_EPOLL_ENTRY(name)
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
#define ON_KQUEUE(name) TEST(name##_with_kqueue) { name(PS_SELECTOR_KQUEUE); }
#define ON_KQUEUE_ENTRY(name) TEST_ENTRY(name##_with_kqueue),
#else
#define ON_KQUEUE(name)
#define ON_KQUEUE_ENTRY(name)
#endif
#ifdef _WIN32
#define ON_AFD(name) TEST(name##_with_afd) { name(PS_SELECTOR_AFD); }
#define ON_AFD_ENTRY(name) TEST_ENTRY(name##_with_afd),
#else
#define ON_AFD(name)
#define ON_AFD_ENTRY(name)
#endif
#define ON_EVERY_BACKEND(name)                                         \
    TEST(name##_with_default) { name(PS_SELECTOR_DEFAULT); }           \
    TEST(name##_with_poll) { name(PS_SELECTOR_POLL); }                 \
    ON_EPOLL(name) ON_KQUEUE(name) ON_AFD(name)
#define EVERY_BACKEND_ENTRIES(name)                                    \
    TEST_ENTRY(name##_with_default), TEST_ENTRY(name##_with_poll),     \
    ON_EPOLL_ENTRY(name) ON_KQUEUE_ENTRY(name) ON_AFD_ENTRY(name)
/* clang-format on */

#ifdef _WIN32
#define POSIX_ONLY(X)
#else
#define POSIX_ONLY(X) X(a_signal_does_not_end_the_wait_early)
#endif

#define BEHAVIOURS(X)                                             \
    X(reports_readable_with_its_user_data)                        \
    X(reports_readable_and_writable_in_one_event)                 \
    X(modify_changes_the_events_and_the_user_data)                \
    X(remove_stops_the_reports)                                   \
    X(adding_a_socket_twice_is_eexist)                            \
    X(removing_or_modifying_an_unregistered_socket_is_enoent)     \
    X(closing_a_registered_socket_unregisters_it)                 \
    X(detaching_a_registered_socket_unregisters_it)               \
    X(a_duplicate_registers_on_its_own_and_outlives_the_original) \
    X(an_empty_selector_sleeps_for_the_timeout)                   \
    X(idle_sockets_wait_for_the_timeout)                          \
    X(a_timeout_of_years_waits_and_returns_when_ready)            \
    X(a_small_max_reports_every_ready_socket_over_several_waits)  \
    X(a_peers_close_is_reported)                                  \
    X(a_peers_reset_is_reported)                                  \
    X(modify_of_a_waiting_socket_takes_effect_on_the_next_wait)   \
    X(a_failed_connect_is_reported)                               \
    X(a_listener_is_readable_when_a_connection_is_pending)        \
    X(closing_the_selector_leaves_its_sockets_open_and_free)      \
    X(a_handle_closed_underneath_does_not_stop_the_others)        \
    X(three_hundred_sockets_are_all_reported)                     \
    X(six_hundred_sockets_are_all_reported)                       \
    X(bad_arguments_are_einval)                                   \
    POSIX_ONLY(X)

BEHAVIOURS(ON_EVERY_BACKEND)

/* ---- the backends themselves ---- */

/* Where AFD polling cannot open (an emulator or a system without it), the
 * default selector is the poll selector, and says so. */
TEST(the_default_selector_falls_back_to_poll_where_afd_cannot_open)
{
#ifdef _WIN32
    ps_selector *sel = NULL;
    ps_socket *c, *s;
    ps_event ev[2];
    ASSERT_OK(ps_diag_force(PS_DIAG_FORCE_NO_AFD, 1));
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_AFD), PS_ENOTSUP);
    ASSERT_NULL(sel);
    ASSERT_OK(ps_selector_open(&sel));
    ASSERT_EQ(ps_selector_backend(sel), PS_SELECTOR_POLL);
    /* and it works as a selector */
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, &tag_a));
    ASSERT_EQ(ps_send(c, "x", 1, 0), 1);
    ASSERT_EQ(ps_selector_wait(sel, ev, 2, test_scaled(5.0)), 1);
    ASSERT_TRUE(ev[0].sock == s && ev[0].data == &tag_a && ev[0].events == PS_POLLIN);
    ps_selector_close(sel);
    ASSERT_OK(ps_diag_force(PS_DIAG_FORCE_NO_AFD, 0));
    ASSERT_OK(ps_selector_open(&sel));
    ASSERT_EQ(ps_selector_backend(sel), PS_SELECTOR_AFD);
    ps_selector_close(sel);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
#else
    /* No AFD to refuse: the knob is Windows' alone. */
    ASSERT_ERR(ps_diag_force(PS_DIAG_FORCE_NO_AFD, 1), PS_ENOTSUP);
#endif
}

TEST(each_platform_offers_its_backends_and_refuses_the_others)
{
    ps_selector *sel = NULL;
    int def;
    ASSERT_OK(ps_selector_open(&sel));
    def = ps_selector_backend(sel);
    ps_selector_close(sel);
    ASSERT_OK(ps_selector_open_backend(&sel, PS_SELECTOR_DEFAULT));
    ASSERT_EQ(ps_selector_backend(sel), def);
    ps_selector_close(sel);
    ASSERT_OK(ps_selector_open_backend(&sel, PS_SELECTOR_POLL));
    ASSERT_EQ(ps_selector_backend(sel), PS_SELECTOR_POLL);
    ps_selector_close(sel);
#if defined(__linux__)
    ASSERT_EQ(def, PS_SELECTOR_EPOLL);
    ASSERT_OK(ps_selector_open_backend(&sel, PS_SELECTOR_EPOLL));
    ASSERT_EQ(ps_selector_backend(sel), PS_SELECTOR_EPOLL);
    ps_selector_close(sel);
    sel = (ps_selector *)&tag_a;
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_KQUEUE), PS_ENOTSUP);
    ASSERT_NULL(sel);
#elif defined(_WIN32)
    /* AFD polling, which Windows and Wine 8 have (the poll selector, on
     * WSAPoll, only where AFD polling cannot open) */
    ASSERT_EQ(def, PS_SELECTOR_AFD);
    ASSERT_OK(ps_selector_open_backend(&sel, PS_SELECTOR_AFD));
    ASSERT_EQ(ps_selector_backend(sel), PS_SELECTOR_AFD);
    ps_selector_close(sel);
    sel = (ps_selector *)&tag_a;
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_EPOLL), PS_ENOTSUP);
    ASSERT_NULL(sel);
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_KQUEUE), PS_ENOTSUP);
    ASSERT_NULL(sel);
#elif defined(__APPLE__) || defined(__FreeBSD__)
    ASSERT_EQ(def, PS_SELECTOR_KQUEUE);
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_EPOLL), PS_ENOTSUP);
#endif
#ifndef _WIN32
    sel = (ps_selector *)&tag_a;
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_AFD), PS_ENOTSUP);
    ASSERT_NULL(sel);
#endif
    NOTE("default backend here: %d", def);
}

TEST(opening_with_bad_arguments_is_einval)
{
    ps_selector *sel = NULL;
    ASSERT_ERR(ps_selector_open(NULL), PS_EINVAL);
    ASSERT_ERR(ps_selector_open_backend(NULL, PS_SELECTOR_POLL), PS_EINVAL);
    ASSERT_ERR(ps_selector_open_backend(&sel, -1), PS_EINVAL);
    ASSERT_ERR(ps_selector_open_backend(&sel, 99), PS_EINVAL);
    ASSERT_ERR(ps_selector_open_backend(&sel, PS_SELECTOR_AFD + 1), PS_EINVAL);
    ASSERT_NULL(sel);
    ASSERT_ERR(ps_selector_backend(NULL), PS_EINVAL);
}

/* clang-format off */
TEST_LIST = {
    BEHAVIOURS(EVERY_BACKEND_ENTRIES)
    TEST_ENTRY(each_platform_offers_its_backends_and_refuses_the_others),
    TEST_ENTRY(the_default_selector_falls_back_to_poll_where_afd_cannot_open),
    TEST_ENTRY(opening_with_bad_arguments_is_einval),
#ifdef _WIN32
    TEST_ENTRY(a_failed_connect_comes_through_the_afd_request_when_registered_before_connecting),
#endif
};
/* clang-format on */
TEST_MAIN()
