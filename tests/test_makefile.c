/* Streams (Python's makefile): line protocols, mixed reading and writing,
 * printf, flushing and line buffering, EOF, Python's lifetime rules, and
 * portsock's timeout guarantee (a stream operation that times out loses
 * nothing: the next call carries on where it stopped). */
#include "ps_test.h"

/* ---- helpers ---- */

static ps_file *open_stream(ps_socket *s, const char *mode, size_t bufsize)
{
    ps_file *f = NULL;
    ASSERT_OK(ps_makefile(s, mode, bufsize, &f));
    ASSERT_NOT_NULL(f);
    return f;
}

/* Receives exactly n bytes on s within 5 s (s keeps its mode). */
static void recv_n(ps_socket *s, void *buf, size_t n)
{
    double saved = ps_gettimeout(s);
    ASSERT_OK(ps_settimeout(s, 5.0));
    test_recv_exact(s, buf, n);
    ASSERT_OK(ps_settimeout(s, saved));
}

/* Asserts that nothing arrives on s for `seconds`. */
static void expect_nothing(ps_socket *s, double seconds)
{
    char b;
    double saved = ps_gettimeout(s);
    ASSERT_OK(ps_settimeout(s, seconds));
    ASSERT_ERR(ps_recv(s, &b, 1, 0), PS_ETIMEDOUT);
    ASSERT_OK(ps_settimeout(s, saved));
}

static void expect_eof(ps_socket *s)
{
    char b;
    double saved = ps_gettimeout(s);
    ASSERT_OK(ps_settimeout(s, 5.0));
    ASSERT_EQ(ps_recv(s, &b, 1, 0), 0);
    ASSERT_OK(ps_settimeout(s, saved));
}

static void send_text(ps_socket *s, const char *text)
{
    size_t sent = 0;
    ASSERT_OK(ps_sendall(s, text, strlen(text), 0, &sent));
}

/* ---- line protocol: 10,000 lines ---- */

#define LINES 10000
#define LINE_MAX_LEN 80000

/* The length of line i: empty lines, short ones, some longer than the
 * reader's stream buffer (4 KiB) and caller buffer (512), a few longer than
 * the writer's default buffer (64 KiB). */
static size_t line_len(unsigned i)
{
    unsigned h = i * 2654435761u;
    if (i % 50 == 0)
        return 0;
    if (i % 997 == 3)
        return 66000 + (h >> 20) % 10000;
    if (i % 101 == 7)
        return 5000 + (h >> 16) % 15000;
    return (h >> 24) % 200;
}

/* Byte j of line i: every value but '\n', NUL included. */
static char line_byte(unsigned i, size_t j)
{
    unsigned char c = (unsigned char)((i * 31u + (unsigned)j * 7u + (unsigned)(j >> 8)) & 0xffu);
    return c == '\n' ? 'N' : (char)c;
}

static void make_line(unsigned i, char *buf, size_t *len)
{
    size_t j, n = line_len(i);
    for (j = 0; j < n; j++)
        buf[j] = line_byte(i, j);
    buf[n] = '\n';
    *len = n;
}

typedef struct line_writer {
    ps_socket *s;
    int rc;
} line_writer;

/* Writes the lines three ways: two writes, one write with the newline, and
 * printf for lines without NUL. */
static void write_lines(void *arg)
{
    line_writer *lw = (line_writer *)arg;
    char *line = (char *)malloc(LINE_MAX_LEN + 1);
    ps_file *w = NULL;
    unsigned i;
    size_t len;
    lw->rc = ps_makefile(lw->s, "wb", 0, &w);
    if (lw->rc < 0 || !line) {
        free(line);
        return;
    }
    for (i = 0; i < LINES && lw->rc >= 0; i++) {
        ptrdiff_t r;
        make_line(i, line, &len);
        if (i % 3 == 0) {
            r = ps_file_write(w, line, len);
            if (r == (ptrdiff_t)len)
                r = ps_file_write(w, "\n", 1) == 1 ? (ptrdiff_t)len + 1 : -1;
            else
                r = -1;
        } else if (i % 3 == 1 || memchr(line, '\0', len) != NULL) {
            r = ps_file_write(w, line, len + 1);
        } else {
            r = ps_file_printf(w, "%.*s\n", (int)len, line);
        }
        if (r != (ptrdiff_t)len + 1)
            lw->rc = r < 0 ? (int)r : PS_EUNKNOWN;
    }
    if (ps_file_close(w) < 0 && lw->rc >= 0)
        lw->rc = PS_EUNKNOWN;
    if (ps_shutdown(lw->s, PS_SHUT_WR) < 0 && lw->rc >= 0)
        lw->rc = PS_EUNKNOWN;
    free(line);
}

