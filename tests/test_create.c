/* Python's create_connection() and create_server(): ps_create_connection,
 * ps_create_connection_addrs and ps_create_server, with the safe choices
 * each platform needs (SO_REUSEADDR on POSIX, SO_EXCLUSIVEADDRUSE on
 * Windows). */
#include "ps_test.h"

#ifndef _WIN32
#include <sys/socket.h>
#endif

/* A closed port of family's loopback. */
static ps_addr closed_port(int family)
{
    ps_addr a;
    ps_socket *t = test_bound(family, PS_SOCK_STREAM, &a);
    ASSERT_OK(ps_close(t));
    return a;
}

static void port_text(const ps_addr *a, char port[16])
{
    snprintf(port, 16, "%d", ps_addr_port(a));
}

/* c is connected to l: the accepted socket's peer is c, and bytes flow. */
static void expect_connected_to(ps_socket *c, ps_socket *l)
{
    ps_socket *s;
    ps_addr cname, peer;
    char b = 0;
    ASSERT_OK(ps_settimeout(l, 5.0));
    ASSERT_OK(ps_accept(l, &s, &peer));
    ASSERT_OK(ps_getsockname(c, &cname));
    ASSERT_ADDR_TEXT_EQ(&cname, &peer);
    ASSERT_EQ(ps_send(c, "c", 1, 0), 1);
    ASSERT_OK(ps_settimeout(s, 5.0));
    test_recv_exact(s, &b, 1);
    ASSERT_EQ(b, 'c');
    ASSERT_OK(ps_close(s));
}

/* ---- create_connection ---- */

