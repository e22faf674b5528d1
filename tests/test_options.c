/* Socket options: every PS_OPT_* set and read back (and seen natively) on
 * the kinds of socket it applies to, PS_ENOTSUP on the others and where the
 * platform lacks it, the native pass-throughs, and PS_OPT_LINGER 0 making
 * ps_close reset the connection. */
#include "ps_test.h"

#ifndef _WIN32
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

/* glibc hides SO_REUSEPORT under _POSIX_C_SOURCE (ps_test.h); Linux has
 * had it, as 15, since 3.9. */
#if defined(__linux__) && !defined(SO_REUSEPORT)
#define SO_REUSEPORT 15
#endif

/* An int-sized native option, zeroed first (Wine writes one byte of yes/no
 * options where Windows writes four: wine.md). */
static int native_int(ps_socket *s, int level, int name)
{
    int v = 0;
    size_t len = sizeof v;
    ASSERT_OK(ps_getsockopt_native(s, level, name, &v, &len));
    ASSERT_GE(len, 1);
    ASSERT_LE(len, sizeof v);
    return v;
}

/* A yes/no option: set and read back, through portsock and natively. */
static void expect_bool_option(ps_socket *s, int opt, int level, int name)
{
    int v = -1;
    ASSERT_OK(ps_setopt(s, opt, 1));
    ASSERT_OK(ps_getopt(s, opt, &v));
    ASSERT_EQ(v, 1);
    ASSERT_NE(native_int(s, level, name), 0);
    ASSERT_OK(ps_setopt(s, opt, 0));
    v = -1;
    ASSERT_OK(ps_getopt(s, opt, &v));
    ASSERT_EQ(v, 0);
    ASSERT_EQ(native_int(s, level, name), 0);
    ASSERT_OK(ps_setopt(s, opt, 42)); /* any non-zero is yes, read back as 1 */
    v = -1;
    ASSERT_OK(ps_getopt(s, opt, &v));
    ASSERT_EQ(v, 1);
}

static void expect_unsupported(ps_socket *s, int opt, const char *what)
{
    int v = 12345, r1 = ps_setopt(s, opt, 1), r2 = ps_getopt(s, opt, &v);
    if (r1 != PS_ENOTSUP || r2 != PS_ENOTSUP)
        FAILF("%s: setopt %s, getopt %s, want ENOTSUP for both", what, ps_errname(r1),
              ps_errname(r2));
    ASSERT_EQ(v, 12345); /* untouched */
}

static ps_socket *open_socket(int family, int type)
{
    ps_socket *s;
    ASSERT_OK(ps_socket_open(&s, family, type, 0));
    return s;
}

TEST(reuseaddr_and_keepalive_set_and_read_back_on_tcp_and_udp)
{
    const int types[] = {PS_SOCK_STREAM, PS_SOCK_DGRAM};
    size_t i;
    for (i = 0; i < 2; i++) {
        ps_socket *s = open_socket(PS_AF_INET, types[i]);
        expect_bool_option(s, PS_OPT_REUSEADDR, SOL_SOCKET, SO_REUSEADDR);
        if (types[i] == PS_SOCK_STREAM)
            expect_bool_option(s, PS_OPT_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE);
        ASSERT_OK(ps_close(s));
    }
}

TEST(reuseport_sets_where_the_os_has_it_and_is_enotsup_on_windows)
{
    ps_socket *s = open_socket(PS_AF_INET, PS_SOCK_STREAM);
#ifdef _WIN32
    expect_unsupported(s, PS_OPT_REUSEPORT, "REUSEPORT on Windows");
#elif defined(SO_REUSEPORT)
    expect_bool_option(s, PS_OPT_REUSEPORT, SOL_SOCKET, SO_REUSEPORT);
#else
    expect_unsupported(s, PS_OPT_REUSEPORT, "REUSEPORT without SO_REUSEPORT");
#endif
    ASSERT_OK(ps_close(s));
}