TEST(ten_thousand_lines_of_varied_length_round_trip_byte_for_byte)
{
    ps_socket *c, *s;
    ps_file *r;
    line_writer lw;
    test_thread t;
    char piece[513];
    char *want = (char *)malloc(LINE_MAX_LEN + 1);
    unsigned i;
    size_t pieces = 0, bytes = 0;
    ASSERT_NOT_NULL(want);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 30.0));
    ASSERT_OK(ps_settimeout(s, 30.0));
    lw.s = c;
    lw.rc = 0;
    test_thread_spawn(&t, write_lines, &lw);
    r = open_stream(s, "rb", 4096);
    for (i = 0; i < LINES; i++) {
        size_t len, off = 0;
        make_line(i, want, &len);
        for (;;) {
            ptrdiff_t n = ps_file_readline(r, piece, sizeof piece);
            if (n <= 0)
                FAILF("line %u: readline gave %td after %zu of %zu bytes", i, n, off, len + 1);
            pieces++;
            ASSERT_LE(n, (ptrdiff_t)sizeof piece - 1);
            ASSERT_EQ(piece[n], '\0');
            if (off + (size_t)n > len + 1 || memcmp(piece, want + off, (size_t)n) != 0)
                FAILF("line %u (length %zu): piece at %zu of %td bytes differs", i, len, off, n);
            off += (size_t)n;
            if (piece[n - 1] == '\n')
                break;
            /* like fgets: a piece without newline fills the buffer */
            ASSERT_EQ(n, (ptrdiff_t)sizeof piece - 1);
        }
        ASSERT_EQ(off, len + 1);
        bytes += off;
    }
    ASSERT_EQ(ps_file_readline(r, piece, sizeof piece), 0);
    ASSERT_EQ(ps_file_readline(r, piece, sizeof piece), 0);
    test_thread_join(&t);
    ASSERT_OK(lw.rc);
    NOTE("%u lines, %zu bytes, in %zu pieces", (unsigned)LINES, bytes, pieces);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(want);
}

/* ---- mixed use of one "rw" stream ---- */

static unsigned char payload_byte(size_t i)
{
    return (unsigned char)(i * 13u + 5u);
}

typedef struct server_ctx {
    ps_socket *s;
    int rc;
    int requests;
} server_ctx;

/* "GET n\n" -> "LEN n\n" + n bytes; "PUT n\n" + n bytes -> "SUM x\n". The
 * server never flushes: its next readline sends the answer first. */
static void serve(void *arg)
{
    server_ctx *sv = (server_ctx *)arg;
    ps_file *f = NULL;
    char line[64];
    unsigned char *buf = (unsigned char *)malloc(200000);
    sv->rc = ps_makefile(sv->s, "rw", 0, &f);
    while (sv->rc >= 0 && buf != NULL) {
        ptrdiff_t n = ps_file_readline(f, line, sizeof line);
        unsigned long k = 0, sum = 0, i;
        if (n <= 0) {
            if (n < 0)
                sv->rc = (int)n;
            break;
        }
        sv->requests++;
        if (sscanf(line, "GET %lu", &k) == 1 && k <= 200000) {
            for (i = 0; i < k; i++)
                buf[i] = payload_byte(i);
            if (ps_file_printf(f, "LEN %lu\n", k) < 0 || ps_file_write(f, buf, k) != (ptrdiff_t)k)
                sv->rc = PS_EUNKNOWN;
        } else if (sscanf(line, "PUT %lu", &k) == 1 && k <= 200000) {
            if (ps_file_read(f, buf, k) != (ptrdiff_t)k) {
                sv->rc = PS_EUNKNOWN;
                break;
            }
            for (i = 0; i < k; i++)
                sum = sum * 31u + buf[i];
            if (ps_file_printf(f, "SUM %lu\n", sum) < 0)
                sv->rc = PS_EUNKNOWN;
        } else {
            sv->rc = PS_EINVAL;
        }
    }
    if (f && ps_file_close(f) < 0 && sv->rc >= 0)
        sv->rc = PS_EUNKNOWN;
    free(buf);
}

TEST(mixed_read_readline_and_write_on_one_rw_stream_at_both_ends)
{
    const unsigned long sizes[] = {0, 1, 100, 4095, 4096, 70000, 150000};
    ps_socket *c, *s;
    ps_file *f;
    server_ctx sv;
    test_thread t;
    unsigned char *buf = (unsigned char *)malloc(200000);
    char line[64], want[64];
    size_t k;
    ASSERT_NOT_NULL(buf);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 20.0));
    ASSERT_OK(ps_settimeout(s, 20.0));
    sv.s = s;
    sv.rc = 0;
    sv.requests = 0;
    test_thread_spawn(&t, serve, &sv);
    f = open_stream(c, "rw", 4096);
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned long n = sizes[k], i, sum = 0;
        /* no flush: readline sends the request before it waits */
        ASSERT_GT(ps_file_printf(f, "GET %lu\n", n), 0);
        ASSERT_GT(ps_file_readline(f, line, sizeof line), 0);
        snprintf(want, sizeof want, "LEN %lu\n", n);
        ASSERT_STREQ(line, want);
        ASSERT_EQ(ps_file_read(f, buf, n), (ptrdiff_t)n);
        for (i = 0; i < n; i++) {
            if (buf[i] != payload_byte(i))
                FAILF("GET %lu: byte %lu differs", n, i);
        }
        for (i = 0; i < n; i++) {
            buf[i] = (unsigned char)(i * 7u + n);
            sum = sum * 31u + buf[i];
        }
        ASSERT_GT(ps_file_printf(f, "PUT %lu\n", n), 0);
        ASSERT_EQ(ps_file_write(f, buf, n), (ptrdiff_t)n);
        ASSERT_GT(ps_file_readline(f, line, sizeof line), 0);
        snprintf(want, sizeof want, "SUM %lu\n", sum);
        ASSERT_STREQ(line, want);
    }
    ASSERT_OK(ps_file_close(f));
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    test_thread_join(&t);
    ASSERT_OK(sv.rc);
    ASSERT_EQ(sv.requests, 2 * (int)(sizeof sizes / sizeof sizes[0]));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(buf);
}

