/* UDP: round trips with sender addresses, connected UDP, truncation, empty
 * and large datagrams, sendto without a destination. */
#include "ps_test.h"

/* Every receive in this file is bounded: nothing arrives -> PS_ETIMEDOUT. */
#define RECV_TIMEOUT 5.0

static ps_socket *udp(ps_addr *addr)
{
    ps_socket *s = test_bound(PS_AF_INET, PS_SOCK_DGRAM, addr);
    ASSERT_OK(ps_settimeout(s, RECV_TIMEOUT));
    return s;
}

TEST(round_trip_reports_the_senders_address)
{
    ps_addr aa, ba, from;
    ps_socket *a = udp(&aa), *b = udp(&ba);
    char buf[64];
    ASSERT_EQ(ps_sendto(b, "hello", 5, 0, &aa), 5);
    memset(&from, 0, sizeof from);
    ASSERT_EQ(ps_recvfrom(a, buf, sizeof buf, 0, &from), 5);
    ASSERT_MEMEQ(buf, "hello", 5);
    ASSERT_ADDR_TEXT_EQ(&from, &ba);
    ASSERT_EQ(ps_addr_family(&from), PS_AF_INET);
    /* reply to the address we got */
    ASSERT_EQ(ps_sendto(a, "world!", 6, 0, &from), 6);
    memset(&from, 0, sizeof from);
    ASSERT_EQ(ps_recvfrom(b, buf, sizeof buf, 0, &from), 6);
    ASSERT_MEMEQ(buf, "world!", 6);
    ASSERT_ADDR_TEXT_EQ(&from, &aa);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(recvfrom_with_a_null_address_and_plain_recv_work)
{
    ps_addr aa;
    ps_socket *a = udp(&aa), *b = udp(NULL);
    char buf[16];
    ASSERT_EQ(ps_sendto(b, "one", 3, 0, &aa), 3);
    ASSERT_EQ(ps_sendto(b, "two", 3, 0, &aa), 3);
    ASSERT_EQ(ps_recvfrom(a, buf, sizeof buf, 0, NULL), 3);
    ASSERT_MEMEQ(buf, "one", 3);
    ASSERT_EQ(ps_recv(a, buf, sizeof buf, 0), 3);
    ASSERT_MEMEQ(buf, "two", 3);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(connected_udp_sends_and_receives_with_send_and_recv)
{
    ps_addr aa, ba, peer, from;
    ps_socket *a = udp(&aa), *b = udp(&ba);
    char buf[64];
    ASSERT_OK(ps_connect(b, &aa));
    ASSERT_OK(ps_getpeername(b, &peer));
    ASSERT_ADDR_TEXT_EQ(&peer, &aa);
    ASSERT_EQ(ps_send(b, "ping", 4, 0), 4);
    ASSERT_EQ(ps_recvfrom(a, buf, sizeof buf, 0, &from), 4);
    ASSERT_MEMEQ(buf, "ping", 4);
    ASSERT_ADDR_TEXT_EQ(&from, &ba);
    ASSERT_EQ(ps_sendto(a, "pong", 4, 0, &ba), 4);
    ASSERT_EQ(ps_recv(b, buf, sizeof buf, 0), 4);
    ASSERT_MEMEQ(buf, "pong", 4);
    /* a NULL destination means the connected peer */
    ASSERT_EQ(ps_sendto(b, "null", 4, 0, NULL), 4);
    ASSERT_EQ(ps_recv(a, buf, sizeof buf, 0), 4);
    ASSERT_MEMEQ(buf, "null", 4);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(datagram_longer_than_the_buffer_gives_its_first_bytes)
{
    ps_addr aa, from;
    ps_socket *a = udp(&aa), *b = udp(NULL);
    unsigned char out[100], in[100];
    int i;
    for (i = 0; i < 100; i++)
        out[i] = (unsigned char)(i * 3 + 1);
    ASSERT_EQ(ps_sendto(b, out, 100, 0, &aa), 100);
    memset(in, 0, sizeof in);
    ASSERT_EQ(ps_recv(a, in, 10, 0), 10);
    ASSERT_MEMEQ(in, out, 10);
    ASSERT_EQ(in[10], 0); /* nothing past the length given */

    /* the rest of a truncated datagram is gone: the next one comes next */
    ASSERT_EQ(ps_sendto(b, out, 100, 0, &aa), 100);
    ASSERT_EQ(ps_sendto(b, "next", 4, 0, &aa), 4);
    memset(&from, 0, sizeof from);
    ASSERT_EQ(ps_recvfrom(a, in, 7, 0, &from), 7);
    ASSERT_MEMEQ(in, out, 7);
    ASSERT_EQ(ps_addr_family(&from), PS_AF_INET); /* the sender is reported too */
    ASSERT_EQ(ps_recv(a, in, sizeof in, 0), 4);
    ASSERT_MEMEQ(in, "next", 4);
    ASSERT_OK(ps_settimeout(a, 0.0));
    ASSERT_ERR(ps_recv(a, in, sizeof in, 0), PS_EAGAIN);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(truncation_works_in_blocking_mode_too)
{
    ps_addr aa;
    ps_socket *a = udp(&aa), *b = udp(NULL);
    char in[8];
    ASSERT_OK(ps_settimeout(a, PS_TIMEOUT_NONE));
    ASSERT_EQ(ps_sendto(b, "0123456789", 10, 0, &aa), 10);
    ASSERT_EQ(ps_recv(a, in, 3, 0), 3);
    ASSERT_MEMEQ(in, "012", 3);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(empty_datagram_gives_zero)
{
    ps_addr aa, ba, from;
    ps_socket *a = udp(&aa), *b = udp(&ba);
    char buf[16];
    ASSERT_EQ(ps_sendto(b, "", 0, 0, &aa), 0);
    ASSERT_EQ(ps_sendto(b, "x", 1, 0, &aa), 1);
    memset(&from, 0, sizeof from);
    ASSERT_EQ(ps_recvfrom(a, buf, sizeof buf, 0, &from), 0);
    ASSERT_ADDR_TEXT_EQ(&from, &ba);
    ASSERT_EQ(ps_recv(a, buf, sizeof buf, 0), 1);
    ASSERT_EQ(buf[0], 'x');
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(datagram_boundaries_are_kept)
{
    ps_addr aa;
    ps_socket *a = udp(&aa), *b = udp(NULL);
    char buf[16];
    ASSERT_EQ(ps_sendto(b, "1", 1, 0, &aa), 1);
    ASSERT_EQ(ps_sendto(b, "22", 2, 0, &aa), 2);
    ASSERT_EQ(ps_sendto(b, "333", 3, 0, &aa), 3);
    ASSERT_EQ(ps_recv(a, buf, sizeof buf, 0), 1);
    ASSERT_EQ(ps_recv(a, buf, sizeof buf, 0), 2);
    ASSERT_EQ(ps_recv(a, buf, sizeof buf, 0), 3);
    ASSERT_MEMEQ(buf, "333", 3);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(datagram_of_60000_bytes_arrives_whole)
{
    ps_addr aa;
    ps_socket *a = udp(&aa), *b = udp(NULL);
    size_t n = 60000, i;
    unsigned char *out = (unsigned char *)malloc(n), *in = (unsigned char *)malloc(n + 10);
    ASSERT_NOT_NULL(out);
    ASSERT_NOT_NULL(in);
    for (i = 0; i < n; i++)
        out[i] = (unsigned char)(i % 251);
    ASSERT_EQ(ps_sendto(b, out, n, 0, &aa), (ptrdiff_t)n);
    ASSERT_EQ(ps_recv(a, in, n + 10, 0), (ptrdiff_t)n);
    ASSERT_MEMEQ(in, out, n);
    free(out);
    free(in);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(datagram_larger_than_ip_allows_is_emsgsize)
{
    ps_addr aa;
    ps_socket *a = udp(&aa), *b = udp(NULL);
    size_t n = 70000;
    char *out = (char *)calloc(1, n);
    ASSERT_NOT_NULL(out);
    ASSERT_ERR(ps_sendto(b, out, n, 0, &aa), PS_EMSGSIZE);
    free(out);
    ASSERT_OK(ps_close(a));
    ASSERT_OK(ps_close(b));
}

TEST(sendto_without_destination_on_unconnected_socket_fails)
{
    ps_socket *b = udp(NULL);
    ptrdiff_t r1 = ps_sendto(b, "x", 1, 0, NULL);
    ptrdiff_t r2 = ps_send(b, "x", 1, 0);
    NOTE("sendto(NULL) on an unconnected UDP socket: %s; send: %s", ps_errname((int)r1),
         ps_errname((int)r2));
    /* Natively Windows says WSAENOTCONN, Wine 8 WSAEINVAL, Linux
     * EDESTADDRREQ: portsock reports PS_EDESTADDRREQ on all three. */
#if defined(_WIN32) || defined(__linux__)
    ASSERT_ERR(r1, PS_EDESTADDRREQ);
    ASSERT_ERR(r2, PS_EDESTADDRREQ);
#else
    ASSERT_ERR2(r1, PS_EDESTADDRREQ, PS_ENOTCONN);
    ASSERT_ERR2(r2, PS_EDESTADDRREQ, PS_ENOTCONN);
#endif
    ASSERT_OK(ps_close(b));
}

TEST(recv_on_an_unbound_udp_socket_times_out_on_posix)
{
    ps_socket *s;
    char buf[4];
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_OK(ps_settimeout(s, 0.2));
    {
        ptrdiff_t r = ps_recv(s, buf, sizeof buf, 0);
        NOTE("recv on an unbound UDP socket: %s", ps_errname((int)r));
#ifdef _WIN32
        if (test_under_wine())
            ASSERT_ERR(r, PS_ETIMEDOUT); /* Wine 8 waits, as POSIX does */
        else
            ASSERT_ERR(r, PS_EINVAL); /* Windows: WSAEINVAL, "not bound" */
#else
        ASSERT_ERR(r, PS_ETIMEDOUT);
#endif
    }
    ASSERT_OK(ps_close(s));
}

TEST(listen_on_a_datagram_socket_is_enotsup)
{
    ps_socket *s = udp(NULL);
    ASSERT_ERR(ps_listen(s, 5), PS_ENOTSUP);
    ASSERT_OK(ps_close(s));
}

/* A datagram to a port nobody listens on draws an ICMP port unreachable.
 * Windows delivers it to a later recvfrom as WSAECONNRESET, which would
 * stop a UDP server because one client went away; portsock turns that off
 * (SIO_UDP_CONNRESET), and POSIX never reports it on unconnected sockets.
 * Either way the server's next recvfrom waits for real datagrams. (Wine
 * never reports the ICMP error, so there this shows only the outcome.) */
TEST(unreachable_peer_does_not_break_a_udp_servers_next_recvfrom)
{
    ps_addr me, gone, from;
    ps_socket *s = udp(&me), *t = udp(&gone), *c;
    char buf[16];
    int i;
    ASSERT_OK(ps_close(t)); /* its port is now closed */
    ASSERT_OK(ps_settimeout(s, 0.3));
    for (i = 0; i < 3; i++)
        ASSERT_EQ(ps_sendto(s, "ping", 4, 0, &gone), 4);
    test_sleep_ms(50); /* let the ICMP errors come back */
    ASSERT_ERR(ps_recvfrom(s, buf, sizeof buf, 0, &from), PS_ETIMEDOUT);
    c = udp(NULL);
    ASSERT_EQ(ps_sendto(c, "real", 4, 0, &me), 4);
    ASSERT_EQ(ps_recvfrom(s, buf, sizeof buf, 0, &from), 4);
    ASSERT_MEMEQ(buf, "real", 4);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

/* A connected UDP socket: POSIX reports the ICMP port unreachable of an
 * earlier datagram to the next receive (ECONNREFUSED); on Windows the
 * report is WSAECONNRESET, which portsock turns off on every IP datagram
 * socket (SIO_UDP_CONNRESET), connected or not, so a connected UDP socket
 * there never sees a refusal (row 17 of docs/windows-caveats.md). */
TEST(connected_udp_sees_a_refusal_on_posix_and_never_on_windows)
{
    ps_addr gone;
    ps_socket *t = udp(&gone), *c = udp(NULL);
    char buf[16];
    ptrdiff_t r;
    int i;
    ASSERT_OK(ps_close(t)); /* its port is now closed */
    ASSERT_OK(ps_connect(c, &gone));
    ASSERT_OK(ps_settimeout(c, 0.5));
    r = ps_send(c, "ping", 4, 0);
    ASSERT_EQ(r, 4);
    /* Linux may report the refusal to the next send or the next receive. */
    for (i = 0, r = 0; i < 3 && r >= 0; i++) {
        r = ps_recv(c, buf, sizeof buf, 0);
        if (r == PS_ETIMEDOUT)
            break;
        if (r >= 0)
            FAILF("a datagram from a closed port: %d bytes", (int)r);
    }
    NOTE("receive on a connected UDP socket after a datagram to a closed port: %s",
         ps_errname((int)r));
#ifdef _WIN32
    ASSERT_ERR(r, PS_ETIMEDOUT);
#else
    ASSERT_ERR(r, PS_ECONNREFUSED);
#endif
    ASSERT_OK(ps_close(c));
}

TEST_LIST = {
    TEST_ENTRY(round_trip_reports_the_senders_address),
    TEST_ENTRY(recvfrom_with_a_null_address_and_plain_recv_work),
    TEST_ENTRY(connected_udp_sends_and_receives_with_send_and_recv),
    TEST_ENTRY(datagram_longer_than_the_buffer_gives_its_first_bytes),
    TEST_ENTRY(truncation_works_in_blocking_mode_too),
    TEST_ENTRY(empty_datagram_gives_zero),
    TEST_ENTRY(datagram_boundaries_are_kept),
    TEST_ENTRY(datagram_of_60000_bytes_arrives_whole),
    TEST_ENTRY(datagram_larger_than_ip_allows_is_emsgsize),
    TEST_ENTRY(sendto_without_destination_on_unconnected_socket_fails),
    TEST_ENTRY(recv_on_an_unbound_udp_socket_times_out_on_posix),
    TEST_ENTRY(listen_on_a_datagram_socket_is_enotsup),
    TEST_ENTRY(unreachable_peer_does_not_break_a_udp_servers_next_recvfrom),
    TEST_ENTRY(connected_udp_sees_a_refusal_on_posix_and_never_on_windows),
};
TEST_MAIN()
