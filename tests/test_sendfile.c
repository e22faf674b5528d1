/* ps_sendfile / ps_sendfile_ex: a 64 MiB file with a checksum on the default
 * path and with the copy path forced, offsets and counts, empty files and
 * offsets past the end, a peer that stops reading (PS_ETIMEDOUT with the
 * bytes sent reported and the file position right for a retry), and the
 * sockets it refuses. */
#include "ps_test.h"

#ifndef _WIN32
#include <sys/types.h>
#include <unistd.h>
#endif

#define BIG (64u * 1024u * 1024u)
#define RECV_TIMEOUT 30.0

/* ---- the file: its bytes are a function of the position ---- */

/* The 8 bytes at positions 8k .. 8k+7 are test_pattern_word(k), as one
 * word in memory order. */
/* Writes the file's bytes [from, from + n) to out. */
static void pattern_fill(unsigned char *out, uint64_t from, size_t n)
{
    size_t done = 0;
    while (done < n) {
        uint64_t pos = from + done, w = test_pattern_word(pos >> 3);
        size_t skip = (size_t)(pos & 7), take = 8 - skip;
        unsigned char b[8];
        if (take > n - done)
            take = n - done;
        memcpy(b, &w, 8);
        memcpy(out + done, b + skip, take);
        done += take;
    }
}

/* The checksum of the file's bytes [from, from + n). */
static uint64_t slice_sum(uint64_t from, uint64_t n)
{
    static unsigned char buf[1 << 20];
    uint64_t done = 0;
    test_sum w;
    test_sum_init(&w);
    while (done < n) {
        size_t len = n - done < sizeof buf ? (size_t)(n - done) : sizeof buf;
        pattern_fill(buf, from + done, len);
        test_sum_add(&w, buf, len);
        done += len;
    }
    return test_sum_end(&w);
}

static uint64_t file_pos(FILE *f)
{
#ifdef _WIN32
    __int64 p = _ftelli64(f);
#else
    off_t p = ftello(f);
#endif
    ASSERT_GE(p, 0);
    return (uint64_t)p;
}

/* A temporary file of `size` pattern bytes, opened for update, deleted
 * when closed (POSIX: unlinked at once; Windows: 'D', delete on close).
 * With keep_path, the file keeps its name (written there) until
 * remove_temp(). */
static FILE *temp_file_named(uint64_t size, char *keep_path, size_t keep_size);

static FILE *temp_file(uint64_t size)
{
    return temp_file_named(size, NULL, 0);
}

static FILE *temp_file_named(uint64_t size, char *keep_path, size_t keep_size)
{
    static unsigned char buf[1 << 20];
    uint64_t done = 0;
    FILE *f;
#ifdef _WIN32
    char dir[MAX_PATH + 1], path[MAX_PATH + 64];
    static int serial;
    DWORD n = GetTempPathA(MAX_PATH, dir);
    ASSERT_TRUE(n > 0 && n < MAX_PATH);
    snprintf(path, sizeof path, "%sps-sendfile-%lu-%d.bin", dir,
             (unsigned long)GetCurrentProcessId(), serial++);
    f = fopen(path, keep_path ? "w+b" : "w+bD");
    if (f == NULL)
        FAILF("cannot create %s", path);
#else
    char path[] = "/tmp/ps-sendfile-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    if (!keep_path)
        unlink(path);
    f = fdopen(fd, "w+b");
    ASSERT_NOT_NULL(f);
#endif
    if (keep_path)
        snprintf(keep_path, keep_size, "%s", path);
    while (done < size) {
        size_t len = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
        pattern_fill(buf, done, len);
        ASSERT_EQ(fwrite(buf, 1, len, f), len);
        done += len;
    }
    ASSERT_EQ(fflush(f), 0);
    rewind(f);
    return f;
}

/* ---- the receiving side: a thread counting and summing to EOF ---- */

typedef struct sink {
    ps_socket *s;
    uint64_t count, sum;
    int result;
    test_thread t;
} sink;