/* ---- printf ---- */

TEST(printf_formats_takes_the_text_whole_and_returns_its_length)
{
    ps_socket *c, *s;
    ps_file *w;
    const char *want = "42-abc-003.1|z\n";
    char buf[32];
    size_t big = 100000, i;
    char *text = (char *)malloc(big + 1), *got = (char *)malloc(big);
    ASSERT_NOT_NULL(text);
    ASSERT_NOT_NULL(got);
    test_tcp_pair(PS_AF_INET, &c, &s);
    w = open_stream(c, "w", 1024);
    ASSERT_EQ(ps_file_printf(w, "%d-%s-%05.1f|%c\n", 42, "abc", 3.14159, 'z'), (int)strlen(want));
    ASSERT_EQ(ps_file_printf(w, "%s", ""), 0);
    ASSERT_OK(ps_file_flush(w));
    recv_n(s, buf, strlen(want));
    ASSERT_MEMEQ(buf, want, strlen(want));
    /* a text far longer than the buffer */
    for (i = 0; i < big; i++)
        text[i] = (char)('a' + i % 26);
    text[big] = '\0';
    ASSERT_EQ(ps_file_printf(w, "%s", text), (int)big);
    ASSERT_OK(ps_file_flush(w));
    recv_n(s, got, big);
    ASSERT_MEMEQ(got, text, big);
    ASSERT_OK(ps_file_close(w));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(text);
    free(got);
}

/* ---- flushing ---- */

TEST(nothing_is_sent_before_flush_with_a_large_buffer)
{
    ps_socket *c, *s;
    ps_file *w;
    char data[1000], got[1100], b;
    size_t i;
    for (i = 0; i < sizeof data; i++)
        data[i] = (char)('0' + i % 10);
    test_tcp_pair(PS_AF_INET, &c, &s);
    w = open_stream(c, "w", 65536);
    ASSERT_EQ(ps_file_write(w, data, sizeof data), (ptrdiff_t)sizeof data);
    ASSERT_EQ(ps_file_printf(w, "line %d\n", 1), 7);
    ASSERT_EQ(ps_file_write(w, "x\n", 2), 2);
    expect_nothing(s, 0.3);
    ASSERT_OK(ps_settimeout(s, 0.0));
    ASSERT_ERR(ps_recv(s, &b, 1, 0), PS_EAGAIN);
    ASSERT_OK(ps_file_flush(w));
    recv_n(s, got, sizeof data + 9);
    ASSERT_MEMEQ(got, data, sizeof data);
    ASSERT_MEMEQ(got + sizeof data, "line 1\nx\n", 9);
    ASSERT_OK(ps_file_flush(w)); /* nothing left: nothing more sent */
    expect_nothing(s, 0.1);
    ASSERT_OK(ps_file_close(w));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(a_full_write_buffer_is_sent_without_flush)
{
    ps_socket *c, *s;
    ps_file *w;
    char chunk[100], got[4096];
    int i;
    memset(chunk, 'q', sizeof chunk);
    test_tcp_pair(PS_AF_INET, &c, &s);
    w = open_stream(c, "w", 4096);
    for (i = 0; i < 50; i++) /* 5000 bytes into a 4096-byte buffer */
        ASSERT_EQ(ps_file_write(w, chunk, sizeof chunk), 100);
    recv_n(s, got, 4096); /* at least one buffer's worth went */
    ASSERT_OK(ps_file_close(w));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(line_buffered_stream_with_bufsize_1_sends_at_each_newline)
{
    ps_socket *c, *s;
    ps_file *w;
    char got[16];
    test_tcp_pair(PS_AF_INET, &c, &s);
    w = open_stream(c, "w", 1);
    ASSERT_EQ(ps_file_write(w, "abc", 3), 3);
    expect_nothing(s, 0.2);
    /* a write with a newline sends everything buffered */
    ASSERT_EQ(ps_file_write(w, "def\nghi", 7), 7);
    recv_n(s, got, 10);
    ASSERT_MEMEQ(got, "abcdef\nghi", 10);
    expect_nothing(s, 0.1);
    ASSERT_EQ(ps_file_printf(w, "x=%d\n", 5), 4);
    recv_n(s, got, 4);
    ASSERT_MEMEQ(got, "x=5\n", 4);
    ASSERT_EQ(ps_file_printf(w, "%s", "tail"), 4);
    expect_nothing(s, 0.2);
    ASSERT_OK(ps_file_close(w)); /* closing flushes */
    recv_n(s, got, 4);
    ASSERT_MEMEQ(got, "tail", 4);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

/* ---- EOF and read(n) ---- */

TEST(eof_in_the_middle_of_a_line_gives_the_last_piece_then_zero)
{
    ps_socket *c, *s;
    ps_file *r;
    char buf[64];
    test_tcp_pair(PS_AF_INET, &c, &s);
    send_text(c, "first\nsecond-without-newline");
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    r = open_stream(s, "r", 8);
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 6);
    ASSERT_STREQ(buf, "first\n");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 22);
    ASSERT_STREQ(buf, "second-without-newline");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 0);
    ASSERT_STREQ(buf, "");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 0);
    ASSERT_EQ(ps_file_read(r, buf, 10), 0);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(readline_into_a_small_buffer_gives_the_line_in_pieces)
{
    ps_socket *c, *s;
    ps_file *r;
    char buf[4];
    test_tcp_pair(PS_AF_INET, &c, &s);
    send_text(c, "abcdefgh\n\nxy");
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    r = open_stream(s, "r", 0);
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 3);
    ASSERT_STREQ(buf, "abc");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 3);
    ASSERT_STREQ(buf, "def");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 3);
    ASSERT_STREQ(buf, "gh\n");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 1);
    ASSERT_STREQ(buf, "\n");
    ASSERT_EQ(ps_file_readline(r, buf, 2), 1); /* size 2: one byte at a time */
    ASSERT_STREQ(buf, "x");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 1);
    ASSERT_STREQ(buf, "y");
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 0);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

