/* A socket's identity: ps_dup, ps_detach, ps_socket_from_native (adoption)
 * and what each leaves open or closed. */
#include "ps_test.h"

#ifndef _WIN32
#include <fcntl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
#endif

/* 1 when the native handle is open (and a socket), 0 when it is gone. */
static int native_is_open(ps_native h)
{
#ifdef _WIN32
    int type = 0, len = (int)sizeof type;
    if (getsockopt((SOCKET)h, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0)
        return 1;
    ASSERT_EQ(WSAGetLastError(), WSAENOTSOCK);
    return 0;
#else
    if (fcntl(h, F_GETFD) >= 0)
        return 1;
    ASSERT_EQ(errno, EBADF);
    return 0;
#endif
}

/* One byte from a to b, asserting it arrives. */
static void expect_byte_flows(ps_socket *a, ps_socket *b, char c)
{
    char got = 0;
    double saved = ps_gettimeout(b);
    ASSERT_EQ(ps_send(a, &c, 1, 0), 1);
    ASSERT_OK(ps_settimeout(b, 5.0));
    test_recv_exact(b, &got, 1);
    ASSERT_EQ(got, c);
    ASSERT_OK(ps_settimeout(b, saved));
}

/* Asserts that the peer sees no EOF within 0.2 s (the connection is open). */
static void expect_no_eof(ps_socket *peer)
{
    char b;
    double saved = ps_gettimeout(peer);
    ASSERT_OK(ps_settimeout(peer, 0.2));
    ASSERT_ERR(ps_recv(peer, &b, 1, 0), PS_ETIMEDOUT);
    ASSERT_OK(ps_settimeout(peer, saved));
}

static void expect_eof(ps_socket *peer)
{
    char b;
    double saved = ps_gettimeout(peer);
    ASSERT_OK(ps_settimeout(peer, 5.0));
    ASSERT_EQ(ps_recv(peer, &b, 1, 0), 0);
    ASSERT_OK(ps_settimeout(peer, saved));
}

/* ---- dup ---- */

static void dup_keeps_kind(int family, int type)
{
    const double timeouts[] = {PS_TIMEOUT_NONE, 0.0, 1.5};
    size_t i;
    for (i = 0; i < 3; i++) {
        ps_socket *s, *d = NULL;
        ASSERT_OK(ps_socket_open(&s, family, type, 0));
        ASSERT_OK(ps_settimeout(s, timeouts[i]));
        ASSERT_OK(ps_dup(s, &d));
        ASSERT_NOT_NULL(d);
        ASSERT_TRUE(ps_fileno(d) != ps_fileno(s));
        ASSERT_EQ(ps_family(d), family);
        ASSERT_EQ(ps_type(d), type);
        ASSERT_DBL_EQ(ps_gettimeout(d), timeouts[i]);
        ASSERT_EQ(ps_getblocking(d), timeouts[i] != 0.0);
        ASSERT_EQ(ps_get_inheritable(d), 0);
        ASSERT_OK(ps_close(d));
        ASSERT_OK(ps_close(s));
    }
}

TEST(dup_keeps_family_type_and_timeout_and_is_non_inheritable)
{
    dup_keeps_kind(PS_AF_INET, PS_SOCK_STREAM);
    dup_keeps_kind(PS_AF_INET, PS_SOCK_DGRAM);
    if (test_have_ipv6()) {
        dup_keeps_kind(PS_AF_INET6, PS_SOCK_STREAM);
        dup_keeps_kind(PS_AF_INET6, PS_SOCK_DGRAM);
    } else {
        NOTE("no IPv6 here: IPv6 duplicates not checked");
    }
#ifndef _WIN32
    dup_keeps_kind(PS_AF_UNIX, PS_SOCK_STREAM);
    dup_keeps_kind(PS_AF_UNIX, PS_SOCK_DGRAM);
#endif
}

TEST(dup_of_an_inheritable_socket_is_still_non_inheritable)
{
    ps_socket *s, *d;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_set_inheritable(s, 1));
    ASSERT_EQ(ps_get_inheritable(s), 1);
    ASSERT_OK(ps_dup(s, &d));
    ASSERT_EQ(ps_get_inheritable(d), 0);
    ASSERT_EQ(ps_get_inheritable(s), 1);
    ASSERT_OK(ps_close(d));
    ASSERT_OK(ps_close(s));
}

