/* Bad arguments: NULL pointers, empty and foreign addresses, unknown
 * constants, zero and absurd lengths, and sockets whose native handle was
 * closed underneath portsock. Nothing may crash or leak (linux-asan). */
#include "ps_test.h"

#include <math.h>

#ifndef _WIN32
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#endif

static const ps_addr empty_addr; /* len 0 */

static void close_native(ps_native h)
{
#ifdef _WIN32
    ASSERT_EQ(closesocket((SOCKET)h), 0);
#else
    ASSERT_EQ(close(h), 0);
#endif
}

TEST(socket_open_rejects_null_and_unknown_constants)
{
    ps_socket *s = NULL;
    ASSERT_ERR(ps_socket_open(NULL, PS_AF_INET, PS_SOCK_STREAM, 0), PS_EINVAL);
    ASSERT_ERR(ps_socket_open(&s, 99, PS_SOCK_STREAM, 0), PS_EINVAL);
    ASSERT_ERR(ps_socket_open(&s, -1, PS_SOCK_STREAM, 0), PS_EINVAL);
    ASSERT_ERR(ps_socket_open(&s, PS_AF_UNSPEC, PS_SOCK_STREAM, 0), PS_EAFNOSUPPORT);
    ASSERT_ERR(ps_socket_open(&s, PS_AF_INET, 99, 0), PS_EINVAL);
    ASSERT_ERR(ps_socket_open(&s, PS_AF_INET, 0, 0), PS_EINVAL);
    ASSERT_ERR(ps_socket_open(&s, PS_AF_INET, -1, 0), PS_EINVAL);
}

TEST(socket_open_with_a_protocol_the_type_lacks_is_eprotonosupport)
{
    ps_socket *s = NULL;
    /* UDP's protocol number (17) for a stream socket, an unassigned one (200) */
    int r1 = ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 17);
    int r2 = ps_socket_open(&s, PS_AF_INET, PS_SOCK_DGRAM, 200);
    NOTE("stream with protocol 17: %s; datagram with protocol 200: %s", ps_errname(r1),
         ps_errname(r2));
    ASSERT_ERR(r1, PS_EPROTONOSUPPORT);
    ASSERT_ERR(r2, PS_EPROTONOSUPPORT);
}

TEST(lifetime_functions_reject_null)
{
    ASSERT_ERR(ps_close(NULL), PS_EINVAL);
    ASSERT_TRUE(ps_detach(NULL) == PS_INVALID_NATIVE);
    ASSERT_TRUE(ps_fileno(NULL) == PS_INVALID_NATIVE);
    ASSERT_ERR(ps_family(NULL), PS_EINVAL);
    ASSERT_ERR(ps_type(NULL), PS_EINVAL);
}

TEST(connection_functions_reject_null_and_empty_addresses)
{
    ps_socket *s, *conn = NULL;
    ps_addr a = test_addr("127.0.0.1:0");
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));

    ASSERT_ERR(ps_bind(NULL, &a), PS_EINVAL);
    ASSERT_ERR(ps_bind(s, NULL), PS_EINVAL);
    ASSERT_ERR(ps_bind(s, &empty_addr), PS_EINVAL);
    ASSERT_ERR(ps_connect(NULL, &a), PS_EINVAL);
    ASSERT_ERR(ps_connect(s, NULL), PS_EINVAL);
    ASSERT_ERR(ps_connect(s, &empty_addr), PS_EINVAL);
    ASSERT_ERR(ps_listen(NULL, 5), PS_EINVAL);
    ASSERT_ERR(ps_accept(NULL, &conn, NULL), PS_EINVAL);
    ASSERT_ERR(ps_accept(s, NULL, NULL), PS_EINVAL);
    ASSERT_ERR(ps_getsockname(NULL, &a), PS_EINVAL);
    ASSERT_ERR(ps_getsockname(s, NULL), PS_EINVAL);
    ASSERT_ERR(ps_getpeername(NULL, &a), PS_EINVAL);
    ASSERT_ERR(ps_getpeername(s, NULL), PS_EINVAL);
    ASSERT_ERR(ps_shutdown(NULL, PS_SHUT_WR), PS_EINVAL);

    /* an address whose length exceeds its storage */
    a = test_addr("127.0.0.1:0");
    a.len = 5000;
    ASSERT_ERR(ps_bind(s, &a), PS_EINVAL);
    ASSERT_ERR(ps_connect(s, &a), PS_EINVAL);

    /* the socket is still fine after all that */
    a = test_addr("127.0.0.1:0");
    ASSERT_OK(ps_bind(s, &a));
    ASSERT_OK(ps_close(s));
}

