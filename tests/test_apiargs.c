/* Bad arguments for the rest of the header (adoption, dup, inheritance,
 * socketpair, options, create_connection/create_server): NULL pointers,
 * unknown constants, empty addresses, and a closed native handle. The
 * connection and data functions are in test_badargs.c. */
#include "ps_test.h"

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

static const ps_addr empty_addr; /* len 0 */

/* ---- the rest of the header: identity, options, helpers ---- */

TEST(adoption_dup_and_inheritance_reject_null)
{
    ps_socket *s, *o = NULL;
    ps_socket *pair[2] = {NULL, NULL};
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_socket_from_native(NULL, ps_fileno(s)), PS_EINVAL);
    ASSERT_ERR(ps_dup(NULL, &o), PS_EINVAL);
    ASSERT_ERR(ps_dup(s, NULL), PS_EINVAL);
    ASSERT_ERR(ps_get_inheritable(NULL), PS_EINVAL);
    ASSERT_ERR(ps_set_inheritable(NULL, 1), PS_EINVAL);
    ASSERT_ERR(ps_socketpair(NULL, PS_AF_UNSPEC, PS_SOCK_STREAM), PS_EINVAL);
    ASSERT_ERR(ps_socketpair(pair, 99, PS_SOCK_STREAM), PS_EINVAL);
    ASSERT_ERR(ps_socketpair(pair, PS_AF_INET, 99), PS_EINVAL);
    ASSERT_NULL(o);
    ASSERT_OK(ps_close(s));
}

TEST(adopting_an_invalid_handle_fails)
{
    ps_socket *o = NULL;
    int r = ps_socket_from_native(&o, PS_INVALID_NATIVE);
    NOTE("ps_socket_from_native(PS_INVALID_NATIVE) = %s", ps_errname(r));
    ASSERT_ERR(r, PS_EBADF);
    ASSERT_NULL(o);
}

#ifndef _WIN32
TEST(adopting_a_descriptor_that_is_no_socket_is_enotsock_and_leaves_it_open)
{
    ps_socket *o = NULL;
    int fd = open("/dev/null", O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_ERR(ps_socket_from_native(&o, fd), PS_ENOTSOCK);
    ASSERT_EQ(close(fd), 0); /* still ours, still open */
}
#endif

TEST(options_reject_null_unknown_options_and_get_only_sets)
{
    ps_socket *s;
    int v = 0;
    size_t len = sizeof v;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_setopt(NULL, PS_OPT_KEEPALIVE, 1), PS_EINVAL);
    ASSERT_ERR(ps_getopt(NULL, PS_OPT_KEEPALIVE, &v), PS_EINVAL);
    ASSERT_ERR(ps_getopt(s, PS_OPT_KEEPALIVE, NULL), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, 999, 1), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, 0, 1), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, -1, 1), PS_EINVAL);
    ASSERT_ERR(ps_getopt(s, 999, &v), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, PS_OPT_ERROR, 0), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, PS_OPT_TYPE, PS_SOCK_STREAM), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, PS_OPT_RCVBUF, 0), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, PS_OPT_SNDBUF, -5), PS_EINVAL);
    ASSERT_ERR(ps_setopt(s, PS_OPT_LINGER, -2), PS_EINVAL);
    ASSERT_ERR(ps_setsockopt_native(NULL, 0, 0, &v, sizeof v), PS_EINVAL);
    ASSERT_ERR(ps_setsockopt_native(s, 0, 0, NULL, sizeof v), PS_EINVAL);
    ASSERT_ERR(ps_getsockopt_native(NULL, 0, 0, &v, &len), PS_EINVAL);
    ASSERT_ERR(ps_getsockopt_native(s, 0, 0, &v, NULL), PS_EINVAL);
    len = sizeof v;
    ASSERT_ERR(ps_getsockopt_native(s, 0, 0, NULL, &len), PS_EINVAL);
    /* the get-only options read fine */
    ASSERT_OK(ps_getopt(s, PS_OPT_TYPE, &v));
    ASSERT_EQ(v, PS_SOCK_STREAM);
    v = 12345;
    ASSERT_OK(ps_getopt(s, PS_OPT_ERROR, &v));
    ASSERT_EQ(v, 0);
    ASSERT_OK(ps_close(s));
}

TEST(connection_helpers_reject_null_and_empty_addresses)
{
    ps_socket *s, *o = NULL;
    ps_addr a = test_addr("127.0.0.1:0"), v4 = test_addr("127.0.0.1:0");
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_create_connection(NULL, "127.0.0.1", "1", 1.0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_create_connection(&o, "127.0.0.1", "1", -7.0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_create_connection(&o, "127.0.0.1", "1", 1.0, &empty_addr), PS_EINVAL);
    ASSERT_ERR(ps_create_connection_addrs(NULL, &a, 1, 1.0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_create_connection_addrs(&o, NULL, 1, 1.0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_create_connection_addrs(&o, &a, 0, 1.0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_create_connection_addrs(&o, &empty_addr, 1, 1.0, NULL), PS_EINVAL);
    ASSERT_ERR(ps_create_server(NULL, &a, 5, 0), PS_EINVAL);
    ASSERT_ERR(ps_create_server(&o, NULL, 5, 0), PS_EINVAL);
    ASSERT_ERR(ps_create_server(&o, &empty_addr, 5, 0), PS_EINVAL);
    ASSERT_ERR(ps_create_server(&o, &a, 5, 0x4000), PS_EINVAL);
    ASSERT_ERR(ps_create_server(&o, &v4, 5, PS_SERVER_DUALSTACK), PS_EINVAL);
    ASSERT_NULL(o);
    ASSERT_OK(ps_close(s));
}

TEST(dup_and_options_on_a_closed_native_handle_report_it)
{
    ps_socket *s, *d = NULL;
    int v = 0;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
#ifdef _WIN32
    ASSERT_EQ(closesocket((SOCKET)ps_fileno(s)), 0);
#else
    ASSERT_EQ(close(ps_fileno(s)), 0);
#endif
    /* no socket may be opened from here on (the number could be reused) */
    ASSERT_ERR(ps_dup(s, &d), TEST_DEAD_HANDLE_ERR);
    ASSERT_NULL(d);
    ASSERT_ERR(ps_getopt(s, PS_OPT_TYPE, &v), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_setopt(s, PS_OPT_KEEPALIVE, 1), TEST_DEAD_HANDLE_ERR);
    ASSERT_ERR(ps_close(s), TEST_DEAD_HANDLE_ERR);
}

TEST_LIST = {
    TEST_ENTRY(adoption_dup_and_inheritance_reject_null),
    TEST_ENTRY(adopting_an_invalid_handle_fails),
#ifndef _WIN32
    TEST_ENTRY(adopting_a_descriptor_that_is_no_socket_is_enotsock_and_leaves_it_open),
#endif
    TEST_ENTRY(options_reject_null_unknown_options_and_get_only_sets),
    TEST_ENTRY(connection_helpers_reject_null_and_empty_addresses),
    TEST_ENTRY(dup_and_options_on_a_closed_native_handle_report_it),
};
TEST_MAIN()