typedef struct dribble {
    ps_socket *s;
    const char *parts[4];
} dribble;

static void send_parts(void *arg)
{
    dribble *d = (dribble *)arg;
    int i;
    for (i = 0; i < 4 && d->parts[i]; i++) {
        test_sleep_ms(80);
        send_text(d->s, d->parts[i]);
    }
}

TEST(read_returns_exactly_n_bytes_that_arrive_in_pieces_and_the_rest_at_eof)
{
    ps_socket *c, *s;
    ps_file *r;
    dribble d;
    test_thread t;
    char buf[32];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(s, 5.0));
    r = open_stream(s, "r", 0);
    d.s = c;
    d.parts[0] = "abc";
    d.parts[1] = "defg";
    d.parts[2] = "hijKL";
    d.parts[3] = NULL;
    test_thread_spawn(&t, send_parts, &d);
    ASSERT_EQ(ps_file_read(r, buf, 10), 10);
    ASSERT_MEMEQ(buf, "abcdefghij", 10);
    test_thread_join(&t);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    ASSERT_EQ(ps_file_read(r, buf, 10), 2);
    ASSERT_MEMEQ(buf, "KL", 2);
    ASSERT_EQ(ps_file_read(r, buf, 10), 0);
    ASSERT_EQ(ps_file_read(r, buf, 0), 0);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(a_read_larger_than_the_buffer_keeps_the_order_with_buffered_bytes)
{
    ps_socket *c, *s;
    ps_file *r;
    char *data = (char *)malloc(5000), *got = (char *)malloc(5000), line[16];
    size_t i;
    ASSERT_NOT_NULL(data);
    ASSERT_NOT_NULL(got);
    memcpy(data, "hi\n", 3);
    for (i = 3; i < 5000; i++)
        data[i] = (char)('A' + i % 23);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_sendall(c, data, 5000, 0, NULL));
    ASSERT_OK(ps_settimeout(s, 5.0));
    r = open_stream(s, "r", 16);
    ASSERT_EQ(ps_file_readline(r, line, sizeof line), 3);
    ASSERT_STREQ(line, "hi\n");
    ASSERT_EQ(ps_file_read(r, got, 4997), 4997);
    ASSERT_MEMEQ(got, data + 3, 4997);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(data);
    free(got);
}

/* ---- lifetime ---- */

TEST(closing_a_stream_leaves_the_socket_open)
{
    ps_socket *c, *s;
    ps_file *f;
    char buf[8];
    test_tcp_pair(PS_AF_INET, &c, &s);
    f = open_stream(s, "rw", 0);
    ASSERT_EQ(ps_file_write(f, "buffered", 8), 8);
    ASSERT_OK(ps_file_close(f)); /* flushes */
    recv_n(c, buf, 8);
    ASSERT_MEMEQ(buf, "buffered", 8);
    expect_nothing(c, 0.2); /* no EOF */
    ASSERT_EQ(ps_send(s, "sock", 4, 0), 4);
    recv_n(c, buf, 4);
    ASSERT_MEMEQ(buf, "sock", 4);
    ASSERT_EQ(ps_send(c, "back", 4, 0), 4);
    recv_n(s, buf, 4);
    ASSERT_MEMEQ(buf, "back", 4);
    ASSERT_OK(ps_close(s));
    expect_eof(c);
    ASSERT_OK(ps_close(c));
}

/* Closes the socket and its two streams in the order given ('s' the socket,
 * 'r' the read stream, 'w' the write stream): what stays open keeps
 * working, and the peer sees EOF exactly when the last one closes. */
