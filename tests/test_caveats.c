/* The two Windows caveats of Python's socket documentation, as they really
 * are on each platform:
 *  1. fileno(): on Windows the integer cannot be used where a file
 *     descriptor is expected (os.fdopen);
 *  2. makefile(): on Windows the stream has no descriptor, so it cannot
 *     stand in where a descriptor-backed file is needed.
 * POSIX: a socket is a descriptor, so both work, and portsock gives them
 * (ps_file_fd, ps_fdopen). Windows: the C runtime fails on a SOCKET, and
 * portsock says PS_ENOTSUP instead of faking one. */
#include "ps_test.h"

#ifdef _WIN32
#include <errno.h>
#include <io.h>
#else
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#endif

static void send_text(ps_socket *s, const char *text)
{
    ASSERT_OK(ps_sendall(s, text, strlen(text), 0, NULL));
}

#ifndef _WIN32

TEST(fileno_is_a_real_descriptor_of_a_socket)
{
    ps_socket *c, *s;
    struct stat st;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_EQ(fstat(ps_fileno(c), &st), 0);
    ASSERT_TRUE(S_ISSOCK(st.st_mode));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(fdopen_on_a_dup_of_fileno_reads_what_the_peer_sent)
{
    ps_socket *c, *s;
    FILE *fp;
    char line[64];
    int fd;
    test_tcp_pair(PS_AF_INET, &c, &s);
    fd = dup(ps_fileno(s));
    ASSERT_GE(fd, 0);
    fp = fdopen(fd, "r");
    ASSERT_NOT_NULL(fp);
    send_text(c, "through stdio\nsecond\n");
    ASSERT_NOT_NULL(fgets(line, sizeof line, fp));
    ASSERT_STREQ(line, "through stdio\n");
    ASSERT_NOT_NULL(fgets(line, sizeof line, fp));
    ASSERT_STREQ(line, "second\n");
    ASSERT_EQ(fclose(fp), 0); /* closes the dup only */
    ASSERT_EQ(ps_send(s, "s", 1, 0), 1);
    ASSERT_OK(ps_settimeout(c, 5.0));
    test_recv_exact(c, line, 1);
    ASSERT_EQ(line[0], 's');
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(file_fd_is_the_sockets_descriptor_and_works_with_read)
{
    ps_socket *c, *s;
    ps_file *f;
    char buf[16];
    ssize_t n;
    int fd;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_makefile(s, "r", 0, &f));
    fd = ps_file_fd(f);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(fd, ps_fileno(s));
    send_text(c, "raw");
    n = read(fd, buf, sizeof buf);
    ASSERT_EQ(n, 3);
    ASSERT_MEMEQ(buf, "raw", 3);
    /* fdopen on it (a dup: the stream still owns the descriptor) */
    {
        FILE *fp = fdopen(dup(fd), "r");
        ASSERT_NOT_NULL(fp);
        send_text(c, "via fdopen\n");
        ASSERT_NOT_NULL(fgets(buf, sizeof buf, fp));
        ASSERT_STREQ(buf, "via fdopen\n");
        ASSERT_EQ(fclose(fp), 0);
    }
    ASSERT_OK(ps_file_close(f));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(ps_fdopen_streams_read_and_write_and_fclose_leaves_the_socket_open)
{
    ps_socket *c, *s;
    FILE *r = NULL, *w = NULL;
    char line[64];
    int fl;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_fdopen(s, "r", &r));
    ASSERT_OK(ps_fdopen(s, "w", &w));
    ASSERT_NOT_NULL(r);
    ASSERT_NOT_NULL(w);
    /* duplicates, non-inheritable like every socket of portsock */
    ASSERT_NE(fileno(r), ps_fileno(s));
    ASSERT_NE(fileno(w), ps_fileno(s));
    fl = fcntl(fileno(r), F_GETFD);
    ASSERT_GE(fl, 0);
    ASSERT_TRUE(fl & FD_CLOEXEC);
    ASSERT_GT(fprintf(w, "hello %d\n", 42), 0);
    ASSERT_EQ(fflush(w), 0);
    ASSERT_OK(ps_settimeout(c, 5.0));
    test_recv_exact(c, line, 9);
    ASSERT_MEMEQ(line, "hello 42\n", 9);
    send_text(c, "reply\n");
    ASSERT_NOT_NULL(fgets(line, sizeof line, r));
    ASSERT_STREQ(line, "reply\n");
    ASSERT_EQ(fclose(r), 0);
    ASSERT_EQ(fclose(w), 0);
    /* the socket is open and the peer saw no EOF */
    ASSERT_EQ(ps_send(s, "open", 4, 0), 4);
    test_recv_exact(c, line, 4);
    ASSERT_MEMEQ(line, "open", 4);
    ASSERT_OK(ps_settimeout(c, 0.2));
    ASSERT_ERR(ps_recv(c, line, 1, 0), PS_ETIMEDOUT);
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_settimeout(c, 5.0));
    ASSERT_EQ(ps_recv(c, line, 1, 0), 0);
    ASSERT_OK(ps_close(c));
}