static void sink_thread(void *arg)
{
    sink *k = (sink *)arg;
    static unsigned char buf[256 * 1024];
    test_sum w;
    test_sum_init(&w);
    k->count = 0;
    k->result = 0;
    for (;;) {
        ptrdiff_t n = ps_recv(k->s, buf, sizeof buf, 0);
        if (n < 0) {
            k->result = (int)n;
            break;
        }
        if (n == 0)
            break;
        test_sum_add(&w, buf, (size_t)n);
        k->count += (uint64_t)n;
    }
    k->sum = test_sum_end(&w);
}

static void sink_start(sink *k, ps_socket *s)
{
    k->s = s;
    ASSERT_OK(ps_settimeout(s, RECV_TIMEOUT));
    test_thread_spawn(&k->t, sink_thread, k);
}

static void sink_join(sink *k)
{
    test_thread_join(&k->t);
    ASSERT_OK(k->result);
}

static const char *path_name(int path)
{
    switch (path) {
    case PS_SENDFILE_PATH_NONE: return "none";
    case PS_SENDFILE_PATH_KERNEL: return "kernel";
    case PS_SENDFILE_PATH_COPY: return "copy";
    default: return "?";
    }
}

/* The path ps_sendfile takes by itself on a stream socket in this mode.
 * Linux: sendfile(2) always. Windows: TransmitFile for blocking sockets
 * only; with a timeout the read + send loop keeps the deadline (an
 * overlapped TransmitFile cannot be stopped with a known count). */
static int default_path(double timeout)
{
#if defined(_WIN32)
    return timeout == PS_TIMEOUT_NONE ? PS_SENDFILE_PATH_KERNEL : PS_SENDFILE_PATH_COPY;
#elif defined(__linux__)
    (void)timeout;
    return PS_SENDFILE_PATH_KERNEL;
#else
    (void)timeout;
    return -1; /* other systems: printed, not asserted */
#endif
}

/* Sends [offset, offset + count) of a size-byte file over a fresh TCP
 * pair, checks what arrived and where the file position ends; returns the
 * path taken. */
static int send_slice(uint64_t size, uint64_t offset, uint64_t count, int flags, double timeout,
                      const char *what)
{
    ps_socket *c, *s;
    FILE *f = temp_file(size);
    uint64_t end =
        offset >= size ? offset : (count == 0 || offset + count > size ? size : offset + count);
    uint64_t want = end > offset ? end - offset : 0, sent = 12345;
    int path = -1;
    int64_t r;
    double t0, dt;
    sink k;

    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, timeout));
    sink_start(&k, s);
    t0 = test_now();
    r = ps_sendfile_ex(c, f, offset, count, flags, &path, &sent);
    dt = test_now() - t0;
    ASSERT_OK(r);
    ASSERT_EQ(r, want);
    ASSERT_EQ(sent, want);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    sink_join(&k);
    ASSERT_EQ(k.count, want);
    ASSERT_EQ(k.sum, slice_sum(offset, want));
    ASSERT_EQ(file_pos(f), offset + want);
    if (want >= 1024 * 1024)
        NOTE("%s: %llu bytes on the %s path in %.3f s, %.0f MB/s", what, (unsigned long long)want,
             path_name(path), dt, (double)want / 1e6 / (dt > 0 ? dt : 1e-9));
    fclose(f);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    return path;
}

TEST(sendfile_of_a_64mib_file_arrives_intact_on_the_default_path)
{
    int path = send_slice(BIG, 0, 0, 0, PS_TIMEOUT_NONE, "default path, blocking socket");
    if (default_path(PS_TIMEOUT_NONE) >= 0)
        ASSERT_EQ(path, default_path(PS_TIMEOUT_NONE));
}

TEST(sendfile_of_a_64mib_file_on_a_timeout_socket_arrives_intact)
{
    int path = send_slice(BIG, 0, 0, 0, 30.0, "default path, 30 s timeout");
    if (default_path(30.0) >= 0)
        ASSERT_EQ(path, default_path(30.0));
}