static void close_in_order(const char *order)
{
    ps_socket *c, *s;
    ps_file *r, *w;
    int open_s = 1, open_r = 1, open_w = 1;
    char buf[32];
    size_t k;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(s, 5.0));
    r = open_stream(s, "r", 0);
    w = open_stream(s, "w", 0);
    for (k = 0; k < 3; k++) {
        switch (order[k]) {
        case 's':
            ASSERT_OK(ps_close(s));
            open_s = 0;
            break;
        case 'r':
            ASSERT_OK(ps_file_close(r));
            open_r = 0;
            break;
        default:
            ASSERT_EQ(ps_file_write(w, "pending", 7), 7); /* sent by the close */
            ASSERT_OK(ps_file_close(w));
            open_w = 0;
            recv_n(c, buf, 7);
            ASSERT_MEMEQ(buf, "pending", 7);
            break;
        }
        if (open_r) {
            send_text(c, "to r\n");
            ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 5);
            ASSERT_STREQ(buf, "to r\n");
        }
        if (open_w) {
            ASSERT_EQ(ps_file_printf(w, "from w %d\n", (int)k), 9);
            ASSERT_OK(ps_file_flush(w));
            recv_n(c, buf, 9);
            ASSERT_MEMEQ(buf, "from w ", 7);
        }
        if (open_s || open_r || open_w)
            expect_nothing(c, 0.1); /* no EOF yet */
    }
    expect_eof(c);
    ASSERT_OK(ps_close(c));
}

TEST(the_peer_sees_eof_only_when_the_socket_and_both_streams_are_closed_in_any_order)
{
    const char *orders[] = {"srw", "swr", "rsw", "rws", "wsr", "wrs"};
    size_t i;
    for (i = 0; i < 6; i++)
        close_in_order(orders[i]);
}

TEST(detach_with_a_stream_open_leaves_the_handle_to_the_caller)
{
    ps_socket *c, *s, *a;
    ps_file *f;
    ps_native h;
    char buf[16];
    test_tcp_pair(PS_AF_INET, &c, &s);
    f = open_stream(s, "rw", 0);
    h = ps_detach(s);
    ASSERT_EQ(ps_file_printf(f, "still %s\n", "here"), 11);
    ASSERT_OK(ps_file_flush(f));
    recv_n(c, buf, 11);
    ASSERT_MEMEQ(buf, "still here\n", 11);
    ASSERT_OK(ps_file_close(f));
    expect_nothing(c, 0.2); /* the stream did not close the handle */
    ASSERT_OK(ps_socket_from_native(&a, h));
    ASSERT_EQ(ps_send(a, "adopted", 7, 0), 7);
    recv_n(c, buf, 7);
    ASSERT_MEMEQ(buf, "adopted", 7);
    ASSERT_OK(ps_close(a));
    expect_eof(c);
    ASSERT_OK(ps_close(c));
}

/* ---- the timeout guarantee ---- */

