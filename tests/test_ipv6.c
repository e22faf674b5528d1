/* IPv6 over ::1: TCP, UDP, names, scope ids. */
#include "ps_test.h"

/* Skips the test (77) when this machine cannot use ::1. */
static void require_ipv6_loopback(int type)
{
    ps_socket *s = NULL;
    ps_addr a;
    int r = ps_socket_open(&s, PS_AF_INET6, type, 0);
    if (r == PS_EAFNOSUPPORT || r == PS_EPROTONOSUPPORT)
        SKIP("IPv6 sockets are not available on this machine");
    ASSERT_OK(r);
    ASSERT_OK(ps_addr_set(&a, "::1", 0));
    r = ps_bind(s, &a);
    ASSERT_OK(ps_close(s));
    if (r == PS_EADDRNOTAVAIL || r == PS_EAFNOSUPPORT)
        SKIP("::1 cannot be bound (IPv6 disabled on loopback?)");
    ASSERT_OK(r);
}

TEST(tcp_over_ipv6_loopback_echoes_and_names_match)
{
    ps_socket *l, *c, *s;
    ps_addr la, cs, cp, ss, sp, peer;
    char buf[PS_TEST_ADDRLEN], want[PS_TEST_ADDRLEN];
    char data[32];
    size_t i;
    require_ipv6_loopback(PS_SOCK_STREAM);
    l = test_listener(PS_AF_INET6, &la);
    ASSERT_EQ(ps_family(l), PS_AF_INET6);
    ASSERT_EQ(ps_type(l), PS_SOCK_STREAM);
    ASSERT_EQ(ps_addr_family(&la), PS_AF_INET6);
    snprintf(want, sizeof want, "[::1]:%d", ps_addr_port(&la));
    ASSERT_STREQ(test_fmt(&la, buf), want);

    ASSERT_OK(ps_socket_open(&c, PS_AF_INET6, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &la));
    ASSERT_OK(ps_accept(l, &s, &peer));
    ASSERT_EQ(ps_family(s), PS_AF_INET6);
    ASSERT_OK(ps_getsockname(c, &cs));
    ASSERT_OK(ps_getpeername(c, &cp));
    ASSERT_OK(ps_getsockname(s, &ss));
    ASSERT_OK(ps_getpeername(s, &sp));
    ASSERT_ADDR_TEXT_EQ(&cs, &sp);
    ASSERT_ADDR_TEXT_EQ(&cs, &peer);
    ASSERT_ADDR_TEXT_EQ(&cp, &ss);
    ASSERT_ADDR_TEXT_EQ(&cp, &la);
    snprintf(want, sizeof want, "[::1]:%d", ps_addr_port(&cs));
    ASSERT_STREQ(test_fmt(&cs, buf), want);

    for (i = 0; i < sizeof data; i++)
        data[i] = (char)('A' + i);
    ASSERT_OK(ps_sendall(c, data, sizeof data, 0, NULL));
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    test_recv_exact(s, buf, sizeof data);
    ASSERT_MEMEQ(buf, data, sizeof data);
    ASSERT_EQ(ps_recv(s, buf, sizeof buf, 0), 0);
    ASSERT_OK(ps_sendall(s, data, 5, 0, NULL));
    test_recv_exact(c, buf, 5);
    ASSERT_MEMEQ(buf, data, 5);
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(l));
}