TEST(address_of_another_family_is_eafnosupport)
{
    ps_socket *s, *u;
    ps_addr v6 = test_addr("[::1]:0");
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_bind(s, &v6), PS_EAFNOSUPPORT);
    ASSERT_ERR(ps_connect(s, &v6), PS_EAFNOSUPPORT);
#ifndef _WIN32
    {
        ps_addr un = test_addr("unix:/tmp/ps-badargs-never-created");
        ASSERT_ERR(ps_bind(s, &un), PS_EAFNOSUPPORT);
        ASSERT_ERR(ps_connect(s, &un), PS_EAFNOSUPPORT);
    }
#endif
    ASSERT_OK(ps_close(s));

    ASSERT_OK(ps_socket_open(&u, PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_ERR(ps_sendto(u, "x", 1, 0, &v6), PS_EAFNOSUPPORT);
    ASSERT_OK(ps_close(u));
}

TEST(unknown_shutdown_how_is_einval)
{
    ps_socket *c, *s;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_ERR(ps_shutdown(c, 3), PS_EINVAL);
    ASSERT_ERR(ps_shutdown(c, -1), PS_EINVAL);
    ASSERT_ERR(ps_shutdown(c, 100), PS_EINVAL);
    /* nothing was shut down: data still flows both ways */
    ASSERT_EQ(ps_send(c, "a", 1, 0), 1);
    ASSERT_EQ(ps_send(s, "b", 1, 0), 1);
    {
        char x = 0;
        test_recv_exact(s, &x, 1);
        ASSERT_EQ(x, 'a');
        test_recv_exact(c, &x, 1);
        ASSERT_EQ(x, 'b');
    }
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(data_functions_reject_null_unknown_flags_and_huge_lengths)
{
    ps_socket *c, *s;
    ps_addr a;
    char buf[16];
    size_t sent;
    test_tcp_pair(PS_AF_INET, &c, &s);
    /* nothing below may wait: a wait would end in PS_ETIMEDOUT, not hang */
    ASSERT_OK(ps_settimeout(c, 2.0));
    ASSERT_OK(ps_settimeout(s, 2.0));

    ASSERT_ERR(ps_recv(NULL, buf, sizeof buf, 0), PS_EINVAL);
    ASSERT_ERR(ps_recv(c, NULL, 10, 0), PS_EINVAL);
    ASSERT_ERR(ps_recv(c, buf, SIZE_MAX, 0), PS_EINVAL);
    ASSERT_ERR(ps_recv(c, buf, (size_t)PTRDIFF_MAX + 1u, 0), PS_EINVAL);
    ASSERT_ERR(ps_recv(c, buf, sizeof buf, 0x4000), PS_EINVAL);
    ASSERT_ERR(ps_recv(c, buf, sizeof buf, -1), PS_EINVAL);
    ASSERT_ERR(ps_recvfrom(NULL, buf, sizeof buf, 0, &a), PS_EINVAL);
    ASSERT_ERR(ps_recvfrom(c, NULL, 10, 0, &a), PS_EINVAL);
    ASSERT_ERR(ps_recvfrom(c, buf, SIZE_MAX, 0, &a), PS_EINVAL);
    ASSERT_ERR(ps_recvfrom(c, buf, sizeof buf, 0x4000, &a), PS_EINVAL);

    ASSERT_ERR(ps_send(NULL, "x", 1, 0), PS_EINVAL);
    ASSERT_ERR(ps_send(c, NULL, 10, 0), PS_EINVAL);
    ASSERT_ERR(ps_send(c, buf, SIZE_MAX, 0), PS_EINVAL);
    ASSERT_ERR(ps_send(c, buf, (size_t)PTRDIFF_MAX + 1u, 0), PS_EINVAL);
    ASSERT_ERR(ps_send(c, "x", 1, 0x4000), PS_EINVAL);
    ASSERT_ERR(ps_sendto(NULL, "x", 1, 0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_sendto(c, NULL, 10, 0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_sendto(c, buf, SIZE_MAX, 0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_sendto(c, "x", 1, 0x4000, NULL), PS_EINVAL);

    ASSERT_ERR(ps_sendall(NULL, "x", 1, 0, NULL), PS_EINVAL);
    sent = 12345;
    ASSERT_ERR(ps_sendall(c, NULL, 10, 0, &sent), PS_EINVAL);
    ASSERT_EQ(sent, 0); /* *sent is set on failure too */
    sent = 12345;
    ASSERT_ERR(ps_sendall(c, buf, SIZE_MAX, 0, &sent), PS_EINVAL);
    ASSERT_EQ(sent, 0);
    ASSERT_ERR(ps_sendall(c, "x", 1, 0x4000, NULL), PS_EINVAL);

    /* nothing of the above reached the peer */
    ASSERT_OK(ps_settimeout(s, 0.0));
    ASSERT_ERR(ps_recv(s, buf, sizeof buf, 0), PS_EAGAIN);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(zero_lengths_succeed_with_zero)
{
    ps_socket *c, *s;
    char buf[4];
    size_t sent = 12345;
    test_tcp_pair(PS_AF_INET, &c, &s);
    /* A blocking receive of 0 bytes must not wait for data: with a timeout a
     * wait would show as PS_ETIMEDOUT rather than hang the test. */
    ASSERT_OK(ps_settimeout(c, 2.0));
    ASSERT_OK(ps_settimeout(s, 2.0));
    ASSERT_EQ(ps_send(c, buf, 0, 0), 0);
    ASSERT_EQ(ps_send(c, NULL, 0, 0), 0);
    ASSERT_EQ(ps_sendto(c, NULL, 0, 0, NULL), 0);
    ASSERT_EQ(ps_sendall(c, NULL, 0, 0, &sent), 0);
    ASSERT_EQ(sent, 0);
    ASSERT_EQ(ps_recv(s, buf, 0, 0), 0);
    ASSERT_EQ(ps_recv(s, NULL, 0, 0), 0);
    ASSERT_EQ(ps_recvfrom(s, NULL, 0, 0, NULL), 0);
    /* and the stream is intact */
    ASSERT_EQ(ps_send(c, "z", 1, 0), 1);
    test_recv_exact(s, buf, 1);
    ASSERT_EQ(buf[0], 'z');
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(bad_timeouts_are_einval_and_change_nothing)
{
    ps_socket *s;
    static const double bad[] = {-0.5, -3.0, PS_TIMEOUT_DEFAULT, -1e300};
    size_t i;
    double nan_value = test_nan(), inf_value = test_inf();
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(s, 2.5));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_ERR(ps_settimeout(s, bad[i]), PS_EINVAL);
        ASSERT_DBL_EQ(ps_gettimeout(s), 2.5);
    }
    ASSERT_ERR(ps_settimeout(s, nan_value), PS_EINVAL);
    ASSERT_DBL_EQ(ps_gettimeout(s), 2.5);
    ASSERT_ERR(ps_settimeout(s, inf_value), PS_EINVAL);
    ASSERT_DBL_EQ(ps_gettimeout(s), 2.5);
    ASSERT_ERR(ps_settimeout(s, -inf_value), PS_EINVAL);
    ASSERT_DBL_EQ(ps_gettimeout(s), 2.5);
    ASSERT_EQ(ps_getblocking(s), 1);

    ASSERT_ERR(ps_settimeout(NULL, 1.0), PS_EINVAL);
    ASSERT_DBL_EQ(ps_gettimeout(NULL), (double)PS_EINVAL);
    ASSERT_ERR(ps_setblocking(NULL, 1), PS_EINVAL);
    ASSERT_ERR(ps_getblocking(NULL), PS_EINVAL);

    /* an invalid default is ignored */
    ps_setdefaulttimeout(3.5);
    ps_setdefaulttimeout(nan_value);
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), 3.5);
    ps_setdefaulttimeout(-7.0);
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), 3.5);
    ps_setdefaulttimeout(inf_value);
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), 3.5);
    ps_setdefaulttimeout(PS_TIMEOUT_NONE);
    ASSERT_DBL_EQ(ps_getdefaulttimeout(), PS_TIMEOUT_NONE);
    ASSERT_OK(ps_close(s));
}