static void readline_keeps_a_partial_line(double timeout, size_t bufsize)
{
    ps_socket *c, *s;
    ps_file *r;
    char buf[64];
    double t0, dt;
    ptrdiff_t n;
    int want = timeout == 0.0 ? PS_EAGAIN : PS_ETIMEDOUT;
    test_tcp_pair(PS_AF_INET, &c, &s);
    r = open_stream(s, "r", bufsize);
    ASSERT_OK(ps_settimeout(s, timeout));
    send_text(c, "hello wo");
    test_wait_readable(s);
    t0 = test_now();
    ASSERT_ERR(ps_file_readline(r, buf, sizeof buf), want);
    dt = test_now() - t0;
    if (timeout > 0.0)
        ASSERT_DBL_GE(dt, timeout);
    ASSERT_ERR(ps_file_readline(r, buf, sizeof buf), want); /* again: still nothing lost */
    send_text(c, "rld, and more\nnext");
    test_wait_readable(s);
    n = ps_file_readline(r, buf, sizeof buf);
    if (n == PS_EAGAIN) { /* non-blocking and the rest not there yet */
        test_wait_readable(s);
        n = ps_file_readline(r, buf, sizeof buf);
    }
    ASSERT_EQ(n, 22);
    ASSERT_STREQ(buf, "hello world, and more\n");
    ASSERT_ERR(ps_file_readline(r, buf, sizeof buf), want);
    send_text(c, "\n");
    test_wait_readable(s);
    ASSERT_EQ(ps_file_readline(r, buf, sizeof buf), 5);
    ASSERT_STREQ(buf, "next\n");
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(readline_that_times_out_keeps_the_partial_line_and_returns_it_whole_later)
{
    readline_keeps_a_partial_line(0.3, 0);
    readline_keeps_a_partial_line(0.2, 4); /* the line outgrows the buffer */
}

TEST(readline_on_a_nonblocking_socket_is_eagain_and_loses_nothing)
{
    readline_keeps_a_partial_line(0.0, 0);
    readline_keeps_a_partial_line(0.0, 4);
}

static void read_n_keeps_a_partial_read(double timeout, size_t bufsize, size_t n)
{
    ps_socket *c, *s;
    ps_file *r;
    char *data = (char *)malloc(n + 5), *got = (char *)malloc(n + 5);
    size_t i, first = n * 2 / 5;
    ptrdiff_t k;
    int want = timeout == 0.0 ? PS_EAGAIN : PS_ETIMEDOUT;
    ASSERT_NOT_NULL(data);
    ASSERT_NOT_NULL(got);
    for (i = 0; i < n + 5; i++)
        data[i] = (char)('a' + (i * 7) % 26);
    test_tcp_pair(PS_AF_INET, &c, &s);
    r = open_stream(s, "r", bufsize);
    ASSERT_OK(ps_settimeout(s, timeout));
    ASSERT_OK(ps_sendall(c, data, first, 0, NULL));
    test_wait_readable(s);
    ASSERT_ERR(ps_file_read(r, got, n), want);
    ASSERT_OK(ps_sendall(c, data + first, n + 5 - first, 0, NULL));
    test_wait_readable(s);
    k = ps_file_read(r, got, n);
    for (i = 0; i < 100 && k == PS_EAGAIN; i++) {
        test_wait_readable(s); /* the rest is on its way */
        k = ps_file_read(r, got, n);
    }
    ASSERT_EQ(k, (ptrdiff_t)n);
    ASSERT_MEMEQ(got, data, n);
    ASSERT_EQ(ps_file_read(r, got, 5), 5);
    ASSERT_MEMEQ(got, data + n, 5);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(data);
    free(got);
}

TEST(read_n_that_times_out_returns_all_n_bytes_once_when_the_rest_comes)
{
    read_n_keeps_a_partial_read(0.2, 0, 10);     /* through the buffer */
    read_n_keeps_a_partial_read(0.2, 16, 100);   /* larger than the buffer */
    read_n_keeps_a_partial_read(0.2, 16, 20000); /* much larger */
    read_n_keeps_a_partial_read(0.0, 0, 10);
    read_n_keeps_a_partial_read(0.0, 16, 20000);
}

/* The writer side of the guarantee: the peer does not read, so writes time
 * out (or say EAGAIN); a reader starts after the first one; every byte the
 * stream took arrives once, in order. */
typedef struct collector {
    ps_socket *s;
    unsigned char *buf;
    size_t cap, len;
    int rc;
} collector;

static void collect(void *arg)
{
    collector *k = (collector *)arg;
    int i;
    for (i = 0; i < 10000000; i++) {
        ptrdiff_t r = ps_recv(k->s, k->buf + k->len, k->cap - k->len, 0);
        if (r == 0)
            return;
        if (r < 0) {
            k->rc = (int)r;
            return;
        }
        k->len += (size_t)r;
        if (k->len == k->cap) {
            k->rc = PS_ENOBUFS;
            return;
        }
    }
}

static unsigned char stream_byte(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

static void writes_resume_after_timeouts(double timeout)
{
    const size_t total = 3u << 20, chunk = 10000;
    ps_socket *c, *s;
    ps_file *w;
    unsigned char *data = (unsigned char *)malloc(total);
    unsigned char *taken = (unsigned char *)malloc(total + 4096); /* what the stream took */
    size_t off = 0, tlen = 0, i;
    int stalls = 0, started = 0, iter, printed = 0;
    int want = timeout == 0.0 ? PS_EAGAIN : PS_ETIMEDOUT;
    collector k;
    test_thread t;
    double t0 = test_now();
    ASSERT_NOT_NULL(data);
    ASSERT_NOT_NULL(taken);
    for (i = 0; i < total; i++)
        data[i] = stream_byte(i);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_setopt(c, PS_OPT_SNDBUF, 8192));
    ASSERT_OK(ps_setopt(s, PS_OPT_RCVBUF, 65536));
    ASSERT_OK(ps_settimeout(s, 30.0));
    ASSERT_OK(ps_settimeout(c, timeout));
    k.s = s;
    k.cap = total + 8192;
    k.buf = (unsigned char *)malloc(k.cap);
    k.len = 0;
    k.rc = 0;
    ASSERT_NOT_NULL(k.buf);
    w = open_stream(c, "wb", 8192);
    for (iter = 0; off < total && iter < 200000 && test_now() - t0 < 40.0; iter++) {
        size_t n = total - off < chunk ? total - off : chunk;
        ptrdiff_t r = ps_file_write(w, data + off, n);
        if (r > 0) {
            memcpy(taken + tlen, data + off, (size_t)r);
            tlen += (size_t)r;
            off += (size_t)r;
        } else {
            ASSERT_ERR(r, want);
        }
        if (r == (ptrdiff_t)n)
            continue;
        /* cut short by the timeout (or EAGAIN) */
        stalls++;
        if (!printed) {
            /* printf while stalled: its text is taken even when it says so */
            int p = ps_file_printf(w, "<printf %d>", stalls);
            size_t plen = strlen("<printf 1>");
            ASSERT_TRUE(p == (int)plen || p == want);
            memcpy(taken + tlen, "<printf 1>", plen);
            tlen += plen;
            printed = 1;
        }
        if (!started) {
            test_thread_spawn(&t, collect, &k);
            started = 1;
        } else if (timeout == 0.0) {
            test_sleep_ms(1);
        }
    }
    ASSERT_EQ(off, total);
    ASSERT_GT(stalls, 0);
    ASSERT_TRUE(started);
    /* what is still buffered goes with flushes */
    for (iter = 0; iter < 100000; iter++) {
        int r = ps_file_flush(w);
        if (r == 0)
            break;
        ASSERT_ERR(r, want);
        if (timeout == 0.0)
            test_sleep_ms(1);
    }
    ASSERT_OK(ps_file_close(w));
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    test_thread_join(&t);
    ASSERT_OK(k.rc);
    NOTE("timeout %.1f: %d stalls; %zu bytes taken, %zu arrived", timeout, stalls, tlen, k.len);
    ASSERT_EQ(k.len, tlen);
    for (i = 0; i < tlen; i++) {
        if (k.buf[i] != taken[i])
            FAILF("byte %zu of %zu differs", i, tlen);
    }
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(k.buf);
    free(data);
    free(taken);
}

TEST(writes_that_time_out_then_complete_send_every_byte_once_in_order)
{
    writes_resume_after_timeouts(0.2);
}

TEST(writes_on_a_nonblocking_socket_are_eagain_and_send_every_byte_once_in_order)
{
    writes_resume_after_timeouts(0.0);
}

/* ---- driving a stream from readiness ---- */

TEST(pending_counts_buffered_lines_that_readiness_no_longer_shows)
{
    ps_socket *c, *s;
    ps_file *r, *w;
    ps_pollfd p;
    char line[16];
    test_tcp_pair(PS_AF_INET, &c, &s);
    r = open_stream(s, "r", 0);
    w = open_stream(s, "w", 0);
    ASSERT_EQ(ps_file_pending(r), 0);
    ASSERT_EQ(ps_file_pending(w), 0);  /* write-only: nothing to read */
    send_text(c, "one\ntwo\nthree\n"); /* one small segment on loopback */
    test_wait_readable(s);
    ASSERT_EQ(ps_file_readline(r, line, sizeof line), 4);
    ASSERT_STREQ(line, "one\n");
    /* The other two lines sit in the stream, not in the socket: a program
     * that waits for readiness must ask the stream first. */
    ASSERT_EQ(ps_file_pending(r), 10);
    p.sock = s;
    p.events = PS_POLLIN;
    p.revents = 0;
    ASSERT_EQ(ps_poll(&p, 1, 0.0), 0);
    ASSERT_EQ(ps_file_readline(r, line, sizeof line), 4);
    ASSERT_EQ(ps_file_pending(r), 6);
    ASSERT_EQ(ps_file_read(r, line, 2), 2);
    ASSERT_EQ(ps_file_pending(r), 4);
    ASSERT_EQ(ps_file_readline(r, line, sizeof line), 4);
    ASSERT_STREQ(line, "ree\n");
    ASSERT_EQ(ps_file_pending(r), 0);
    ASSERT_ERR(ps_file_pending(NULL), PS_EINVAL);
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_file_close(w));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(a_short_write_reports_its_error_with_the_next_call)
{
    const size_t big = 8u << 20;
    char *data = (char *)calloc(1, big);
    ps_socket *c, *s;
    ps_file *w;
    ptrdiff_t n;
    ASSERT_NOT_NULL(data);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_setopt(c, PS_OPT_SNDBUF, 8192));
    ASSERT_OK(ps_setblocking(c, 0));
    w = open_stream(c, "w", 4096);
    /* More than the kernel can hold while the peer reads nothing: the write
     * takes part and stops at PS_EAGAIN. */
    n = ps_file_write(w, data, big);
    ASSERT_GT(n, 0);
    ASSERT_LT(n, (ptrdiff_t)big);
    /* The error that cut it short comes next, once, and takes nothing. */
    ASSERT_ERR(ps_file_write(w, data, 16), PS_EAGAIN);
    /* Then calls try again: still full, so the fresh attempt fails too
     * (16 bytes go into the buffer; the flush that follows cannot send). */
    ASSERT_EQ(ps_file_write(w, data, 16), 16);
    ASSERT_ERR(ps_file_flush(w), PS_EAGAIN);
    ASSERT_ERR(ps_file_close(w), PS_EAGAIN);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    free(data);
}

