/* Big I/O (label `slow`): lengths beyond INT_MAX, which Winsock's int
 * lengths cannot take in one call and portsock chunks. One ps_sendall of
 * 2.5 GiB through a socket pair with a checksum; ps_send and ps_sendmsg
 * taking lengths above INT_MAX and counting what they took; ps_recv /
 * ps_recvfrom / ps_recvmsg accepting a length above INT_MAX and returning
 * what is there. Skips (77) with a reason when
 * the 2.5 GiB cannot be allocated. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#endif
#include "ps_test.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

#define BIG ((size_t)5 << 29)                       /* 2.5 GiB */
#define BEYOND ((size_t)INT_MAX + (64u << 20) + 5u) /* 2 GiB + 64 MiB + 4: odd */
#define OVER_INT_MAX ((size_t)INT_MAX + (1u << 20)) /* INT_MAX + 1 MiB */
#define RECV_TIMEOUT 40.0

/* ---- memory ---- */

/* len bytes (zeroed: calloc), or NULL. A 32-bit target cannot hold an
 * object longer than PTRDIFF_MAX (2 GiB): NULL at once, and the test skips
 * saying why (BIG_SKIP). Through a function, so that gcc does not reject
 * the constant lengths above 2 GiB at compile time on such a target. */
static void *big_alloc(size_t len, int zeroed)
{
    if (len > (size_t)PTRDIFF_MAX)
        return NULL;
    return zeroed ? calloc(1, len) : malloc(len);
}

#define BIG_SKIP(what)                                                                     \
    SKIP(sizeof(void *) < 8 ? "a 32-bit target cannot hold a buffer over 2 GiB (" what ")" \
                            : "cannot allocate " what " for the big I/O test")

/* ---- data and checksum ---- */

/* len bytes of pattern, and their checksum; a skip if they do not fit.
 * Touching fresh memory is most of this test's time in a virtual machine:
 * on Linux the buffer asks for huge pages (fewer faults). */
static unsigned char *big_buffer(size_t len, uint64_t *sum)
{
    unsigned char *p = (unsigned char *)big_alloc(len, 0);
    size_t i, words = len / 8;
    test_sum w;
    if (p == NULL)
        BIG_SKIP("2.5 GiB");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    {
        uintptr_t a = ((uintptr_t)p + 4095u) & ~(uintptr_t)4095u;
        (void)madvise((void *)a, (len - (a - (uintptr_t)p)) & ~(size_t)4095u, MADV_HUGEPAGE);
    }
#endif
    test_sum_init(&w);
    for (i = 0; i < words; i++) {
        uint64_t x = test_pattern_word(i);
        memcpy(p + 8 * i, &x, 8);
        test_sum_fold(&w, x);
    }
    w.n = words * 8;
    for (i = words * 8; i < len; i++)
        p[i] = (unsigned char)i;
    test_sum_add(&w, p + words * 8, len - words * 8);
    *sum = test_sum_end(&w);
    return p;
}

/* ---- the receiving side ---- */

typedef struct sink {
    ps_socket *s;
    uint64_t count, sum;
    int result;
    test_thread t;
} sink;