TEST(sendfile_of_a_64mib_file_arrives_intact_with_the_copy_path_forced)
{
    ASSERT_EQ(send_slice(BIG, 0, 0, PS_SENDFILE_COPY_ONLY, PS_TIMEOUT_NONE,
                         "copy path forced (read + send)"),
              PS_SENDFILE_PATH_COPY);
}

TEST(sendfile_with_offset_and_count_sends_exactly_that_slice)
{
    const uint64_t size = 8u * 1024u * 1024u + 333u;
    int p1 = send_slice(size, 1000003u, 5u * 1024u * 1024u + 7u, 0, PS_TIMEOUT_NONE, "slice");
    int p2 = send_slice(size, 1000003u, 5u * 1024u * 1024u + 7u, 0, 10.0, "slice, timeout");
    ASSERT_EQ(send_slice(size, 1000003u, 5u * 1024u * 1024u + 7u, PS_SENDFILE_COPY_ONLY,
                         PS_TIMEOUT_NONE, "slice, copy"),
              PS_SENDFILE_PATH_COPY);
    if (default_path(PS_TIMEOUT_NONE) >= 0) {
        ASSERT_EQ(p1, default_path(PS_TIMEOUT_NONE));
        ASSERT_EQ(p2, default_path(10.0));
    }
    /* small odd slices, both paths */
    send_slice(size, 1, 1, 0, PS_TIMEOUT_NONE, "one byte");
    send_slice(size, size - 1, 1, PS_SENDFILE_COPY_ONLY, PS_TIMEOUT_NONE, "last byte");
    send_slice(size, 65535, 65537, 0, 10.0, "around a chunk");
}

TEST(sendfile_with_an_offset_and_count_zero_sends_to_the_end)
{
    const uint64_t size = 3u * 1024u * 1024u + 5u;
    send_slice(size, 777777u, 0, 0, PS_TIMEOUT_NONE, "to EOF");
    send_slice(size, 777777u, 0, PS_SENDFILE_COPY_ONLY, 10.0, "to EOF, copy");
}

TEST(sendfile_with_a_count_beyond_the_end_sends_to_the_end)
{
    const uint64_t size = 2u * 1024u * 1024u + 9u;
    send_slice(size, 100u, size * 4u, 0, PS_TIMEOUT_NONE, "count beyond EOF");
    send_slice(size, 100u, size * 4u, PS_SENDFILE_COPY_ONLY, 10.0, "count beyond EOF, copy");
}

/* Sends the whole of f over a fresh pair; returns the seconds it took
 * (sendfile through the receiver's last byte). */
static double timed_send(FILE *f, uint64_t size, int flags, int want_path)
{
    ps_socket *c, *s;
    uint64_t sent = 0;
    int path = -1;
    double t0, dt;
    sink k;
    test_tcp_pair(PS_AF_INET, &c, &s);
    sink_start(&k, s);
    t0 = test_now();
    ASSERT_EQ(ps_sendfile_ex(c, f, 0, 0, flags, &path, &sent), size);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    sink_join(&k);
    dt = test_now() - t0;
    ASSERT_EQ(k.count, size);
    ASSERT_EQ(k.sum, slice_sum(0, size));
    if (want_path >= 0)
        ASSERT_EQ(path, want_path);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    return dt;
}

TEST(sendfile_kernel_and_copy_paths_both_deliver_and_report_their_throughput)
{
    /* The figure for the note: the best of three rounds of each
     * path on one 64 MiB file (blocking socket, page cache warm). */
    FILE *f = temp_file(BIG);
    double best_k = 1e9, best_c = 1e9;
    int round;
    for (round = 0; round < 3; round++) {
        double k = timed_send(f, BIG, 0, default_path(PS_TIMEOUT_NONE));
        double c = timed_send(f, BIG, PS_SENDFILE_COPY_ONLY, PS_SENDFILE_PATH_COPY);
        best_k = k < best_k ? k : best_k;
        best_c = c < best_c ? c : best_c;
    }
    NOTE("64 MiB, best of 3: default (%s) path %.0f MB/s, read + send path %.0f MB/s, ratio %.2f",
         path_name(default_path(PS_TIMEOUT_NONE)), BIG / 1e6 / best_k, BIG / 1e6 / best_c,
         best_c / best_k);
    fclose(f);
}