TEST(udp_over_ipv6_loopback_round_trips_with_sender_address)
{
    ps_socket *a, *b;
    ps_addr aa, ba, from;
    char buf[PS_TEST_ADDRLEN], want[PS_TEST_ADDRLEN];
    require_ipv6_loopback(PS_SOCK_DGRAM);
    a = test_bound(PS_AF_INET6, PS_SOCK_DGRAM, &aa);
    b = test_bound(PS_AF_INET6, PS_SOCK_DGRAM, &ba);
    ASSERT_OK(ps_settimeout(a, 5.0));
    ASSERT_OK(ps_settimeout(b, 5.0));
    ASSERT_EQ(ps_family(a), PS_AF_INET6);
    ASSERT_EQ(ps_type(a), PS_SOCK_DGRAM);
    snprintf(want, sizeof want, "[::1]:%d", ps_addr_port(&ba));
    ASSERT_STREQ(test_fmt(&ba, buf), want);

    ASSERT_EQ(ps_sendto(b, "six", 3, 0, &aa), 3);
    memset(&from, 0, sizeof from);
    ASSERT_EQ(ps_recvfrom(a, buf, sizeof buf, 0, &from), 3);
    ASSERT_MEMEQ(buf, "six", 3);
    ASSERT_EQ(ps_addr_family(&from), PS_AF_INET6);
    ASSERT_ADDR_TEXT_EQ(&from, &ba);
    ASSERT_EQ(ps_sendto(a, "back", 4, 0, &from), 4);
    ASSERT_EQ(ps_recvfrom(b, buf, sizeof buf, 0, &from), 4);
    ASSERT_ADDR_TEXT_EQ(&from, &aa);

    /* truncation over IPv6 too */
    ASSERT_EQ(ps_sendto(b, "0123456789", 10, 0, &aa), 10);
    ASSERT_EQ(ps_recv(a, buf, 4, 0), 4);
    ASSERT_MEMEQ(buf, "0123", 4);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(ipv4_address_on_ipv6_socket_is_eafnosupport)
{
    ps_socket *s;
    ps_addr a = test_addr("127.0.0.1:0");
    require_ipv6_loopback(PS_SOCK_STREAM);
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET6, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_bind(s, &a), PS_EAFNOSUPPORT);
    ASSERT_OK(ps_close(s));
}

TEST(scope_id_survives_addr_set_format_and_parse)
{
    ps_addr a, b;
    char buf[PS_TEST_ADDRLEN];
    ASSERT_OK(ps_addr_set(&a, "fe80::1%7", 80));
    ASSERT_EQ(ps_addr_family(&a), PS_AF_INET6);
    ASSERT_EQ(ps_addr_port(&a), 80);
    ASSERT_OK(ps_addr_format(&a, buf, sizeof buf));
    ASSERT_NOT_NULL(strchr(buf, '%'));
    memset(&b, 0xA5, sizeof b);
    ASSERT_OK(ps_addr_parse(&b, buf));
    ASSERT_TRUE(test_addr_equal(&a, &b));
    /* a different scope is a different address */
    ASSERT_OK(ps_addr_set(&b, "fe80::1%8", 80));
    ASSERT_FALSE(test_addr_equal(&a, &b));
    ASSERT_OK(ps_addr_set(&b, "fe80::1", 80));
    ASSERT_FALSE(test_addr_equal(&a, &b));
}

TEST(getaddrinfo_gives_ipv6_loopback)
{
    ps_addrinfo *res = NULL;
    char buf[PS_TEST_ADDRLEN];
    ASSERT_OK(ps_getaddrinfo("::1", "9", PS_AF_INET6, PS_SOCK_DGRAM, PS_AI_NUMERICHOST, &res));
    ASSERT_NOT_NULL(res);
    ASSERT_EQ(res->family, PS_AF_INET6);
    ASSERT_EQ(res->type, PS_SOCK_DGRAM);
    ASSERT_STREQ(test_fmt(&res->addr, buf), "[::1]:9");
    ps_freeaddrinfo(res);
}

TEST_LIST = {
    TEST_ENTRY(tcp_over_ipv6_loopback_echoes_and_names_match),
    TEST_ENTRY(udp_over_ipv6_loopback_round_trips_with_sender_address),
    TEST_ENTRY(ipv4_address_on_ipv6_socket_is_eafnosupport),
    TEST_ENTRY(scope_id_survives_addr_set_format_and_parse),
    TEST_ENTRY(getaddrinfo_gives_ipv6_loopback),
};
TEST_MAIN()