typedef struct later {
    ps_socket *s;
    unsigned ms;
} later;

static void send_later(void *arg)
{
    later *l = (later *)arg;
    test_sleep_ms(l->ms);
    ASSERT_EQ(ps_send(l->s, "L", 1, 0), 1);
}

TEST(a_dup_keeps_its_own_timeout_whatever_mode_the_other_sets)
{
    /* On POSIX the two share one open file description, so a mode set on
     * one is the other's too (Wine's duplicate is the same socket object and
     * shares it as well); but each object's own timeout governs its calls
     * (issue 14). The original says 0.0, the duplicate is switched to
     * blocking, and data comes 300 ms later: the original's recv is still
     * PS_EAGAIN at once, and a blocking recv on the duplicate waits. */
    ps_socket *c, *s, *d;
    later l;
    test_thread t;
    char b = 0;
    double t0, dt;
    ptrdiff_t r;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.0));
    ASSERT_OK(ps_dup(c, &d));
    ASSERT_OK(ps_setblocking(d, 1));
    ASSERT_DBL_EQ(ps_gettimeout(c), 0.0); /* the object's own view is unchanged */
    l.s = s;
    l.ms = 300;
    test_thread_spawn(&t, send_later, &l);
    t0 = test_now();
    r = ps_recv(c, &b, 1, 0);
    dt = test_now() - t0;
    NOTE("recv on the 0.0 original after the dup went blocking: %s after %.3f s",
         r < 0 ? ps_errname((int)r) : "data", dt);
    ASSERT_ERR(r, PS_EAGAIN);
    ASSERT_DBL_LT(dt, 0.25);
    t0 = test_now();
    r = ps_recv(d, &b, 1, 0);
    dt = test_now() - t0;
    test_thread_join(&t);
    NOTE("then a blocking recv on the duplicate: %s after %.3f s",
         r < 0 ? ps_errname((int)r) : "data", dt);
    ASSERT_EQ(r, 1); /* it blocked until the byte came */
    ASSERT_EQ(b, 'L');
    ASSERT_OK(ps_close(d));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(closing_a_dup_leaves_the_original_working)
{
    ps_socket *c, *s, *d;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_dup(c, &d));
    expect_byte_flows(d, s, 'd'); /* the dup is the same connection */
    expect_byte_flows(s, d, 'e');
    ASSERT_OK(ps_close(d));
    expect_no_eof(s);
    expect_byte_flows(c, s, 'a');
    expect_byte_flows(s, c, 'b');
    ASSERT_OK(ps_close(c));
    expect_eof(s);
    ASSERT_OK(ps_close(s));
}

TEST(closing_the_original_leaves_the_dup_working_and_eof_comes_with_the_last)
{
    ps_socket *c, *s, *d;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 3.0));
    ASSERT_OK(ps_dup(c, &d));
    ASSERT_OK(ps_close(c));
    expect_no_eof(s);
    expect_byte_flows(d, s, 'x');
    expect_byte_flows(s, d, 'y');
    ASSERT_DBL_EQ(ps_gettimeout(d), 3.0);
    ASSERT_OK(ps_close(d));
    expect_eof(s);
    ASSERT_OK(ps_close(s));
}

TEST(dup_of_a_listener_accepts_after_the_original_is_closed)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *d, *c, *s;
    ASSERT_OK(ps_dup(l, &d));
    ASSERT_OK(ps_close(l));
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &la));
    ASSERT_OK(ps_accept(d, &s, NULL));
    expect_byte_flows(c, s, 'l');
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(d));
}