static void sends_nothing(uint64_t size, uint64_t offset, int flags, double timeout)
{
    ps_socket *c, *s;
    FILE *f = temp_file(size);
    uint64_t sent = 999;
    int path = -1;
    char b;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, timeout));
    ASSERT_EQ(ps_sendfile_ex(c, f, offset, 0, flags, &path, &sent), 0);
    ASSERT_EQ(sent, 0);
    /* "PS_SENDFILE_PATH_NONE: nothing needed sending", whichever path
     * looked at the file */
    ASSERT_EQ(path, PS_SENDFILE_PATH_NONE);
    ASSERT_EQ(file_pos(f), offset);
    ASSERT_EQ(ps_sendfile(c, f, offset, 10), 0);
    ASSERT_EQ(file_pos(f), offset);
    /* nothing arrived */
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    ASSERT_OK(ps_settimeout(s, RECV_TIMEOUT));
    ASSERT_EQ(ps_recv(s, &b, 1, 0), 0);
    fclose(f);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(sendfile_of_an_empty_file_returns_zero)
{
    sends_nothing(0, 0, 0, PS_TIMEOUT_NONE);
    sends_nothing(0, 0, 0, 5.0);
    sends_nothing(0, 0, PS_SENDFILE_COPY_ONLY, PS_TIMEOUT_NONE);
}

TEST(sendfile_with_an_offset_past_the_end_returns_zero)
{
    sends_nothing(1000, 1000, 0, PS_TIMEOUT_NONE);
    sends_nothing(1000, 5000, 0, PS_TIMEOUT_NONE);
    sends_nothing(1000, 5000, 0, 5.0);
    sends_nothing(1000, 5000, PS_SENDFILE_COPY_ONLY, PS_TIMEOUT_NONE);
}

