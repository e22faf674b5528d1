/* Timeouts and modes, with Python's semantics: PS_TIMEOUT_NONE blocks, 0.0
 * never blocks (PS_EAGAIN), > 0 fails with PS_ETIMEDOUT after that long. */
#include "ps_test.h"

TEST(default_timeout_is_none_and_sockets_block)
{
    ps_socket *s;
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), PS_TIMEOUT_NONE);
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_DBL_EQ(ps_gettimeout(s), PS_TIMEOUT_NONE);
    ASSERT_EQ(ps_getblocking(s), 1);
    ASSERT_OK(ps_close(s));
}

TEST(modes_read_back_as_set)
{
    ps_socket *s;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(s, 0.0));
    ASSERT_EQ(ps_getblocking(s), 0);
    ASSERT_DBL_EQ(ps_gettimeout(s), 0.0);
    ASSERT_OK(ps_settimeout(s, 0.3));
    ASSERT_EQ(ps_getblocking(s), 1);
    ASSERT_DBL_EQ(ps_gettimeout(s), 0.3);
    ASSERT_OK(ps_setblocking(s, 0));
    ASSERT_DBL_EQ(ps_gettimeout(s), 0.0);
    ASSERT_EQ(ps_getblocking(s), 0);
    ASSERT_OK(ps_setblocking(s, 1));
    ASSERT_DBL_EQ(ps_gettimeout(s), PS_TIMEOUT_NONE);
    ASSERT_EQ(ps_getblocking(s), 1);
    ASSERT_OK(ps_settimeout(s, PS_TIMEOUT_NONE));
    ASSERT_DBL_EQ(ps_gettimeout(s), PS_TIMEOUT_NONE);
    ASSERT_OK(ps_close(s));
}

TEST(nonblocking_recv_with_no_data_is_eagain_at_once)
{
    ps_socket *c, *s;
    char buf[8];
    double t0;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.0));
    t0 = test_now();
    ASSERT_ERR(ps_recv(c, buf, sizeof buf, 0), PS_EAGAIN);
    ASSERT_ERR(ps_recv(c, buf, sizeof buf, 0), PS_EAGAIN);
    ASSERT_DBL_LT(test_now() - t0, 0.5);
    /* data that is there is returned */
    ASSERT_EQ(ps_send(s, "now", 3, 0), 3);
    {
        ptrdiff_t r = PS_EAGAIN;
        int i;
        for (i = 0; i < 200 && r == PS_EAGAIN; i++) {
            r = ps_recv(c, buf, sizeof buf, 0);
            if (r == PS_EAGAIN)
                test_sleep_ms(10);
        }
        ASSERT_EQ(r, 3);
        ASSERT_MEMEQ(buf, "now", 3);
    }
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(recv_with_timeout_and_no_data_is_etimedout_after_the_deadline)
{
    ps_socket *c, *s;
    char buf[8];
    double t0, dt;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.3));
    t0 = test_now();
    ASSERT_ERR(ps_recv(c, buf, sizeof buf, 0), PS_ETIMEDOUT);
    dt = test_now() - t0;
    NOTE("recv with a 0.3 s timeout gave up after %.3f s", dt);
    ASSERT_DBL_GE(dt, 0.25);
    ASSERT_DBL_LT(dt, 2.0);
    /* the socket is still good after a timeout */
    ASSERT_EQ(ps_send(s, "ok", 2, 0), 2);
    ASSERT_OK(ps_settimeout(c, 5.0));
    test_recv_exact(c, buf, 2);
    ASSERT_MEMEQ(buf, "ok", 2);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(udp_recv_with_timeout_is_etimedout_after_the_deadline)
{
    ps_socket *u = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL);
    char buf[8];
    double t0, dt;
    ASSERT_OK(ps_settimeout(u, 0.3));
    t0 = test_now();
    ASSERT_ERR(ps_recvfrom(u, buf, sizeof buf, 0, NULL), PS_ETIMEDOUT);
    dt = test_now() - t0;
    ASSERT_DBL_GE(dt, 0.25);
    ASSERT_DBL_LT(dt, 2.0);
    ASSERT_OK(ps_close(u));
}