TEST(dup_of_a_datagram_socket_receives_what_is_sent_to_the_original)
{
    ps_addr ua;
    ps_socket *u = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &ua), *d, *tx;
    char buf[8];
    ptrdiff_t n;
    ASSERT_OK(ps_socket_open(&tx, PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_OK(ps_dup(u, &d));
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_settimeout(d, 5.0));
    ASSERT_EQ(ps_sendto(tx, "dgram", 5, 0, &ua), 5);
    n = ps_recv(d, buf, sizeof buf, 0);
    ASSERT_EQ(n, 5);
    ASSERT_MEMEQ(buf, "dgram", 5);
    ASSERT_OK(ps_close(d));
    ASSERT_OK(ps_close(tx));
}

/* ---- detach and adopt ---- */

TEST(detach_returns_the_handle_open_and_adopting_it_round_trips)
{
    ps_socket *c, *s, *a;
    ps_native h, before;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 2.0));
    before = ps_fileno(c);
    h = ps_detach(c);
    ASSERT_TRUE(h == before);
    ASSERT_TRUE(native_is_open(h));
    expect_no_eof(s);
    ASSERT_OK(ps_socket_from_native(&a, h));
    ASSERT_TRUE(ps_fileno(a) == h);
    ASSERT_EQ(ps_family(a), PS_AF_INET);
    ASSERT_EQ(ps_type(a), PS_SOCK_STREAM);
    /* the adopted object has the default timeout, not the detached one's */
    ASSERT_DBL_EQ(ps_gettimeout(a), PS_TIMEOUT_NONE);
    expect_byte_flows(a, s, 'r');
    expect_byte_flows(s, a, 't');
    {
        ps_addr peer, sname;
        ASSERT_OK(ps_getpeername(a, &peer));
        ASSERT_OK(ps_getsockname(s, &sname));
        ASSERT_ADDR_TEXT_EQ(&peer, &sname);
    }
    ASSERT_OK(ps_close(a));
    ASSERT_FALSE(native_is_open(h)); /* closing the adopter closed it */
    expect_eof(s);
    ASSERT_OK(ps_close(s));
}

static void adopt_detects(int family, int type, int bound, int listening)
{
    ps_socket *s, *a;
    ps_native h;
    if (bound)
        s = listening ? test_listener(family, NULL) : test_bound(family, type, NULL);
    else
        ASSERT_OK(ps_socket_open(&s, family, type, 0));
    h = ps_detach(s);
    ASSERT_OK(ps_socket_from_native(&a, h));
    ASSERT_EQ(ps_family(a), family);
    ASSERT_EQ(ps_type(a), type);
    ASSERT_OK(ps_close(a));
}

TEST(socket_from_native_detects_family_and_type_bound_or_not)
{
    int bound;
    for (bound = 0; bound < 2; bound++) {
        adopt_detects(PS_AF_INET, PS_SOCK_STREAM, bound, 0);
        adopt_detects(PS_AF_INET, PS_SOCK_DGRAM, bound, 0);
        if (test_have_ipv6()) {
            adopt_detects(PS_AF_INET6, PS_SOCK_STREAM, bound, 0);
            adopt_detects(PS_AF_INET6, PS_SOCK_DGRAM, bound, 0);
        }
    }
    adopt_detects(PS_AF_INET, PS_SOCK_STREAM, 1, 1);
#ifndef _WIN32
    adopt_detects(PS_AF_UNIX, PS_SOCK_STREAM, 0, 0);
    adopt_detects(PS_AF_UNIX, PS_SOCK_DGRAM, 0, 0);
#endif
}

TEST(socket_from_native_adopts_a_socket_made_by_the_os_directly)
{
    ps_socket *a, *rx;
    ps_addr ra;
    char buf[8];
#ifdef _WIN32
    SOCKET h;
    ASSERT_OK(ps_init()); /* WSAStartup for the socket() below */
    h = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_TRUE(h != INVALID_SOCKET);
    ASSERT_OK(ps_socket_from_native(&a, (ps_native)h));
#else
    int h = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(h, 0);
    ASSERT_OK(ps_socket_from_native(&a, h));
#endif
    ASSERT_EQ(ps_family(a), PS_AF_INET);
    ASSERT_EQ(ps_type(a), PS_SOCK_DGRAM);
    rx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &ra);
    ASSERT_OK(ps_settimeout(rx, 5.0));
    ASSERT_EQ(ps_sendto(a, "raw", 3, 0, &ra), 3);
    ASSERT_EQ(ps_recv(rx, buf, sizeof buf, 0), 3);
    ASSERT_MEMEQ(buf, "raw", 3);
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(a));
#ifdef _WIN32
    ps_cleanup();