TEST(nodelay_applies_to_tcp_only)
{
    ps_socket *t = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    ps_socket *u = open_socket(PS_AF_INET, PS_SOCK_DGRAM);
    int v = -1;
    ASSERT_OK(ps_getopt(t, PS_OPT_NODELAY, &v));
    ASSERT_EQ(v, 0); /* Nagle is on by default */
    expect_bool_option(t, PS_OPT_NODELAY, IPPROTO_TCP, TCP_NODELAY);
    expect_unsupported(u, PS_OPT_NODELAY, "NODELAY on UDP");
    ASSERT_OK(ps_close(t));
    ASSERT_OK(ps_close(u));
#ifndef _WIN32
    t = open_socket(PS_AF_UNIX, PS_SOCK_STREAM);
    expect_unsupported(t, PS_OPT_NODELAY, "NODELAY on AF_UNIX");
    ASSERT_OK(ps_close(t));
#endif
}

TEST(broadcast_applies_to_udp_and_is_enotsup_on_streams)
{
    ps_socket *u = open_socket(PS_AF_INET, PS_SOCK_DGRAM);
    ps_socket *t = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    int v = -1;
    ASSERT_OK(ps_getopt(u, PS_OPT_BROADCAST, &v));
    ASSERT_EQ(v, 0);
    expect_bool_option(u, PS_OPT_BROADCAST, SOL_SOCKET, SO_BROADCAST);
    expect_unsupported(t, PS_OPT_BROADCAST, "BROADCAST on TCP");
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_close(t));
#ifndef _WIN32
    u = open_socket(PS_AF_UNIX, PS_SOCK_DGRAM);
    expect_unsupported(u, PS_OPT_BROADCAST, "BROADCAST on AF_UNIX");
    ASSERT_OK(ps_close(u));
#endif
}

TEST(v6only_applies_to_ipv6_and_is_enotsup_on_ipv4)
{
    ps_socket *s4 = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    const int types[] = {PS_SOCK_STREAM, PS_SOCK_DGRAM};
    size_t i;
    expect_unsupported(s4, PS_OPT_V6ONLY, "V6ONLY on IPv4");
    ASSERT_OK(ps_close(s4));
    s4 = open_socket(PS_AF_INET, PS_SOCK_DGRAM);
    expect_unsupported(s4, PS_OPT_V6ONLY, "V6ONLY on IPv4 UDP");
    ASSERT_OK(ps_close(s4));
    if (!test_have_ipv6())
        SKIP("no IPv6 here (IPv4's PS_ENOTSUP checked)");
    for (i = 0; i < 2; i++) {
        ps_socket *s6 = open_socket(PS_AF_INET6, types[i]);
        int v = -1;
        ASSERT_OK(ps_getopt(s6, PS_OPT_V6ONLY, &v));
#ifdef _WIN32
        ASSERT_EQ(v, 1); /* Windows: V6-only unless told otherwise */
#else
        {
            /* Linux: the system's net.ipv6.bindv6only, 0 unless changed */
            FILE *f = fopen("/proc/sys/net/ipv6/bindv6only", "r");
            int sys = 0;
            if (f != NULL) {
                ASSERT_EQ(fscanf(f, "%d", &sys), 1);
                fclose(f);
                ASSERT_EQ(v, sys != 0);
            }
        }
#endif
        NOTE("a new IPv6 socket has V6ONLY %d", v);
        expect_bool_option(s6, PS_OPT_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY);
        ASSERT_OK(ps_close(s6));
    }
}