TEST(create_connection_by_numeric_host_and_port_connects_and_keeps_the_timeout)
{
    ps_addr la, peer;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c = NULL;
    char port[16];
    port_text(&la, port);
    ASSERT_OK(ps_create_connection(&c, "127.0.0.1", port, 2.5, NULL));
    ASSERT_NOT_NULL(c);
    ASSERT_EQ(ps_family(c), PS_AF_INET);
    ASSERT_EQ(ps_type(c), PS_SOCK_STREAM);
    ASSERT_DBL_EQ(ps_gettimeout(c), 2.5);
    ASSERT_EQ(ps_get_inheritable(c), 0);
    ASSERT_OK(ps_getpeername(c, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &la);
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(create_connection_over_ipv6_loopback_connects)
{
    ps_addr la;
    ps_socket *l, *c;
    char port[16];
    if (!test_have_ipv6())
        SKIP("no IPv6 loopback here");
    l = test_listener(PS_AF_INET6, &la);
    port_text(&la, port);
    ASSERT_OK(ps_create_connection(&c, "::1", port, PS_TIMEOUT_NONE, NULL));
    ASSERT_EQ(ps_family(c), PS_AF_INET6);
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(create_connection_to_a_closed_port_is_econnrefused_and_gives_no_socket)
{
    ps_addr a = closed_port(PS_AF_INET);
    ps_socket *c = (ps_socket *)&a; /* must be reset to NULL */
    char port[16];
    port_text(&a, port);
    ASSERT_ERR(ps_create_connection(&c, "127.0.0.1", port, 5.0, NULL), PS_ECONNREFUSED);
    ASSERT_NULL(c);
    c = (ps_socket *)&a;
    ASSERT_ERR(ps_create_connection(&c, "127.0.0.1", port, PS_TIMEOUT_NONE, NULL), PS_ECONNREFUSED);
    ASSERT_NULL(c);
}

TEST(create_connection_with_a_source_address_binds_it_first)
{
    ps_addr la, src, name;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c, *hold;
    char port[16];
    port_text(&la, port);
    /* a free port to bind to: taken from a socket closed just before */
    hold = test_bound(PS_AF_INET, PS_SOCK_STREAM, &src);
    ASSERT_OK(ps_close(hold));
    ASSERT_OK(ps_create_connection(&c, "127.0.0.1", port, 5.0, &src));
    ASSERT_OK(ps_getsockname(c, &name));
    ASSERT_ADDR_TEXT_EQ(&name, &src);
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(create_connection_with_a_source_of_another_family_fails_with_the_bind_error)
{
    ps_addr la, src;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c = NULL;
    char port[16];
    int r;
    port_text(&la, port);
    ASSERT_OK(ps_addr_set(&src, "::1", 0));
    r = ps_create_connection(&c, "127.0.0.1", port, 5.0, &src);
    NOTE("an IPv6 source for an IPv4 target: %s", ps_errname(r));
    ASSERT_ERR(r, PS_EAFNOSUPPORT);
    ASSERT_NULL(c);
    ASSERT_OK(ps_close(l));
}

/* ---- create_connection_addrs: the address loop ---- */

TEST(create_connection_addrs_skips_a_refusing_address_and_connects_to_the_next)
{
    ps_addr la, addrs[2], peer;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c = NULL;
    addrs[0] = closed_port(PS_AF_INET);
    addrs[1] = la;
    ASSERT_OK(ps_create_connection_addrs(&c, addrs, 2, 5.0, NULL));
    ASSERT_NOT_NULL(c);
    ASSERT_OK(ps_getpeername(c, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &la);
    ASSERT_DBL_EQ(ps_gettimeout(c), 5.0);
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    /* blocking attempts go through the same loop */
    ASSERT_OK(ps_create_connection_addrs(&c, addrs, 2, PS_TIMEOUT_NONE, NULL));
    ASSERT_OK(ps_getpeername(c, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &la);
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(create_connection_addrs_takes_the_first_that_connects)
{
    ps_addr la1, la2, addrs[3], peer;
    ps_socket *l1 = test_listener(PS_AF_INET, &la1), *l2 = test_listener(PS_AF_INET, &la2), *c;
    addrs[0] = closed_port(PS_AF_INET);
    addrs[1] = la2;
    addrs[2] = la1;
    ASSERT_OK(ps_create_connection_addrs(&c, addrs, 3, 5.0, NULL));
    ASSERT_OK(ps_getpeername(c, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &la2);
    expect_connected_to(c, l2);
    /* nobody tried l1 */
    {
        ps_socket *s = NULL;
        ASSERT_OK(ps_settimeout(l1, 0.0));
        ASSERT_ERR(ps_accept(l1, &s, NULL), PS_EAGAIN);
    }
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l1));
    ASSERT_OK(ps_close(l2));
}

TEST(create_connection_addrs_over_mixed_families_falls_back_from_ipv6_to_ipv4)
{
    ps_addr la, addrs[2], peer;
    ps_socket *l, *c;
    if (!test_have_ipv6())
        SKIP("no IPv6 loopback here");
    l = test_listener(PS_AF_INET, &la);
    addrs[0] = closed_port(PS_AF_INET6);
    addrs[1] = la;
    ASSERT_OK(ps_create_connection_addrs(&c, addrs, 2, 5.0, NULL));
    ASSERT_EQ(ps_family(c), PS_AF_INET);
    ASSERT_OK(ps_getpeername(c, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &la);
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(create_connection_addrs_where_every_address_refuses_is_econnrefused)
{
    ps_addr addrs[3];
    ps_socket *c = NULL;
    addrs[0] = closed_port(PS_AF_INET);
    addrs[1] = closed_port(PS_AF_INET);
    addrs[2] = closed_port(PS_AF_INET);
    ASSERT_ERR(ps_create_connection_addrs(&c, addrs, 3, 5.0, NULL), PS_ECONNREFUSED);
    ASSERT_NULL(c);
}

TEST(create_connection_addrs_prefers_a_connect_error_to_a_bind_error)
{
    /* The source is IPv4: it cannot be bound for the IPv6 address (a bind
     * failure), the IPv4 one refuses (a connect failure, more telling). */
    ps_addr addrs[2], src;
    ps_socket *c = NULL;
    int r;
    if (!test_have_ipv6())
        SKIP("no IPv6 loopback here");
    addrs[0] = closed_port(PS_AF_INET6);
    addrs[1] = closed_port(PS_AF_INET);
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    r = ps_create_connection_addrs(&c, addrs, 2, 5.0, &src);
    NOTE("bind failure then refusal: %s", ps_errname(r));
    ASSERT_ERR(r, PS_ECONNREFUSED);
    ASSERT_NULL(c);
    /* the other way round too */
    addrs[1] = addrs[0];
    addrs[0] = closed_port(PS_AF_INET);
    ASSERT_ERR(ps_create_connection_addrs(&c, addrs, 2, 5.0, &src), PS_ECONNREFUSED);
}

TEST(create_connection_addrs_reports_the_last_connect_failure_as_cpython_does)
{
    /* Two connect failures that differ: a refused TCP port, and an AF_UNIX
     * path that does not exist. CPython 3.11 raises the last attempt's. */
    ps_addr addrs[2], tcp = closed_port(PS_AF_INET), un;
    ps_socket *c = NULL, *probe = NULL;
    int unix_err;
    ASSERT_OK(ps_addr_parse(&un, "unix:/nonexistent-portsock-dir/sock"));
    if (ps_socket_open(&probe, PS_AF_UNIX, PS_SOCK_STREAM, 0) == 0) {
        unix_err = ps_connect(probe, &un); /* what this system says for it */
        ASSERT_OK(ps_close(probe));
    } else {
        unix_err = 0; /* no AF_UNIX (Wine): that attempt fails at socket() */
    }
    NOTE("connect to a missing AF_UNIX path: %s", unix_err ? ps_errname(unix_err) : "no AF_UNIX");
    addrs[0] = tcp;
    addrs[1] = un;
    ASSERT_ERR(ps_create_connection_addrs(&c, addrs, 2, 5.0, NULL),
               unix_err ? unix_err : PS_ECONNREFUSED);
    ASSERT_NULL(c);
    addrs[0] = un;
    addrs[1] = tcp;
    ASSERT_ERR(ps_create_connection_addrs(&c, addrs, 2, 5.0, NULL), PS_ECONNREFUSED);
    ASSERT_NULL(c);
    if (unix_err)
        ASSERT_NE(unix_err, PS_ECONNREFUSED); /* else the test shows nothing */
}

TEST(create_connection_addrs_tries_more_than_sixteen_addresses)
{
    ps_addr addrs[20], la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c = NULL;
    size_t i;
    for (i = 0; i < 19; i++)
        addrs[i] = closed_port(PS_AF_INET);
    addrs[19] = la;
    ASSERT_OK(ps_create_connection_addrs(&c, addrs, 20, 5.0, NULL));
    expect_connected_to(c, l);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

/* ---- create_server ---- */

TEST(create_server_listens_accepts_and_is_non_inheritable_with_the_default_timeout)
{
    ps_addr a = test_addr("127.0.0.1:0"), sa;
    ps_socket *srv = NULL, *c, *s;
    ps_setdefaulttimeout(4.0);
    ASSERT_OK(ps_create_server(&srv, &a, PS_BACKLOG_DEFAULT, 0));
    ps_setdefaulttimeout(PS_TIMEOUT_NONE);
    ASSERT_NOT_NULL(srv);
    ASSERT_EQ(ps_get_inheritable(srv), 0);
    ASSERT_DBL_EQ(ps_gettimeout(srv), 4.0);
    ASSERT_OK(ps_getsockname(srv, &sa));
    ASSERT_NE(ps_addr_port(&sa), 0);
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &sa));
    ASSERT_OK(ps_accept(srv, &s, NULL));
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(srv));
}

TEST(create_server_sets_reuseaddr_on_posix_and_exclusiveaddruse_on_windows)
{
    ps_addr a = test_addr("127.0.0.1:0");
    ps_socket *srv;
    int v = -1;
    ASSERT_OK(ps_create_server(&srv, &a, 5, 0));
    ASSERT_OK(ps_getopt(srv, PS_OPT_REUSEADDR, &v));
#ifdef _WIN32
    {
        int ex = 0;
        size_t len = sizeof ex;
        ASSERT_OK(ps_getsockopt_native(srv, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, &ex, &len));
        NOTE("SO_EXCLUSIVEADDRUSE reads %d (%zu bytes), SO_REUSEADDR %d", ex, len, v);
        ASSERT_EQ(ex, 1);
        ASSERT_EQ(v, 0); /* SO_REUSEADDR would let another socket steal the port */
    }
#else
    ASSERT_EQ(v, 1);
#endif
    ASSERT_OK(ps_close(srv));
}

TEST(no_other_socket_can_bind_a_create_server_port_even_with_reuseaddr)
{
    ps_addr a = test_addr("127.0.0.1:0"), sa;
    ps_socket *srv, *thief;
    int r1, r2;
    ASSERT_OK(ps_create_server(&srv, &a, 5, 0));
    ASSERT_OK(ps_getsockname(srv, &sa));
    ASSERT_OK(ps_socket_open(&thief, PS_AF_INET, PS_SOCK_STREAM, 0));
    r1 = ps_bind(thief, &sa);
    ASSERT_OK(ps_setopt(thief, PS_OPT_REUSEADDR, 1));
    r2 = ps_bind(thief, &sa);
    NOTE("binding a create_server port: plain %s, with SO_REUSEADDR %s", ps_errname(r1),
         ps_errname(r2));
    /* A plain bind: EADDRINUSE everywhere. With SO_REUSEADDR: EADDRINUSE on
     * POSIX; on Windows WSAEACCES, from the server's SO_EXCLUSIVEADDRUSE
     * (Wine: the same 10013). */
    ASSERT_ERR(r1, PS_EADDRINUSE);
#ifdef _WIN32
    ASSERT_ERR(r2, PS_EACCES);
#else
    ASSERT_ERR(r2, PS_EADDRINUSE);
#endif
    ASSERT_OK(ps_close(thief));
    ASSERT_OK(ps_close(srv));
}

TEST(create_server_on_a_port_in_use_is_eaddrinuse)
{
    ps_addr a = test_addr("127.0.0.1:0"), sa;
    ps_socket *srv, *second = NULL;
    int r;
    ASSERT_OK(ps_create_server(&srv, &a, 5, 0));
    ASSERT_OK(ps_getsockname(srv, &sa));
    r = ps_create_server(&second, &sa, 5, 0);
    NOTE("second create_server on the port: %s", ps_errname(r));
    ASSERT_ERR(r, PS_EADDRINUSE);
    ASSERT_NULL(second);
    ASSERT_OK(ps_close(srv));
}

/* Connects to the server srv at sa and lets the server close the
 * connection first, so that the server's side of it sits in TIME_WAIT. */
static void one_connection_closed_by_the_server_first(ps_socket *srv, const ps_addr *sa)
{
    ps_socket *c, *s;
    char b;
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, sa));
    ASSERT_OK(ps_accept(srv, &s, NULL));
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_settimeout(c, 5.0));
    ASSERT_EQ(ps_recv(c, &b, 1, 0), 0); /* the close has arrived */
    ASSERT_OK(ps_close(c));
}

TEST(create_server_port_can_be_bound_again_at_once_after_a_connection)
{
    /* The restarted server case that SO_REUSEADDR (POSIX) is for: the old
     * server's accepted connection sits in TIME_WAIT after it closed first. */
    ps_addr a = test_addr("127.0.0.1:0"), sa;
    ps_socket *srv;
    int r;
    ASSERT_OK(ps_create_server(&srv, &a, 5, 0));
    ASSERT_OK(ps_getsockname(srv, &sa));
    one_connection_closed_by_the_server_first(srv, &sa);
    ASSERT_OK(ps_close(srv));
    r = ps_create_server(&srv, &sa, 5, 0);
    NOTE("create_server again on the port at once: %s", r < 0 ? ps_errname(r) : "OK");
#ifdef _WIN32
    /* Windows documents that a port held with SO_EXCLUSIVEADDRUSE may stay
     * unbindable while its old connections close; Wine binds at once. */
    if (test_under_wine())
        ASSERT_OK(r);
    else if (r < 0)
        ASSERT_ERR(r, PS_EADDRINUSE);
#else
    ASSERT_OK(r);
#endif
    if (r == 0)
        ASSERT_OK(ps_close(srv));
}

/* PS_SERVER_NOT_EXCLUSIVE: Windows binds plainly (no SO_EXCLUSIVEADDRUSE,
 * no SO_REUSEADDR), as CPython does; POSIX is unchanged. Either way the
 * port can be bound again at once after a connection. */
TEST(not_exclusive_server_binds_plainly_on_windows_and_restarts_at_once)
{
    ps_addr a = test_addr("127.0.0.1:0"), sa;
    ps_socket *srv;
    int v = -1;
    ASSERT_OK(ps_create_server(&srv, &a, 5, PS_SERVER_NOT_EXCLUSIVE));
    ASSERT_OK(ps_getopt(srv, PS_OPT_REUSEADDR, &v));
#ifdef _WIN32
    {
        int ex = 0; /* Wine writes one byte of yes/no options */
        size_t len = sizeof ex;
        ASSERT_OK(ps_getsockopt_native(srv, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, &ex, &len));
        ASSERT_EQ(ex, 0);
        ASSERT_EQ(v, 0);
    }
#else
    ASSERT_EQ(v, 1);
#endif
    ASSERT_OK(ps_getsockname(srv, &sa));
    one_connection_closed_by_the_server_first(srv, &sa);
    ASSERT_OK(ps_close(srv));
    ASSERT_OK(ps_create_server(&srv, &sa, 5, PS_SERVER_NOT_EXCLUSIVE));
    ASSERT_OK(ps_close(srv));
}

TEST(dualstack_server_accepts_an_ipv4_client_as_a_mapped_address)
{
    ps_addr a, sa, to, peer;
    ps_socket *srv, *c, *s;
    char text[PS_TEST_ADDRLEN];
    int v = -1;
    if (!test_have_ipv6())
        SKIP("no IPv6 here");
    ASSERT_OK(ps_addr_set(&a, "::", 0));
    ASSERT_OK(ps_create_server(&srv, &a, PS_BACKLOG_DEFAULT, PS_SERVER_DUALSTACK));
    ASSERT_EQ(ps_family(srv), PS_AF_INET6);
    ASSERT_OK(ps_getopt(srv, PS_OPT_V6ONLY, &v));
    ASSERT_EQ(v, 0);
    ASSERT_OK(ps_getsockname(srv, &sa));
    ASSERT_OK(ps_addr_set(&to, "127.0.0.1", (uint16_t)ps_addr_port(&sa)));
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &to));
    ASSERT_OK(ps_settimeout(srv, 5.0));
    ASSERT_OK(ps_accept(srv, &s, &peer));
    ASSERT_EQ(ps_addr_family(&peer), PS_AF_INET6);
    NOTE("the IPv4 client is %s", test_fmt(&peer, text));
    ASSERT_TRUE(strstr(text, "::ffff:127.0.0.1") != NULL);
    ASSERT_EQ(ps_send(c, "4", 1, 0), 1);
    {
        char b = 0;
        ASSERT_OK(ps_settimeout(s, 5.0));
        test_recv_exact(s, &b, 1);
        ASSERT_EQ(b, '4');
    }
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(srv));
}