TEST(sendfile_sends_bytes_still_in_the_files_buffer)
{
    ps_socket *c, *s;
    FILE *f = temp_file(0);
    char buf[32];
    test_tcp_pair(PS_AF_INET, &c, &s);
    /* written through stdio, not flushed */
    ASSERT_EQ(fwrite("buffered bytes", 1, 14, f), 14);
    ASSERT_EQ(ps_sendfile(c, f, 0, 0), 14);
    ASSERT_OK(ps_settimeout(s, RECV_TIMEOUT));
    test_recv_exact(s, buf, 14);
    ASSERT_MEMEQ(buf, "buffered bytes", 14);
    ASSERT_EQ(file_pos(f), 14);
    fclose(f);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(sendfile_of_a_file_opened_read_only_and_partly_read_sends_from_the_offset)
{
    /* The usual case: fopen(path, "rb"), maybe some fread first (the
     * FILE's buffer then runs ahead of its position); the offset given
     * says where to start, whatever stdio has buffered. */
    const uint64_t size = 3u * 1024u * 1024u + 17u;
    char path[600];
    FILE *w = temp_file_named(size, path, sizeof path), *f;
    unsigned char head[10];
    ps_socket *c, *s;
    int path_taken = -1;
    sink k;
    fclose(w);
    f = fopen(path, "rb");
    ASSERT_NOT_NULL(f);
    ASSERT_EQ(fread(head, 1, sizeof head, f), sizeof head);
    test_tcp_pair(PS_AF_INET, &c, &s);
    sink_start(&k, s);
    ASSERT_EQ(ps_sendfile_ex(c, f, 0, 0, 0, &path_taken, NULL), size);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    sink_join(&k);
    ASSERT_EQ(k.count, size);
    ASSERT_EQ(k.sum, slice_sum(0, size));
    ASSERT_EQ(file_pos(f), size);
    NOTE("read-only FILE: %s path", path_name(path_taken));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
    /* the copy path reads through the same FILE */
    test_tcp_pair(PS_AF_INET, &c, &s);
    sink_start(&k, s);
    ASSERT_EQ(ps_sendfile_ex(c, f, 5, 0, PS_SENDFILE_COPY_ONLY, NULL, NULL), size - 5);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    sink_join(&k);
    ASSERT_EQ(k.count, size - 5);
    ASSERT_EQ(k.sum, slice_sum(5, size - 5));
    fclose(f);
    remove(path);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

/* ---- a peer that stops reading ---- */

static void times_out_then_resumes(int flags)
{
    const uint64_t offset = 12345u, want = BIG - offset;
    ps_socket *c, *s;
    FILE *f = temp_file(BIG);
    uint64_t sent = 0, pos;
    int path = -1;
    int64_t r;
    double t0, dt;
    sink k;

    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.5));
    t0 = test_now();
    r = ps_sendfile_ex(c, f, offset, 0, flags, &path, &sent);
    dt = test_now() - t0;
    NOTE("peer not reading: %s after %.3f s with %llu bytes sent on the %s path",
         ps_errname((int)r), dt, (unsigned long long)sent, path_name(path));
    ASSERT_ERR(r, PS_ETIMEDOUT);
    ASSERT_GT(sent, 0);
    ASSERT_LT(sent, want);
    /* the timeout bounds the whole call */
    ASSERT_DBL_GE(dt, 0.5 - 0.002);
    ASSERT_DBL_LT(dt, 5.0);
    pos = file_pos(f);
    ASSERT_EQ(pos, offset + sent);

    /* The reader comes back; a retry from the file position sends the
     * rest: nothing lost, nothing twice. */
    sink_start(&k, s);
    ASSERT_OK(ps_settimeout(c, RECV_TIMEOUT));
    r = ps_sendfile_ex(c, f, pos, 0, flags, &path, NULL);
    ASSERT_EQ(r, want - sent);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    sink_join(&k);
    ASSERT_EQ(k.count, want);
    ASSERT_EQ(k.sum, slice_sum(offset, want));
    ASSERT_EQ(file_pos(f), BIG);
    fclose(f);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(sendfile_to_a_peer_that_stops_reading_times_out_reporting_the_bytes_sent)
{
    times_out_then_resumes(0);
}

TEST(sendfile_copy_path_to_a_peer_that_stops_reading_times_out_reporting_the_bytes_sent)
{
    times_out_then_resumes(PS_SENDFILE_COPY_ONLY);
}

static void to_a_closed_peer(int flags)
{
    ps_socket *c, *s;
    FILE *f = temp_file(BIG);
    uint64_t sent = 0;
    int path = -1;
    int64_t r;
#ifndef _WIN32
    signal(SIGPIPE, SIG_DFL); /* deadly if raised: portsock must never raise it */
#endif
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 20.0));
    ASSERT_OK(ps_close(s));
    test_wait_readable(c); /* the peer's FIN has arrived */
    r = ps_sendfile_ex(c, f, 0, 0, flags, &path, &sent);
    NOTE("sendfile to a closed peer: %s after %llu bytes on the %s path", ps_errname((int)r),
         (unsigned long long)sent, path_name(path));
    ASSERT_ERR2(r, PS_EPIPE, PS_ECONNRESET);
    ASSERT_LT(sent, BIG);
    ASSERT_EQ(file_pos(f), sent);
    fclose(f);
    ASSERT_OK(ps_close(c));
}

TEST(sendfile_to_a_closed_peer_fails_without_sigpipe_leaving_the_position_after_the_bytes_sent)
{
    to_a_closed_peer(0);
}

TEST(sendfile_copy_path_to_a_closed_peer_fails_leaving_the_position_after_the_bytes_sent)
{
    to_a_closed_peer(PS_SENDFILE_COPY_ONLY);
}

/* ---- refused sockets and arguments ---- */