TEST(pktinfo_applies_to_udp_of_both_families_and_is_enotsup_on_tcp)
{
    ps_socket *u = open_socket(PS_AF_INET, PS_SOCK_DGRAM);
    ps_socket *t = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    int v = -1;
    ASSERT_OK(ps_setopt(u, PS_OPT_PKTINFO, 1));
    ASSERT_OK(ps_getopt(u, PS_OPT_PKTINFO, &v));
    ASSERT_EQ(v, 1);
    ASSERT_NE(native_int(u, IPPROTO_IP, IP_PKTINFO), 0);
    ASSERT_OK(ps_setopt(u, PS_OPT_PKTINFO, 0));
    ASSERT_OK(ps_getopt(u, PS_OPT_PKTINFO, &v));
    ASSERT_EQ(v, 0);
    expect_unsupported(t, PS_OPT_PKTINFO, "PKTINFO on TCP");
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_close(t));
    if (test_have_ipv6()) {
        u = open_socket(PS_AF_INET6, PS_SOCK_DGRAM);
        ASSERT_OK(ps_setopt(u, PS_OPT_PKTINFO, 1));
        ASSERT_OK(ps_getopt(u, PS_OPT_PKTINFO, &v));
        ASSERT_EQ(v, 1);
        ASSERT_OK(ps_setopt(u, PS_OPT_PKTINFO, 0));
        ASSERT_OK(ps_getopt(u, PS_OPT_PKTINFO, &v));
        ASSERT_EQ(v, 0);
        ASSERT_OK(ps_close(u));
    }
}

TEST(buffer_sizes_read_back_as_each_platform_keeps_them)
{
    const int types[] = {PS_SOCK_STREAM, PS_SOCK_DGRAM};
    size_t i;
    for (i = 0; i < 2; i++) {
        ps_socket *s = open_socket(PS_AF_INET, types[i]);
        int r = -1, w = -1;
        ASSERT_OK(ps_setopt(s, PS_OPT_RCVBUF, 65536));
        ASSERT_OK(ps_setopt(s, PS_OPT_SNDBUF, 32768));
        ASSERT_OK(ps_getopt(s, PS_OPT_RCVBUF, &r));
        ASSERT_OK(ps_getopt(s, PS_OPT_SNDBUF, &w));
        NOTE("RCVBUF 65536 reads %d, SNDBUF 32768 reads %d", r, w);
#if defined(__linux__)
        /* Linux doubles the value for its bookkeeping (socket(7)) */
        ASSERT_EQ(r, 2 * 65536);
        ASSERT_EQ(w, 2 * 32768);
#elif defined(_WIN32)
        ASSERT_EQ(r, 65536);
        ASSERT_EQ(w, 32768);
#else
        ASSERT_GE(r, 65536);
        ASSERT_GE(w, 32768);
#endif
        ASSERT_EQ(native_int(s, SOL_SOCKET, SO_RCVBUF), r);
        ASSERT_EQ(native_int(s, SOL_SOCKET, SO_SNDBUF), w);
        ASSERT_OK(ps_close(s));
    }
}

TEST(linger_reads_back_seconds_zero_and_off)
{
    ps_socket *s = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    struct linger l;
    size_t len;
    int v = 99;
    ASSERT_OK(ps_getopt(s, PS_OPT_LINGER, &v));
    ASSERT_EQ(v, -1); /* off by default */
    ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, 7));
    ASSERT_OK(ps_getopt(s, PS_OPT_LINGER, &v));
    ASSERT_EQ(v, 7);
    memset(&l, 0, sizeof l);
    len = sizeof l;
    ASSERT_OK(ps_getsockopt_native(s, SOL_SOCKET, SO_LINGER, &l, &len));
    ASSERT_NE(l.l_onoff, 0);
    ASSERT_EQ(l.l_linger, 7);
    ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, 0));
    ASSERT_OK(ps_getopt(s, PS_OPT_LINGER, &v));
    ASSERT_EQ(v, 0);
    ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, -1));
    ASSERT_OK(ps_getopt(s, PS_OPT_LINGER, &v));
    ASSERT_EQ(v, -1);
    memset(&l, 0, sizeof l);
    len = sizeof l;
    ASSERT_OK(ps_getsockopt_native(s, SOL_SOCKET, SO_LINGER, &l, &len));
    ASSERT_EQ(l.l_onoff, 0);
    ASSERT_ERR(ps_setopt(s, PS_OPT_LINGER, -2), PS_EINVAL);
    ASSERT_OK(ps_close(s));
}