#else /* _WIN32 */

/* msvcrt hands bad descriptors to the invalid parameter handler first;
 * this one lets the call fail with EBADF as documented. */
static void ignore_invalid_parameter(const wchar_t *e, const wchar_t *f, const wchar_t *file,
                                     unsigned line, uintptr_t reserved)
{
    (void)e;
    (void)f;
    (void)file;
    (void)line;
    (void)reserved;
}

TEST(crt_fdopen_of_a_socket_handle_gives_no_stream_of_that_socket)
{
    ps_socket *c, *s;
    FILE *fp;
    intptr_t osf;
    int err;
    test_tcp_pair(PS_AF_INET, &c, &s);
    _set_invalid_parameter_handler(ignore_invalid_parameter);
    NOTE("the socket's handle value is %llu", (unsigned long long)ps_fileno(s));
    errno = 0;
    fp = _fdopen((int)ps_fileno(s), "r");
    err = errno;
    NOTE("_fdopen((int)sock, \"r\") = %p, errno %d", (void *)fp, err);
    /* A SOCKET is no C runtime descriptor: the value names nothing in the
     * C runtime's table. */
    ASSERT_NULL(fp);
    ASSERT_EQ(err, EBADF);
    errno = 0;
    osf = _get_osfhandle((int)ps_fileno(s));
    NOTE("_get_osfhandle((int)sock) = %lld, errno %d", (long long)osf, errno);
    ASSERT_EQ(osf, -1);
    ASSERT_EQ(errno, EBADF);
    {
        char b;
        errno = 0;
        ASSERT_EQ(_read((int)ps_fileno(s), &b, 1), -1);
        ASSERT_EQ(errno, EBADF);
    }
    /* and the socket itself is untouched by the attempts */
    ASSERT_EQ(ps_send(c, "x", 1, 0), 1);
    {
        char b = 0;
        ASSERT_OK(ps_settimeout(s, 5.0));
        test_recv_exact(s, &b, 1);
        ASSERT_EQ(b, 'x');
    }
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(ps_fdopen_and_ps_file_fd_are_enotsup)
{
    ps_socket *c, *s;
    ps_file *f;
    FILE *fp = (FILE *)&fp; /* must come back NULL */
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_ERR(ps_fdopen(s, "r", &fp), PS_ENOTSUP);
    ASSERT_NULL(fp);
    ASSERT_ERR(ps_fdopen(s, "w", &fp), PS_ENOTSUP);
    ASSERT_OK(ps_makefile(s, "rw", 0, &f));
    ASSERT_ERR(ps_file_fd(f), PS_ENOTSUP);
    ASSERT_OK(ps_file_close(f));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

#endif

/* SO_RCVTIMEO set natively: a struct timeval on POSIX, a DWORD of
 * milliseconds on Windows; a blocking recv that runs out of time is EAGAIN
 * on POSIX and WSAETIMEDOUT on Windows (after which Windows documents the
 * socket as indeterminate: portsock's own timeouts never use it there). */
TEST(native_so_rcvtimeo_takes_each_platforms_unit_and_error)
{
    ps_socket *c, *s;
    char b;
    double t0, dt;
    ptrdiff_t r;
#ifdef _WIN32
    DWORD ms = 200;
#else
    struct timeval tv;
    tv.tv_sec = 0;
    tv.tv_usec = 200000;
#endif
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_DBL_EQ(ps_gettimeout(s), PS_TIMEOUT_NONE);
#ifdef _WIN32
    ASSERT_OK(ps_setsockopt_native(s, SOL_SOCKET, SO_RCVTIMEO, &ms, sizeof ms));
#else
    ASSERT_OK(ps_setsockopt_native(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
#endif
    t0 = test_now();
    r = ps_recv(s, &b, 1, 0);
    dt = test_now() - t0;
    NOTE("blocking recv with a native 200 ms SO_RCVTIMEO: %s after %.3f s",
         r < 0 ? ps_errname((int)r) : "data", dt);
#ifdef _WIN32
    ASSERT_ERR(r, PS_ETIMEDOUT);
#else
    ASSERT_ERR(r, PS_EAGAIN);
#endif
    ASSERT_DBL_GE(dt, 0.15);
    ASSERT_DBL_LT(dt, 2.0);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

/* What a portable program does instead, on every platform. */
TEST(makefile_streams_read_lines_where_stdio_cannot)
{
    ps_socket *c, *s;
    ps_file *f;
    char line[64];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_makefile(s, "rw", 0, &f));
    send_text(c, "portable\n");
    ASSERT_EQ(ps_file_readline(f, line, sizeof line), 9);
    ASSERT_STREQ(line, "portable\n");
    ASSERT_EQ(ps_file_printf(f, "answer %d\n", 7), 9);
    ASSERT_OK(ps_file_flush(f));
    ASSERT_OK(ps_settimeout(c, 5.0));
    test_recv_exact(c, line, 9);
    ASSERT_MEMEQ(line, "answer 7\n", 9);
    ASSERT_OK(ps_file_close(f));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(ps_fdopen_rejects_bad_arguments)
{
    ps_socket *s;
    FILE *fp = NULL;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_fdopen(NULL, "r", &fp), PS_EINVAL);
    ASSERT_ERR(ps_fdopen(s, NULL, &fp), PS_EINVAL);
    ASSERT_ERR(ps_fdopen(s, "", &fp), PS_EINVAL);
    ASSERT_ERR(ps_fdopen(s, "r", NULL), PS_EINVAL);
    ASSERT_NULL(fp);
    ASSERT_OK(ps_close(s));
}

TEST_LIST = {
#ifndef _WIN32
    TEST_ENTRY(fileno_is_a_real_descriptor_of_a_socket),
    TEST_ENTRY(fdopen_on_a_dup_of_fileno_reads_what_the_peer_sent),
    TEST_ENTRY(file_fd_is_the_sockets_descriptor_and_works_with_read),
    TEST_ENTRY(ps_fdopen_streams_read_and_write_and_fclose_leaves_the_socket_open),
#else
    TEST_ENTRY(crt_fdopen_of_a_socket_handle_gives_no_stream_of_that_socket),
    TEST_ENTRY(ps_fdopen_and_ps_file_fd_are_enotsup),
#endif
    TEST_ENTRY(native_so_rcvtimeo_takes_each_platforms_unit_and_error),
    TEST_ENTRY(makefile_streams_read_lines_where_stdio_cannot),
    TEST_ENTRY(ps_fdopen_rejects_bad_arguments),
};
TEST_MAIN()