static void sink_thread(void *arg)
{
    sink *k = (sink *)arg;
    size_t cap = 4u << 20;
    unsigned char *buf = (unsigned char *)malloc(cap);
    test_sum w;
    test_sum_init(&w);
    k->count = 0;
    k->result = buf ? 0 : PS_ENOMEM;
    while (buf) {
        ptrdiff_t n = ps_recv(k->s, buf, cap, 0);
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
    free(buf);
}

static void pair(ps_socket **c, ps_socket **s)
{
    ps_socket *p[2];
    /* TCP over loopback on every platform (AF_UNIX would be Linux only) */
    ASSERT_OK(ps_socketpair(p, PS_AF_INET, PS_SOCK_STREAM));
    *c = p[0];
    *s = p[1];
    ASSERT_OK(ps_settimeout(*s, RECV_TIMEOUT));
}

static void report(const char *what, size_t len, double secs)
{
    printf("# %s: %.2f GiB in %.2f s, %.0f MB/s\n", what, (double)len / (1u << 30), secs,
           (double)len / 1e6 / (secs > 0 ? secs : 1e-9));
}

/* ---- the tests ---- */

TEST(sendall_of_2_5_gib_in_one_call_arrives_with_its_checksum)
{
    uint64_t want;
    unsigned char *data = big_buffer(BIG, &want);
    ps_socket *c, *s;
    size_t sent = 0;
    double t0, secs;
    sink k;
    pair(&c, &s);
    k.s = s;
    test_thread_spawn(&k.t, sink_thread, &k);
    t0 = test_now();
    ASSERT_OK(ps_sendall(c, data, BIG, 0, &sent));
    ASSERT_EQ(sent, BIG);
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    test_thread_join(&k.t);
    secs = test_now() - t0;
    ASSERT_OK(k.result);
    ASSERT_EQ(k.count, BIG);
    ASSERT_EQ(k.sum, want);
    report("one ps_sendall", BIG, secs);
    free(data);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(send_and_sendmsg_accept_lengths_above_int_max_and_count_what_they_took)
{
    /* Non-blocking and with nobody reading during the call, each call can
     * take at most what the socket buffers hold: the buffer is over INT_MAX
     * long, but only its front is ever read, and only that part is filled
     * (touching 2 GiB of fresh memory would cost more than this needs).
     * Each call must accept the length, take a part, count it exactly, and
     * the parts must arrive in order. */
    const size_t front = 64u << 20;
    /* calloc: zero pages cost nothing until touched, and every byte a
     * send is given is defined (valgrind checks the whole length). */
    unsigned char *data = (unsigned char *)big_alloc(BEYOND, 1);
    unsigned char *got = (unsigned char *)malloc(front);
    ps_socket *c, *s;
    size_t done = 0, i;
    int round;
    if (data == NULL || got == NULL)
        BIG_SKIP("INT_MAX + 64 MiB");
    for (i = 0; i < front / 8; i++) {
        uint64_t x = test_pattern_word(i);
        memcpy(data + 8 * i, &x, 8);
    }
    pair(&c, &s);
    ASSERT_OK(ps_setblocking(c, 0));
    for (round = 0; round < 8; round++) {
        ptrdiff_t r;
        if (round % 2 == 0) {
            r = ps_send(c, data + done, BEYOND - done, 0);
        } else {
            /* a small buffer, then one beyond INT_MAX */
            ps_iovec iov[2];
            ps_msg m;
            iov[0].base = data + done;
            iov[0].len = 3;
            iov[1].base = data + done + 3;
            iov[1].len = BEYOND - done - 3;
            memset(&m, 0, sizeof m);
            m.iov = iov;
            m.iovlen = 2;
            r = ps_sendmsg(c, &m, 0);
        }
        NOTE("%s of %zu bytes took %td", round % 2 ? "ps_sendmsg" : "ps_send", BEYOND - done, r);
        ASSERT_OK(r);
        ASSERT_GT(r, 0);
        ASSERT_LE((size_t)r, front - done); /* no more than the socket could hold */
        /* exactly those bytes arrive, and nothing else */
        test_recv_exact(s, got + done, (size_t)r);
        ASSERT_MEMEQ(got + done, data + done, (size_t)r);
        done += (size_t)r;
        if (done > front - (16u << 20))
            break;
    }
    ASSERT_GE(round, 2); /* both calls ran */
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    ASSERT_EQ(ps_recv(s, got, 1, 0), 0);
    free(data);
    free(got);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(receives_accept_a_length_above_int_max_and_return_what_is_there)
{
    /* The buffer is big, but only what arrives is ever written. */
    unsigned char *buf = (unsigned char *)big_alloc(OVER_INT_MAX, 0);
    unsigned char out[100000];
    ps_socket *c, *s, *rx, *tx;
    ps_addr ra, from;
    ps_iovec iov[1];
    ps_msg m;
    size_t got = 0, i;
    ptrdiff_t r;
    if (buf == NULL)
        BIG_SKIP("INT_MAX + 1 MiB");
    for (i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)(i * 7 + 1);

    /* a stream: ps_recv and ps_recvmsg with the big length */
    pair(&c, &s);
    ASSERT_OK(ps_sendall(c, out, sizeof out, 0, NULL));
    ASSERT_OK(ps_shutdown(c, PS_SHUT_WR));
    r = ps_recv(s, buf, OVER_INT_MAX, 0);
    ASSERT_OK(r);
    ASSERT_GT(r, 0);
    ASSERT_LE(r, (ptrdiff_t)sizeof out);
    got = (size_t)r;
    iov[0].base = buf + got;
    iov[0].len = OVER_INT_MAX - got;
    memset(&m, 0, sizeof m);
    m.iov = iov;
    m.iovlen = 1;
    while (got < sizeof out) {
        iov[0].base = buf + got;
        iov[0].len = OVER_INT_MAX - got;
        r = ps_recvmsg(s, &m, 0);
        ASSERT_OK(r);
        ASSERT_GT(r, 0);
        got += (size_t)r;
    }
    ASSERT_EQ(got, sizeof out);
    ASSERT_MEMEQ(buf, out, sizeof out);
    ASSERT_EQ(ps_recv(s, buf, OVER_INT_MAX, 0), 0);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));

    /* datagrams: ps_recvfrom and ps_recvmsg */
    rx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &ra);
    tx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL);
    ASSERT_OK(ps_settimeout(rx, RECV_TIMEOUT));
    ASSERT_EQ(ps_sendto(tx, out, 1000, 0, &ra), 1000);
    ASSERT_EQ(ps_sendto(tx, out + 1000, 1200, 0, &ra), 1200);
    ASSERT_EQ(ps_recvfrom(rx, buf, OVER_INT_MAX, 0, &from), 1000);
    ASSERT_MEMEQ(buf, out, 1000);
    iov[0].base = buf;
    iov[0].len = OVER_INT_MAX;
    memset(&m, 0, sizeof m);
    m.iov = iov;
    m.iovlen = 1;
    ASSERT_EQ(ps_recvmsg(rx, &m, 0), 1200);
    ASSERT_EQ(m.flags, 0);
    ASSERT_MEMEQ(buf, out + 1000, 1200);
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(tx));
    free(buf);
}

TEST_LIST = {
    TEST_ENTRY(sendall_of_2_5_gib_in_one_call_arrives_with_its_checksum),
    TEST_ENTRY(send_and_sendmsg_accept_lengths_above_int_max_and_count_what_they_took),
    TEST_ENTRY(receives_accept_a_length_above_int_max_and_return_what_is_there),
};
TEST_MAIN()