TEST(error_and_type_are_get_only_and_read_the_os)
{
    const int types[] = {PS_SOCK_STREAM, PS_SOCK_DGRAM};
    size_t i;
    for (i = 0; i < 2; i++) {
        ps_socket *s = open_socket(PS_AF_INET, types[i]);
        int v = -1;
        ASSERT_OK(ps_getopt(s, PS_OPT_TYPE, &v));
        ASSERT_EQ(v, types[i]);
        v = -1;
        ASSERT_OK(ps_getopt(s, PS_OPT_ERROR, &v));
        ASSERT_EQ(v, 0);
        ASSERT_ERR(ps_setopt(s, PS_OPT_TYPE, types[i]), PS_EINVAL);
        ASSERT_ERR(ps_setopt(s, PS_OPT_ERROR, 0), PS_EINVAL);
        ASSERT_OK(ps_close(s));
    }
}

TEST(every_option_on_an_ipv6_tcp_socket_sets_or_says_enotsup)
{
    ps_socket *s;
    int opt;
    if (!test_have_ipv6())
        SKIP("no IPv6 here");
    s = open_socket(PS_AF_INET6, PS_SOCK_STREAM);
    for (opt = PS_OPT_REUSEADDR; opt <= PS_OPT_TYPE; opt++) {
        int v = -1, r;
        if (opt == PS_OPT_ERROR || opt == PS_OPT_TYPE) {
            ASSERT_ERR(ps_setopt(s, opt, 1), PS_EINVAL);
            ASSERT_OK(ps_getopt(s, opt, &v));
            continue;
        }
        r = ps_setopt(s, opt, opt == PS_OPT_RCVBUF || opt == PS_OPT_SNDBUF ? 65536 : 1);
        if (opt == PS_OPT_BROADCAST || opt == PS_OPT_PKTINFO
#ifdef _WIN32
            || opt == PS_OPT_REUSEPORT
#endif
        ) {
            ASSERT_ERR(r, PS_ENOTSUP);
            ASSERT_ERR(ps_getopt(s, opt, &v), PS_ENOTSUP);
            continue;
        }
        ASSERT_OK(r);
        ASSERT_OK(ps_getopt(s, opt, &v));
        if (opt == PS_OPT_RCVBUF || opt == PS_OPT_SNDBUF)
            ASSERT_GE(v, 65536);
        else
            ASSERT_EQ(v, 1);
    }
    ASSERT_OK(ps_close(s));
}

/* ---- the native pass-throughs ---- */

TEST(native_options_and_portable_ones_see_each_other)
{
    ps_socket *s = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    int on = 1, v = -1;
    size_t len = sizeof v;
    ASSERT_OK(ps_setsockopt_native(s, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on));
    ASSERT_OK(ps_getopt(s, PS_OPT_KEEPALIVE, &v));
    ASSERT_EQ(v, 1);
    ASSERT_OK(ps_setopt(s, PS_OPT_KEEPALIVE, 0));
    v = 0;
    ASSERT_OK(ps_getsockopt_native(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len));
    ASSERT_EQ(v, 0);
    /* the length used comes back: an int (Wine writes one byte of yes/no
     * options, where Windows and POSIX write four) */
    NOTE("getsockopt(SO_KEEPALIVE) used %zu bytes", len);
    if (test_under_wine())
        ASSERT_EQ(len, 1);
    else
        ASSERT_EQ(len, sizeof v);
    len = sizeof v;
    v = 0;
    ASSERT_OK(ps_getsockopt_native(s, SOL_SOCKET, SO_TYPE, &v, &len));
    ASSERT_EQ(v, SOCK_STREAM);
    ASSERT_EQ(len, sizeof v);
    ASSERT_OK(ps_close(s));
}