TEST(ipv6_server_without_dualstack_is_v6only_and_refuses_ipv4_clients)
{
    ps_addr a, sa, to;
    ps_socket *srv, *c;
    int v = -1;
    if (!test_have_ipv6())
        SKIP("no IPv6 here");
    ASSERT_OK(ps_addr_set(&a, "::", 0));
    ASSERT_OK(ps_create_server(&srv, &a, 5, 0));
    ASSERT_OK(ps_getopt(srv, PS_OPT_V6ONLY, &v));
    ASSERT_EQ(v, 1);
    ASSERT_OK(ps_getsockname(srv, &sa));
    ASSERT_OK(ps_addr_set(&to, "127.0.0.1", (uint16_t)ps_addr_port(&sa)));
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(c, 5.0));
    ASSERT_ERR(ps_connect(c, &to), PS_ECONNREFUSED);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(srv));
}

TEST(reuse_port_servers_share_a_port_where_the_os_has_it)
{
    ps_addr a = test_addr("127.0.0.1:0"), sa;
    ps_socket *s1 = NULL, *s2 = NULL;
    int r = ps_create_server(&s1, &a, 5, PS_SERVER_REUSE_PORT), v = -1;
#ifdef _WIN32
    ASSERT_ERR(r, PS_ENOTSUP);
    ASSERT_NULL(s1);
#else
    ASSERT_OK(r);
    ASSERT_OK(ps_getopt(s1, PS_OPT_REUSEPORT, &v));
    ASSERT_EQ(v, 1);
    ASSERT_OK(ps_getsockname(s1, &sa));
    ASSERT_OK(ps_create_server(&s2, &sa, 5, PS_SERVER_REUSE_PORT));
    ASSERT_OK(ps_close(s2));
    ASSERT_OK(ps_close(s1));
#endif
    (void)sa;
    (void)s2;
    (void)v;
}