typedef struct delayed {
    ps_socket *s;
    unsigned ms;
} delayed;

static void send_later(void *arg)
{
    delayed *d = (delayed *)arg;
    test_sleep_ms(d->ms);
    ASSERT_EQ(ps_send(d->s, "late", 4, 0), 4);
}

TEST(recv_with_timeout_returns_data_that_arrives_in_time)
{
    ps_socket *c, *s;
    char buf[8];
    delayed d;
    test_thread t;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 5.0));
    d.s = s;
    d.ms = 200;
    test_thread_spawn(&t, send_later, &d);
    test_recv_exact(c, buf, 4);
    ASSERT_MEMEQ(buf, "late", 4);
    test_thread_join(&t);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(accept_on_a_nonblocking_listener_with_nothing_pending_is_eagain)
{
    ps_socket *l = test_listener(PS_AF_INET, NULL), *conn = NULL;
    double t0;
    ASSERT_OK(ps_settimeout(l, 0.0));
    t0 = test_now();
    ASSERT_ERR(ps_accept(l, &conn, NULL), PS_EAGAIN);
    ASSERT_DBL_LT(test_now() - t0, 0.5);
    ASSERT_OK(ps_close(l));
}

TEST(accept_with_timeout_and_nothing_pending_is_etimedout)
{
    ps_socket *l = test_listener(PS_AF_INET, NULL), *conn = NULL;
    double t0, dt;
    ASSERT_OK(ps_settimeout(l, 0.3));
    t0 = test_now();
    ASSERT_ERR(ps_accept(l, &conn, NULL), PS_ETIMEDOUT);
    dt = test_now() - t0;
    ASSERT_DBL_GE(dt, 0.25);
    ASSERT_DBL_LT(dt, 2.0);
    ASSERT_OK(ps_close(l));
}

TEST(socket_accepted_from_a_nonblocking_listener_blocks_by_default)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c, *s = NULL;
    char buf[8];
    delayed d;
    test_thread t;
    int i;
    ptrdiff_t r = PS_EAGAIN;
    ASSERT_OK(ps_settimeout(l, 0.0));
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &la));
    for (i = 0; i < 200 && r == PS_EAGAIN; i++) {
        r = ps_accept(l, &s, NULL);
        if (r == PS_EAGAIN)
            test_sleep_ms(10);
    }
    ASSERT_OK(r);
    /* the default timeout, whatever the listener's mode (Windows would
     * otherwise hand down the listener's non-blocking mode) */
    ASSERT_DBL_EQ(ps_gettimeout(s), PS_TIMEOUT_NONE);
    ASSERT_EQ(ps_getblocking(s), 1);
    d.s = c;
    d.ms = 200;
    test_thread_spawn(&t, send_later, &d);
    test_recv_exact(s, buf, 4); /* a non-blocking s would fail with PS_EAGAIN */
    ASSERT_MEMEQ(buf, "late", 4);
    test_thread_join(&t);
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(default_timeout_applies_to_new_and_accepted_sockets)
{
    ps_addr la;
    ps_socket *l, *c, *s, *u;
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), PS_TIMEOUT_NONE);
    ps_setdefaulttimeout(0.5);
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), 0.5);
    l = test_listener(PS_AF_INET, &la);
    ASSERT_DBL_EQ(ps_gettimeout(l), 0.5);
    ASSERT_OK(ps_socket_open(&u, PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_DBL_EQ(ps_gettimeout(u), 0.5);
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &la));
    ASSERT_OK(ps_settimeout(l, PS_TIMEOUT_NONE));
    ASSERT_OK(ps_accept(l, &s, NULL));
    ASSERT_DBL_EQ(ps_gettimeout(s), 0.5);
    /* and it is honoured */
    {
        char buf[4];
        double t0 = test_now(), dt;
        ASSERT_ERR(ps_recv(s, buf, sizeof buf, 0), PS_ETIMEDOUT);
        dt = test_now() - t0;
        ASSERT_DBL_GE(dt, 0.4);
        ASSERT_DBL_LT(dt, 2.5);
    }
    /* existing sockets keep theirs when the default changes */
    ps_setdefaulttimeout(PS_TIMEOUT_NONE);
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), PS_TIMEOUT_NONE);
    ASSERT_DBL_EQ(ps_gettimeout(s), 0.5);
    ASSERT_DBL_EQ(ps_gettimeout(u), 0.5);
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_socket_open(&u, PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_DBL_EQ(ps_gettimeout(u), PS_TIMEOUT_NONE);
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(default_timeout_zero_makes_new_sockets_nonblocking)
{
    ps_socket *u;
    char buf[4];
    ps_setdefaulttimeout(0.0);
    u = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL);
    ASSERT_EQ(ps_getblocking(u), 0);
    ASSERT_ERR(ps_recv(u, buf, sizeof buf, 0), PS_EAGAIN);
    ps_setdefaulttimeout(PS_TIMEOUT_NONE);
    ASSERT_OK(ps_close(u));
}