#endif
}

/* A socket's creator may have set the kernel's own timeouts; Microsoft
 * documents a socket whose SO_RCVTIMEO expired as indeterminate, and
 * portsock keeps its deadlines itself: adoption clears both. */
TEST(socket_from_native_clears_a_creators_kernel_timeouts_on_windows_and_keeps_them_on_posix)
{
    ps_socket *a;
#ifdef _WIN32
    SOCKET h;
    DWORD ms = 1500, got;
    int len;
    ASSERT_OK(ps_init());
    h = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_TRUE(h != INVALID_SOCKET);
    ASSERT_EQ(setsockopt(h, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms), 0);
    ASSERT_EQ(setsockopt(h, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms), 0);
    ASSERT_OK(ps_socket_from_native(&a, (ps_native)h));
    got = 7;
    len = (int)sizeof got;
    ASSERT_EQ(getsockopt(h, SOL_SOCKET, SO_RCVTIMEO, (char *)&got, &len), 0);
    ASSERT_EQ(got, 0);
    got = 7;
    len = (int)sizeof got;
    ASSERT_EQ(getsockopt(h, SOL_SOCKET, SO_SNDTIMEO, (char *)&got, &len), 0);
    ASSERT_EQ(got, 0);
#else
    struct timeval tv = {1, 500000}, got;
    socklen_t len;
    int h = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(h, 0);
    ASSERT_EQ(setsockopt(h, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    ASSERT_EQ(setsockopt(h, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
    ASSERT_OK(ps_socket_from_native(&a, h));
    /* They are the creator's, who may still share the socket. */
    len = sizeof got;
    ASSERT_EQ(getsockopt(h, SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
    ASSERT_EQ(got.tv_sec, 1);
    ASSERT_TRUE(got.tv_usec > 0);
    len = sizeof got;
    ASSERT_EQ(getsockopt(h, SOL_SOCKET, SO_SNDTIMEO, &got, &len), 0);
    ASSERT_EQ(got.tv_sec, 1);
    ASSERT_TRUE(got.tv_usec > 0);
#endif
    ASSERT_EQ(ps_gettimeout(a), ps_getdefaulttimeout());
    ASSERT_OK(ps_close(a));
#ifdef _WIN32
    ps_cleanup();
#endif
}

#ifdef _WIN32
TEST(socket_from_native_of_a_handle_that_is_no_socket_is_enotsock_and_leaves_it_open)
{
    ps_socket *o = NULL;
    char path[MAX_PATH + 1], dir[MAX_PATH + 1];
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL), f;
    int r;
    ASSERT_NOT_NULL(ev);
    r = ps_socket_from_native(&o, (ps_native)(uintptr_t)ev);
    NOTE("adopting an event HANDLE: %s", ps_errname(r));
    ASSERT_ERR(r, PS_ENOTSOCK);
    ASSERT_NULL(o);
    ASSERT_TRUE(SetEvent(ev)); /* still ours, still open */
    ASSERT_TRUE(CloseHandle(ev));

    ASSERT_GT(GetTempPathA((DWORD)sizeof dir, dir), 0);
    ASSERT_GT(GetTempFileNameA(dir, "pst", 0, path), 0);
    f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                    FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ASSERT_TRUE(f != INVALID_HANDLE_VALUE);
    r = ps_socket_from_native(&o, (ps_native)(uintptr_t)f);
    NOTE("adopting a file HANDLE: %s", ps_errname(r));
    ASSERT_ERR(r, PS_ENOTSOCK);
    ASSERT_NULL(o);
    {
        DWORD w = 0;
        ASSERT_TRUE(WriteFile(f, "x", 1, &w, NULL));
        ASSERT_EQ(w, 1);
    }
    ASSERT_TRUE(CloseHandle(f));
}
#else
TEST(socket_from_native_of_a_descriptor_that_is_no_socket_is_enotsock_and_leaves_it_open)
{
    ps_socket *o = NULL;
    FILE *tf = tmpfile();
    int p[2];
    ASSERT_NOT_NULL(tf);
    ASSERT_ERR(ps_socket_from_native(&o, fileno(tf)), PS_ENOTSOCK);
    ASSERT_NULL(o);
    ASSERT_EQ(fputs("still open", tf) >= 0, 1);
    ASSERT_EQ(fflush(tf), 0);
    ASSERT_EQ(fclose(tf), 0);
    ASSERT_EQ(pipe(p), 0);
    ASSERT_ERR(ps_socket_from_native(&o, p[0]), PS_ENOTSOCK);
    ASSERT_EQ(write(p[1], "x", 1), 1);
    ASSERT_EQ(close(p[0]), 0);
    ASSERT_EQ(close(p[1]), 0);
}

TEST(socket_from_native_of_a_socket_type_portsock_has_no_name_for_is_enotsup)
{
    ps_socket *o = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
        SKIP("no AF_UNIX SOCK_SEQPACKET here");
    ASSERT_ERR(ps_socket_from_native(&o, sv[0]), PS_ENOTSUP);
    ASSERT_NULL(o);
    ASSERT_EQ(close(sv[0]), 0); /* left to the caller */
    ASSERT_EQ(close(sv[1]), 0);
}
#endif

TEST(detached_socket_is_not_closed_by_anything_of_portsock)
{
    ps_socket *c, *s, *d;
    ps_native h;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_dup(c, &d));
    h = ps_detach(c);
    ASSERT_OK(ps_close(d)); /* closing a dup closes only the dup */
    ASSERT_TRUE(native_is_open(h));
    expect_no_eof(s);
#ifdef _WIN32
    ASSERT_EQ(send((SOCKET)h, "n", 1, 0), 1);
    ASSERT_EQ(closesocket((SOCKET)h), 0);
#else
    ASSERT_EQ(send(h, "n", 1, 0), 1);
    ASSERT_EQ(close(h), 0);
#endif
    {
        char b = 0;
        ASSERT_OK(ps_settimeout(s, 5.0));
        ASSERT_EQ(ps_recv(s, &b, 1, 0), 1);
        ASSERT_EQ(b, 'n');
    }
    expect_eof(s);
    ASSERT_OK(ps_close(s));
}

TEST_LIST = {
    TEST_ENTRY(dup_keeps_family_type_and_timeout_and_is_non_inheritable),
    TEST_ENTRY(dup_of_an_inheritable_socket_is_still_non_inheritable),
    TEST_ENTRY(a_dup_keeps_its_own_timeout_whatever_mode_the_other_sets),
    TEST_ENTRY(closing_a_dup_leaves_the_original_working),
    TEST_ENTRY(closing_the_original_leaves_the_dup_working_and_eof_comes_with_the_last),
    TEST_ENTRY(dup_of_a_listener_accepts_after_the_original_is_closed),
    TEST_ENTRY(dup_of_a_datagram_socket_receives_what_is_sent_to_the_original),
    TEST_ENTRY(detach_returns_the_handle_open_and_adopting_it_round_trips),
    TEST_ENTRY(socket_from_native_detects_family_and_type_bound_or_not),
    TEST_ENTRY(socket_from_native_adopts_a_socket_made_by_the_os_directly),
    TEST_ENTRY(
        socket_from_native_clears_a_creators_kernel_timeouts_on_windows_and_keeps_them_on_posix),
#ifdef _WIN32
    TEST_ENTRY(socket_from_native_of_a_handle_that_is_no_socket_is_enotsock_and_leaves_it_open),
#else
    TEST_ENTRY(socket_from_native_of_a_descriptor_that_is_no_socket_is_enotsock_and_leaves_it_open),
    TEST_ENTRY(socket_from_native_of_a_socket_type_portsock_has_no_name_for_is_enotsup),
#endif
    TEST_ENTRY(detached_socket_is_not_closed_by_anything_of_portsock),
};
TEST_MAIN()