TEST(sendfile_on_a_datagram_socket_is_einval)
{
    ps_addr ra;
    ps_socket *rx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &ra);
    ps_socket *tx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL);
    FILE *f = temp_file(100);
    uint64_t sent = 7;
    int path = 7;
    ASSERT_OK(ps_connect(tx, &ra));
    ASSERT_ERR(ps_sendfile(tx, f, 0, 0), PS_EINVAL);
    ASSERT_ERR(ps_sendfile_ex(tx, f, 0, 0, 0, &path, &sent), PS_EINVAL);
    ASSERT_EQ(sent, 0);
    ASSERT_EQ(path, PS_SENDFILE_PATH_NONE);
    ASSERT_EQ(file_pos(f), 0);
    fclose(f);
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(tx));
}

TEST(sendfile_on_a_non_blocking_socket_is_einval)
{
    ps_socket *c, *s;
    FILE *f = temp_file(100);
    char b;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, 0.0));
    ASSERT_ERR(ps_sendfile(c, f, 0, 0), PS_EINVAL);
    ASSERT_ERR(ps_sendfile_ex(c, f, 0, 0, PS_SENDFILE_COPY_ONLY, NULL, NULL), PS_EINVAL);
    ASSERT_EQ(file_pos(f), 0);
    /* nothing went out */
    ASSERT_OK(ps_settimeout(s, 0.0));
    ASSERT_ERR(ps_recv(s, &b, 1, 0), PS_EAGAIN);
    fclose(f);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(sendfile_with_bad_arguments_is_einval)
{
    ps_socket *c, *s;
    FILE *f = temp_file(100);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_ERR(ps_sendfile(NULL, f, 0, 0), PS_EINVAL);
    ASSERT_ERR(ps_sendfile(c, NULL, 0, 0), PS_EINVAL);
    ASSERT_ERR(ps_sendfile_ex(c, f, 0, 0, 0x100, NULL, NULL), PS_EINVAL);
    ASSERT_ERR(ps_sendfile(c, f, (uint64_t)INT64_MAX + 1u, 0), PS_EINVAL);
    fclose(f);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST_LIST = {
    TEST_ENTRY(sendfile_of_a_64mib_file_arrives_intact_on_the_default_path),
    TEST_ENTRY(sendfile_of_a_64mib_file_on_a_timeout_socket_arrives_intact),
    TEST_ENTRY(sendfile_of_a_64mib_file_arrives_intact_with_the_copy_path_forced),
    TEST_ENTRY(sendfile_kernel_and_copy_paths_both_deliver_and_report_their_throughput),
    TEST_ENTRY(sendfile_with_offset_and_count_sends_exactly_that_slice),
    TEST_ENTRY(sendfile_with_an_offset_and_count_zero_sends_to_the_end),
    TEST_ENTRY(sendfile_with_a_count_beyond_the_end_sends_to_the_end),
    TEST_ENTRY(sendfile_of_an_empty_file_returns_zero),
    TEST_ENTRY(sendfile_with_an_offset_past_the_end_returns_zero),
    TEST_ENTRY(sendfile_sends_bytes_still_in_the_files_buffer),
    TEST_ENTRY(sendfile_of_a_file_opened_read_only_and_partly_read_sends_from_the_offset),
    TEST_ENTRY(sendfile_to_a_peer_that_stops_reading_times_out_reporting_the_bytes_sent),
    TEST_ENTRY(sendfile_copy_path_to_a_peer_that_stops_reading_times_out_reporting_the_bytes_sent),
    TEST_ENTRY(
        sendfile_to_a_closed_peer_fails_without_sigpipe_leaving_the_position_after_the_bytes_sent),
    TEST_ENTRY(sendfile_copy_path_to_a_closed_peer_fails_leaving_the_position_after_the_bytes_sent),
    TEST_ENTRY(sendfile_on_a_datagram_socket_is_einval),
    TEST_ENTRY(sendfile_on_a_non_blocking_socket_is_einval),
    TEST_ENTRY(sendfile_with_bad_arguments_is_einval),
};
TEST_MAIN()