/* ---- bad modes and arguments ---- */

TEST(unknown_modes_are_einval_and_known_ones_work)
{
    const char *bad[] = {"", "x", "rr", "rwx", "ww", "bb", "b", "r+", "rt", "wbw", "R"};
    const char *good[] = {"r", "w", "rw", "wr", "rb", "wb", "rwb", "br", "bwr"};
    ps_socket *s;
    ps_file *f;
    size_t i;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = (ps_file *)s; /* must come back NULL */
        if (ps_makefile(s, bad[i], 0, &f) != PS_EINVAL)
            FAILF("mode \"%s\" was accepted", bad[i]);
        ASSERT_NULL(f);
    }
    f = (ps_file *)s;
    ASSERT_ERR(ps_makefile(s, NULL, 0, &f), PS_EINVAL);
    ASSERT_NULL(f);
    ASSERT_ERR(ps_makefile(NULL, "r", 0, &f), PS_EINVAL);
    ASSERT_ERR(ps_makefile(s, "r", 0, NULL), PS_EINVAL);
#if SIZE_MAX > INT_MAX
    ASSERT_ERR(ps_makefile(s, "r", (size_t)INT_MAX + 1, &f), PS_EINVAL);
#endif
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        ASSERT_OK(ps_makefile(s, good[i], 0, &f));
        ASSERT_OK(ps_file_close(f));
    }
    ASSERT_OK(ps_close(s));
}