TEST(unknown_native_options_are_enoprotoopt)
{
    ps_socket *s = open_socket(PS_AF_INET, PS_SOCK_STREAM);
    int v = 1, r1, r2;
    size_t len = sizeof v;
    r1 = ps_setsockopt_native(s, SOL_SOCKET, 0x7123, &v, sizeof v);
    r2 = ps_getsockopt_native(s, SOL_SOCKET, 0x7123, &v, &len);
    NOTE("unknown SOL_SOCKET option: set %s, get %s", ps_errname(r1), ps_errname(r2));
    ASSERT_ERR(r1, PS_ENOPROTOOPT);
    ASSERT_ERR(r2, PS_ENOPROTOOPT);
    ASSERT_OK(ps_close(s));
}

/* A socket with a timeout is non-blocking underneath (always on Windows),
 * and Microsoft's closesocket fails with WSAEWOULDBLOCK for a non-blocking
 * socket with a positive linger whose data is not out yet, leaving the
 * handle open. ps_close must still release it and linger as a blocking
 * close does: the peer gets every byte and then an orderly EOF. */
typedef struct counting_reader {
    ps_socket *s;
    size_t got;
    ptrdiff_t last;
} counting_reader;

static void read_to_eof(void *arg)
{
    counting_reader *r = (counting_reader *)arg;
    static char buf[65536];
    int i;
    for (i = 0; i < 1000000; i++) {
        r->last = ps_recv(r->s, buf, sizeof buf, 0);
        if (r->last <= 0)
            return;
        r->got += (size_t)r->last;
    }
}

TEST(linger_positive_close_of_a_socket_with_a_timeout_delivers_everything_and_releases_it)
{
    enum { TOTAL = 8 * 1024 * 1024 };
    ps_socket *c, *s;
    char *data = (char *)malloc(TOTAL);
    counting_reader r;
    test_thread t;
    size_t sent = 0;
    ASSERT_NOT_NULL(data);
    memset(data, 'L', TOTAL);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, 20));
    ASSERT_OK(ps_settimeout(s, 20.0));
    ASSERT_OK(ps_settimeout(c, 20.0));
    r.s = c;
    r.got = 0;
    r.last = 1;
    test_thread_spawn(&t, read_to_eof, &r);
    ASSERT_OK(ps_sendall(s, data, TOTAL, 0, &sent));
    ASSERT_EQ(sent, (size_t)TOTAL);
    /* Much of it may still be in the buffers: the close lingers. */
    ASSERT_OK(ps_close(s));
    test_thread_join(&t);
    ASSERT_EQ(r.last, 0);
    ASSERT_EQ(r.got, (size_t)TOTAL);
    ASSERT_OK(ps_close(c));
    free(data);
}

/* ---- PS_OPT_LINGER 0: ps_close resets ---- */

typedef struct waiting_recv {
    ps_socket *s;
    volatile int started; /* set just before the recv */
    ptrdiff_t result;
} waiting_recv;

static void recv_once(void *arg)
{
    waiting_recv *w = (waiting_recv *)arg;
    char buf[16];
    w->started = 1;
    w->result = ps_recv(w->s, buf, sizeof buf, 0);
}