TEST_LIST = {
    TEST_ENTRY(create_connection_by_numeric_host_and_port_connects_and_keeps_the_timeout),
    TEST_ENTRY(create_connection_over_ipv6_loopback_connects),
    TEST_ENTRY(create_connection_to_a_closed_port_is_econnrefused_and_gives_no_socket),
    TEST_ENTRY(create_connection_with_a_source_address_binds_it_first),
    TEST_ENTRY(create_connection_with_a_source_of_another_family_fails_with_the_bind_error),
    TEST_ENTRY(create_connection_addrs_skips_a_refusing_address_and_connects_to_the_next),
    TEST_ENTRY(create_connection_addrs_takes_the_first_that_connects),
    TEST_ENTRY(create_connection_addrs_over_mixed_families_falls_back_from_ipv6_to_ipv4),
    TEST_ENTRY(create_connection_addrs_where_every_address_refuses_is_econnrefused),
    TEST_ENTRY(create_connection_addrs_prefers_a_connect_error_to_a_bind_error),
    TEST_ENTRY(create_connection_addrs_reports_the_last_connect_failure_as_cpython_does),
    TEST_ENTRY(create_connection_addrs_tries_more_than_sixteen_addresses),
    TEST_ENTRY(create_server_listens_accepts_and_is_non_inheritable_with_the_default_timeout),
    TEST_ENTRY(create_server_sets_reuseaddr_on_posix_and_exclusiveaddruse_on_windows),
    TEST_ENTRY(no_other_socket_can_bind_a_create_server_port_even_with_reuseaddr),
    TEST_ENTRY(create_server_on_a_port_in_use_is_eaddrinuse),
    TEST_ENTRY(create_server_port_can_be_bound_again_at_once_after_a_connection),
    TEST_ENTRY(not_exclusive_server_binds_plainly_on_windows_and_restarts_at_once),
    TEST_ENTRY(dualstack_server_accepts_an_ipv4_client_as_a_mapped_address),
    TEST_ENTRY(ipv6_server_without_dualstack_is_v6only_and_refuses_ipv4_clients),
    TEST_ENTRY(reuse_port_servers_share_a_port_where_the_os_has_it),
};
TEST_MAIN()