TEST(address_functions_reject_null)
{
    ps_addr a;
    char buf[64];
    ps_addrinfo *res;
    ASSERT_ERR(ps_addr_set(NULL, "1.2.3.4", 1), PS_EINVAL);
    ASSERT_ERR(ps_addr_set(&a, NULL, 1), PS_EINVAL);
    ASSERT_ERR(ps_addr_parse(NULL, "1.2.3.4:1"), PS_EINVAL);
    ASSERT_ERR(ps_addr_parse(&a, NULL), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(NULL, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(&empty_addr, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_addr_family(NULL), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(NULL), PS_EINVAL);
    ASSERT_ERR(ps_getaddrinfo(NULL, NULL, PS_AF_UNSPEC, 0, 0, &res), PS_EINVAL);
    ASSERT_ERR(ps_getaddrinfo("127.0.0.1", "1", PS_AF_UNSPEC, 0, PS_AI_NUMERICHOST, NULL),
               PS_EINVAL);
    ASSERT_ERR(ps_getnameinfo(NULL, buf, sizeof buf, NULL, 0, PS_NI_NUMERICHOST), PS_EINVAL);
    ASSERT_ERR(ps_getnameinfo(&empty_addr, buf, sizeof buf, NULL, 0, PS_NI_NUMERICHOST), PS_EINVAL);
    ASSERT_ERR(ps_gethostname(NULL, 64), PS_EINVAL);
    ps_freeaddrinfo(NULL);
    ASSERT_NOT_NULL(ps_strerror(INT_MIN));
    ASSERT_NOT_NULL(ps_errname(INT_MIN));
}

TEST(connect_ex_rejects_null_and_empty_addresses_with_portsock_codes)
{
    ps_socket *s;
    ps_addr a = test_addr("127.0.0.1:0");
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_connect_ex(NULL, &a), PS_EINVAL);
    ASSERT_ERR(ps_connect_ex(s, NULL), PS_EINVAL);
    ASSERT_ERR(ps_connect_ex(s, &empty_addr), PS_EINVAL);
    ASSERT_OK(ps_close(s));
}

/* ---- a native handle closed underneath portsock ---- */

TEST(socket_with_its_native_handle_closed_reports_a_dead_handle)
{
    ps_socket *s;
    ps_addr a = test_addr("127.0.0.1:0"), out;
    char buf[8];
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_TRUE(ps_fileno(s) != PS_INVALID_NATIVE);
    close_native(ps_fileno(s));
    /* no socket may be opened from here on: the handle's number could be
     * reused by it */
    ASSERT_ERR(ps_recv(s, buf, sizeof buf, 0), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_send(s, "x", 1, 0), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_bind(s, &a), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_getsockname(s, &out), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_getpeername(s, &out), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_listen(s, 1), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_shutdown(s, PS_SHUT_RDWR), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_connect(s, &a), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_sendto(s, "x", 1, 0, &a), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_recvfrom(s, buf, sizeof buf, 0, &out), TEST_DEAD_HANDLE_ERR);
    /* the object knows what it was */
    ASSERT_EQ(ps_family(s), PS_AF_INET);
    ASSERT_EQ(ps_type(s), PS_SOCK_STREAM);
    /* closing reports the dead handle, and frees the object anyway (asan) */
    ASSERT_ERR(ps_close(s), TEST_DEAD_HANDLE_ERR);
}

TEST(socket_with_its_native_handle_closed_fails_at_once_in_timeout_modes)
{
    ps_socket *s, *t, *conn = NULL;
    char buf[8];
    double t0;
    ps_native hs, ht;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_OK(ps_socket_open(&t, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(s, 5.0));
    ASSERT_OK(ps_settimeout(t, 0.0));
    hs = ps_fileno(s);
    ht = ps_fileno(t);
    close_native(hs);
    close_native(ht);
    t0 = test_now();
    ASSERT_ERR(ps_recv(s, buf, sizeof buf, 0), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_recv(t, buf, sizeof buf, 0), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_accept(t, &conn, NULL), TEST_DEAD_HANDLE_ERR);
    ASSERT_DBL_LT(test_now() - t0, 2.0); /* no waiting for a handle that is gone */
    ASSERT_ERR(ps_close(s), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_close(t), TEST_DEAD_HANDLE_ERR);
}

/* ---- detach ---- */

TEST(detach_returns_the_handle_unclosed_and_usable)
{
    ps_socket *s;
    ps_addr a;
    ps_native h;
    int port;
    s = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &a);
    port = ps_addr_port(&a);
    ASSERT_GT(port, 0);
    h = ps_detach(s);
    ASSERT_TRUE(h != PS_INVALID_NATIVE);
    {
        /* the native handle still works: it has the port we bound */
        struct sockaddr_in sin;
#ifdef _WIN32
        int len = (int)sizeof sin;
        ASSERT_EQ(getsockname((SOCKET)h, (struct sockaddr *)&sin, &len), 0);
#else
        socklen_t len = (socklen_t)sizeof sin;
        ASSERT_EQ(getsockname(h, (struct sockaddr *)&sin, &len), 0);
#endif
        ASSERT_EQ(sin.sin_family, AF_INET);
        ASSERT_EQ(ntohs(sin.sin_port), port);
    }
    close_native(h); /* succeeds: the handle was left open */
}

TEST(detach_of_a_connected_socket_keeps_the_connection)
{
    ps_socket *c, *s;
    ps_native h;
    char buf[4];
    test_tcp_pair(PS_AF_INET, &c, &s);
    h = ps_detach(c);
    ASSERT_TRUE(h != PS_INVALID_NATIVE);
#ifdef _WIN32
    ASSERT_EQ(send((SOCKET)h, "nat", 3, 0), 3);
#else
    ASSERT_EQ(send(h, "nat", 3, 0), 3);
#endif
    test_recv_exact(s, buf, 3);
    ASSERT_MEMEQ(buf, "nat", 3);
    close_native(h);
    ASSERT_EQ(ps_recv(s, buf, sizeof buf, 0), 0);
    ASSERT_OK(ps_close(s));
}

TEST_LIST = {
    TEST_ENTRY(socket_open_rejects_null_and_unknown_constants),
    TEST_ENTRY(socket_open_with_a_protocol_the_type_lacks_is_eprotonosupport),
    TEST_ENTRY(lifetime_functions_reject_null),
    TEST_ENTRY(connection_functions_reject_null_and_empty_addresses),
    TEST_ENTRY(address_of_another_family_is_eafnosupport),
    TEST_ENTRY(unknown_shutdown_how_is_einval),
    TEST_ENTRY(data_functions_reject_null_unknown_flags_and_huge_lengths),
    TEST_ENTRY(zero_lengths_succeed_with_zero),
    TEST_ENTRY(bad_timeouts_are_einval_and_change_nothing),
    TEST_ENTRY(address_functions_reject_null),
    TEST_ENTRY(connect_ex_rejects_null_and_empty_addresses_with_portsock_codes),
    TEST_ENTRY(socket_with_its_native_handle_closed_reports_a_dead_handle),
    TEST_ENTRY(socket_with_its_native_handle_closed_fails_at_once_in_timeout_modes),
    TEST_ENTRY(detach_returns_the_handle_unclosed_and_usable),
    TEST_ENTRY(detach_of_a_connected_socket_keeps_the_connection),
};
TEST_MAIN()