TEST(linger_0_close_resets_a_peer_waiting_in_recv)
{
    /* The thread says when its recv is next. On POSIX (and Windows) a recv
     * sees the reset whether it was waiting or came after, so the handshake
     * is all the test needs. Under Wine only a recv already waiting in the
     * kernel sees it (wine.md): a recv that came too late returns 0, and the
     * test tries again with more time between the handshake and the close
     * (bounded). */
    int attempt;
    for (attempt = 0; attempt < 6; attempt++) {
        ps_socket *c, *s;
        waiting_recv w;
        test_thread t;
        double t0 = test_now();
        test_tcp_pair(PS_AF_INET, &c, &s);
        w.s = c; /* blocking: the recv waits in the kernel */
        w.started = 0;
        w.result = 1;
        test_thread_spawn(&t, recv_once, &w);
        while (!w.started && test_now() - t0 < test_scaled(5.0))
            test_sleep_ms(1);
        ASSERT_TRUE(w.started);
        if (test_under_wine())
            test_sleep_ms(10u << attempt); /* time to enter the kernel: 10 .. 320 ms */
        ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, 0));
        ASSERT_OK(ps_close(s));
        test_thread_join(&t); /* bounded by the watchdog: the reset ends the wait */
        NOTE("recv waiting when the peer closed with linger 0: %s",
             w.result < 0 ? ps_errname((int)w.result) : "data or EOF");
        ASSERT_OK(ps_close(c));
        if (w.result == 0 && test_under_wine())
            continue; /* the recv came after the reset */
        ASSERT_ERR(w.result, PS_ECONNRESET);
        return;
    }
    FAILF("under Wine no recv was waiting when the reset came, in %d tries", attempt);
}

TEST(linger_0_close_then_a_later_recv_sees_the_reset_except_under_wine)
{
    ps_socket *c, *s;
    char b;
    ptrdiff_t r;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, 0));
    ASSERT_OK(ps_close(s));
    test_wait_readable(c); /* the reset has arrived */
    ASSERT_OK(ps_settimeout(c, 2.0));
    r = ps_recv(c, &b, 1, 0);
    NOTE("recv after the peer closed with linger 0: %s", r < 0 ? ps_errname((int)r) : "EOF");
    if (test_under_wine())
        ASSERT_EQ(r, 0); /* Wine: an orderly EOF (Windows: WSAECONNRESET) */
    else
        ASSERT_ERR(r, PS_ECONNRESET);
    ASSERT_OK(ps_close(c));
}

TEST(linger_positive_close_delivers_the_data_then_an_orderly_eof)
{
    ps_socket *c, *s;
    char buf[8];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_setopt(s, PS_OPT_LINGER, 2));
    ASSERT_EQ(ps_send(s, "bye", 3, 0), 3);
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_settimeout(c, 5.0));
    test_recv_exact(c, buf, 3);
    ASSERT_MEMEQ(buf, "bye", 3);
    ASSERT_EQ(ps_recv(c, buf, sizeof buf, 0), 0);
    ASSERT_OK(ps_close(c));
}

TEST_LIST = {
    TEST_ENTRY(reuseaddr_and_keepalive_set_and_read_back_on_tcp_and_udp),
    TEST_ENTRY(reuseport_sets_where_the_os_has_it_and_is_enotsup_on_windows),
    TEST_ENTRY(nodelay_applies_to_tcp_only),
    TEST_ENTRY(broadcast_applies_to_udp_and_is_enotsup_on_streams),
    TEST_ENTRY(v6only_applies_to_ipv6_and_is_enotsup_on_ipv4),
    TEST_ENTRY(pktinfo_applies_to_udp_of_both_families_and_is_enotsup_on_tcp),
    TEST_ENTRY(buffer_sizes_read_back_as_each_platform_keeps_them),
    TEST_ENTRY(linger_reads_back_seconds_zero_and_off),
    TEST_ENTRY(error_and_type_are_get_only_and_read_the_os),
    TEST_ENTRY(every_option_on_an_ipv6_tcp_socket_sets_or_says_enotsup),
    TEST_ENTRY(native_options_and_portable_ones_see_each_other),
    TEST_ENTRY(unknown_native_options_are_enoprotoopt),
    TEST_ENTRY(linger_0_close_resets_a_peer_waiting_in_recv),
    TEST_ENTRY(linger_0_close_then_a_later_recv_sees_the_reset_except_under_wine),
    TEST_ENTRY(linger_positive_close_delivers_the_data_then_an_orderly_eof),
    TEST_ENTRY(
        linger_positive_close_of_a_socket_with_a_timeout_delivers_everything_and_releases_it),
};
TEST_MAIN()