TEST(writing_a_read_stream_or_reading_a_write_stream_is_ebadf)
{
    ps_socket *c, *s;
    ps_file *r, *w;
    char buf[8];
    test_tcp_pair(PS_AF_INET, &c, &s);
    r = open_stream(s, "r", 0);
    w = open_stream(s, "wb", 0);
    ASSERT_ERR(ps_file_write(r, "x", 1), PS_EBADF);
    ASSERT_ERR(ps_file_printf(r, "%d", 1), PS_EBADF);
    ASSERT_ERR(ps_file_read(w, buf, sizeof buf), PS_EBADF);
    ASSERT_ERR(ps_file_readline(w, buf, sizeof buf), PS_EBADF);
    ASSERT_OK(ps_file_flush(r)); /* nothing to flush */
    ASSERT_OK(ps_file_close(r));
    ASSERT_OK(ps_file_close(w));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(stream_calls_reject_null_and_readline_sizes_below_two)
{
    ps_socket *c, *s;
    ps_file *f;
    char buf[8];
    const char *nofmt = NULL;
    test_tcp_pair(PS_AF_INET, &c, &s);
    f = open_stream(s, "rw", 0);
    ASSERT_ERR(ps_file_readline(f, buf, 0), PS_EINVAL);
    ASSERT_ERR(ps_file_readline(f, buf, 1), PS_EINVAL);
    ASSERT_ERR(ps_file_readline(f, NULL, 8), PS_EINVAL);
    ASSERT_ERR(ps_file_read(f, NULL, 8), PS_EINVAL);
    ASSERT_EQ(ps_file_read(f, buf, 0), 0);
    ASSERT_ERR(ps_file_write(f, NULL, 8), PS_EINVAL);
    ASSERT_EQ(ps_file_write(f, buf, 0), 0);
    ASSERT_ERR(ps_file_printf(f, nofmt, 1), PS_EINVAL);
    ASSERT_ERR(ps_file_readline(NULL, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_file_read(NULL, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_file_write(NULL, buf, 1), PS_EINVAL);
    ASSERT_ERR(ps_file_printf(NULL, "%d", 1), PS_EINVAL);
    ASSERT_ERR(ps_file_flush(NULL), PS_EINVAL);
    ASSERT_ERR(ps_file_close(NULL), PS_EINVAL);
    ASSERT_ERR(ps_file_fd(NULL), PS_EINVAL);
    ASSERT_ERR(ps_fdopen(NULL, "r", NULL), PS_EINVAL);
    /* the stream still works after all that */
    send_text(c, "ok\n");
    ASSERT_EQ(ps_file_readline(f, buf, sizeof buf), 3);
    ASSERT_STREQ(buf, "ok\n");
    ASSERT_OK(ps_file_close(f));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST_LIST = {
    TEST_ENTRY(ten_thousand_lines_of_varied_length_round_trip_byte_for_byte),
    TEST_ENTRY(mixed_read_readline_and_write_on_one_rw_stream_at_both_ends),
    TEST_ENTRY(printf_formats_takes_the_text_whole_and_returns_its_length),
    TEST_ENTRY(nothing_is_sent_before_flush_with_a_large_buffer),
    TEST_ENTRY(a_full_write_buffer_is_sent_without_flush),
    TEST_ENTRY(line_buffered_stream_with_bufsize_1_sends_at_each_newline),
    TEST_ENTRY(eof_in_the_middle_of_a_line_gives_the_last_piece_then_zero),
    TEST_ENTRY(readline_into_a_small_buffer_gives_the_line_in_pieces),
    TEST_ENTRY(read_returns_exactly_n_bytes_that_arrive_in_pieces_and_the_rest_at_eof),
    TEST_ENTRY(a_read_larger_than_the_buffer_keeps_the_order_with_buffered_bytes),
    TEST_ENTRY(closing_a_stream_leaves_the_socket_open),
    TEST_ENTRY(the_peer_sees_eof_only_when_the_socket_and_both_streams_are_closed_in_any_order),
    TEST_ENTRY(detach_with_a_stream_open_leaves_the_handle_to_the_caller),
    TEST_ENTRY(readline_that_times_out_keeps_the_partial_line_and_returns_it_whole_later),
    TEST_ENTRY(readline_on_a_nonblocking_socket_is_eagain_and_loses_nothing),
    TEST_ENTRY(read_n_that_times_out_returns_all_n_bytes_once_when_the_rest_comes),
    TEST_ENTRY(writes_that_time_out_then_complete_send_every_byte_once_in_order),
    TEST_ENTRY(writes_on_a_nonblocking_socket_are_eagain_and_send_every_byte_once_in_order),
    TEST_ENTRY(pending_counts_buffered_lines_that_readiness_no_longer_shows),
    TEST_ENTRY(a_short_write_reports_its_error_with_the_next_call),
    TEST_ENTRY(unknown_modes_are_einval_and_known_ones_work),
    TEST_ENTRY(writing_a_read_stream_or_reading_a_write_stream_is_ebadf),
    TEST_ENTRY(stream_calls_reject_null_and_readline_sizes_below_two),
};
TEST_MAIN()