TEST(sendall_with_timeout_stops_at_the_deadline_and_reports_bytes_sent)
{
    ps_socket *c, *s;
    size_t len = 64u * 1024u * 1024u, sent = 0;
    char *buf = (char *)calloc(1, len);
    double t0, dt;
    int r;
    ASSERT_NOT_NULL(buf);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.5));
    t0 = test_now();
    r = ps_sendall(c, buf, len, 0, &sent); /* the peer never reads */
    dt = test_now() - t0;
    NOTE("sendall into a peer that does not read: %s after %.3f s, %zu bytes", ps_errname(r), dt,
         sent);
    ASSERT_ERR(r, PS_ETIMEDOUT);
    ASSERT_GT(sent, 0);
    ASSERT_LT(sent, len);
    ASSERT_DBL_GE(dt, 0.4);
    ASSERT_DBL_LT(dt, 2.5); /* the timeout bounds the whole call */
    free(buf);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(nonblocking_connect_is_einprogress_then_completes)
{
    ps_addr la, peer;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c, *s;
    int r;
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(c, 0.0));
    ASSERT_ERR(ps_connect(c, &la), PS_EINPROGRESS);
    ASSERT_OK(ps_accept(l, &s, NULL));
    test_sleep_ms(100);
    /* Connecting again once the connection is up: as the OS says (Python
     * does the same). POSIX reports the completion once (0), Winsock says
     * it is connected. */
    r = ps_connect(c, &la);
    NOTE("second connect after completion: %d (%s)", r, r < 0 ? ps_errname(r) : "OK");
#ifdef _WIN32
    ASSERT_ERR(r, PS_EISCONN);
#else
    ASSERT_EQ(r, 0);
#endif
    ASSERT_ERR(ps_connect(c, &la), PS_EISCONN);
    ASSERT_OK(ps_getpeername(c, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &la);
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST_LIST = {
    TEST_ENTRY(default_timeout_is_none_and_sockets_block),
    TEST_ENTRY(modes_read_back_as_set),
    TEST_ENTRY(nonblocking_recv_with_no_data_is_eagain_at_once),
    TEST_ENTRY(recv_with_timeout_and_no_data_is_etimedout_after_the_deadline),
    TEST_ENTRY(udp_recv_with_timeout_is_etimedout_after_the_deadline),
    TEST_ENTRY(recv_with_timeout_returns_data_that_arrives_in_time),
    TEST_ENTRY(accept_on_a_nonblocking_listener_with_nothing_pending_is_eagain),
    TEST_ENTRY(accept_with_timeout_and_nothing_pending_is_etimedout),
    TEST_ENTRY(socket_accepted_from_a_nonblocking_listener_blocks_by_default),
    TEST_ENTRY(default_timeout_applies_to_new_and_accepted_sockets),
    TEST_ENTRY(default_timeout_zero_makes_new_sockets_nonblocking),
    TEST_ENTRY(sendall_with_timeout_stops_at_the_deadline_and_reports_bytes_sent),
    TEST_ENTRY(nonblocking_connect_is_einprogress_then_completes),
};
TEST_MAIN()
