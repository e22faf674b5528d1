/* Faults (issue 8): running out of descriptors, a duplicate that outlives
 * its original closed in another thread, a peer that goes away in the
 * middle of a sendall. Signals are in test_signals.c, resets in
 * test_options.c, closed peers before a send in test_tcp.c. */
#include "ps_test.h"

#ifndef _WIN32
#include <sys/resource.h>
#endif

/* ---- descriptor exhaustion ---- */

#ifndef _WIN32
#define FAULTS_SPARE 8 /* descriptors left free above what the test holds */

typedef struct exhaustion {
    ps_socket *listener, *client; /* a connection waiting to be accepted */
    ps_socket *filler[64];
    size_t nfiller;
    struct rlimit saved;
} exhaustion;

/* Lowers RLIMIT_NOFILE to what the process holds plus FAULTS_SPARE, with a
 * connection waiting in the listener's queue, then opens sockets until
 * PS_EMFILE: every descriptor is taken. */
static void exhaust(exhaustion *e)
{
    struct rlimit low;
    ps_addr la;
    int r = 0;
    memset(e, 0, sizeof *e);
    if (test_under_valgrind())
        SKIP("under valgrind the descriptor limit is valgrind's emulation (it closes an accepted "
             "descriptor above the limit, losing the connection): the native rows test it");
    e->listener = test_listener(PS_AF_INET, &la);
    ASSERT_OK(ps_socket_open(&e->client, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(e->client, &la));
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &e->saved), 0);
    low = e->saved;
    /* The limit bounds descriptor numbers, not the count: with gaps below
     * the highest one held, more than FAULTS_SPARE may open, which the
     * loop below takes up all the same. */
    low.rlim_cur = (rlim_t)(test_handle_count() + FAULTS_SPARE);
    if (low.rlim_cur > e->saved.rlim_cur)
        SKIP("RLIMIT_NOFILE is already lower than this test needs");
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    while (e->nfiller < sizeof e->filler / sizeof e->filler[0]) {
        r = ps_socket_open(&e->filler[e->nfiller], PS_AF_INET, PS_SOCK_STREAM, 0);
        if (r < 0)
            break;
        e->nfiller++;
    }
    ASSERT_ERR(r, PS_EMFILE);
    ASSERT_GT(e->nfiller, 0);
}

/* Closes the fillers and puts the limit back. */
static void unexhaust(exhaustion *e)
{
    while (e->nfiller > 0)
        ASSERT_OK(ps_close(e->filler[--e->nfiller]));
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &e->saved), 0);
    ASSERT_OK(ps_close(e->client));
    ASSERT_OK(ps_close(e->listener));
}

TEST(every_call_that_makes_a_descriptor_gives_emfile_when_none_is_left)
{
    exhaustion e;
    ps_socket *out = (ps_socket *)&e, *pair[2] = {NULL, NULL};
    ps_addr any;
    exhaust(&e);
    ASSERT_ERR(ps_socket_open(&out, PS_AF_INET6, PS_SOCK_DGRAM, 0), PS_EMFILE);
    ASSERT_NULL(out);
    out = (ps_socket *)&e;
    ASSERT_ERR(ps_accept(e.listener, &out, NULL), PS_EMFILE);
    ASSERT_NULL(out);
    ASSERT_ERR(ps_dup(e.client, &out), PS_EMFILE);
    ASSERT_ERR(ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM), PS_EMFILE);
    ASSERT_ERR(ps_socketpair(pair, PS_AF_INET, PS_SOCK_STREAM), PS_EMFILE);
    ASSERT_NULL(pair[0]);
    ASSERT_NULL(pair[1]);
    ASSERT_OK(ps_addr_set(&any, "127.0.0.1", 0));
    ASSERT_ERR(ps_create_server(&out, &any, PS_BACKLOG_DEFAULT, 0), PS_EMFILE);
    unexhaust(&e);
}

TEST(a_pair_that_finds_one_descriptor_left_gives_emfile_and_leaves_it_free)
{
    exhaustion e;
    ps_socket *pair[2] = {NULL, NULL}, *one;
    size_t before;
    exhaust(&e);
    ASSERT_OK(ps_close(e.filler[--e.nfiller])); /* exactly one free */
    before = test_handle_count();
    ASSERT_ERR(ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM), PS_EMFILE);
    ASSERT_ERR(ps_socketpair(pair, PS_AF_INET, PS_SOCK_STREAM), PS_EMFILE);
    ASSERT_ERR(ps_socketpair(pair, PS_AF_INET6, PS_SOCK_STREAM), PS_EMFILE);
    ASSERT_EQ(test_handle_count(), before);
    /* The free one is still there to be used. */
    ASSERT_OK(ps_socket_open(&one, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_close(one));
    unexhaust(&e);
}

TEST(everything_works_again_once_descriptors_are_closed)
{
    exhaustion e;
    ps_socket *accepted, *twin, *pair[2];
    char c = 0;
    exhaust(&e);
    ASSERT_ERR(ps_accept(e.listener, &accepted, NULL), PS_EMFILE);
    /* Three free: the waiting connection was not lost to the failure. */
    ASSERT_OK(ps_close(e.filler[--e.nfiller]));
    ASSERT_OK(ps_close(e.filler[--e.nfiller]));
    ASSERT_OK(ps_close(e.filler[--e.nfiller]));
    ASSERT_OK(ps_settimeout(e.listener, 10.0));
    ASSERT_OK(ps_accept(e.listener, &accepted, NULL));
    ASSERT_OK(ps_sendall(e.client, "x", 1, 0, NULL));
    ASSERT_EQ(ps_recv(accepted, &c, 1, 0), 1);
    ASSERT_EQ(c, 'x');
    ASSERT_OK(ps_dup(accepted, &twin));
    ASSERT_OK(ps_sendall(twin, "y", 1, 0, NULL));
    ASSERT_EQ(ps_recv(e.client, &c, 1, 0), 1);
    ASSERT_EQ(c, 'y');
    ASSERT_OK(ps_close(twin));
    ASSERT_OK(ps_close(accepted));
    ASSERT_OK(ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM));
    ASSERT_OK(ps_sendall(pair[0], "z", 1, 0, NULL));
    ASSERT_EQ(ps_recv(pair[1], &c, 1, 0), 1);
    ASSERT_EQ(c, 'z');
    ASSERT_OK(ps_close(pair[0]));
    ASSERT_OK(ps_close(pair[1]));
    unexhaust(&e);
}
#else
TEST(descriptor_exhaustion_cannot_be_produced_on_windows)
{
    /* docs/windows-caveats.md: Winsock has no per-process socket limit to
     * lower (no RLIMIT_NOFILE; handles are bounded by memory only). */
    SKIP("Windows has no descriptor limit to lower: PS_EMFILE is tested on POSIX");
}
#endif

/* ---- a unix socket path of the longest length there is ---- */

#ifndef _WIN32
#include <sys/un.h>
#define FAULTS_SUN_PATH sizeof(((struct sockaddr_un *)0)->sun_path)
#define faults_remove(path) unlink(path)
#else
#define FAULTS_SUN_PATH 108 /* afunix.h: UNIX_PATH_MAX */
#define faults_remove(path) DeleteFileA(path)
#endif

TEST(a_unix_path_of_the_longest_length_binds_connects_and_reads_back_whole)
{
    /* sun_path holds the path and its NUL: FAULTS_SUN_PATH - 1 is the longest. */
    size_t longest = FAULTS_SUN_PATH - 1, n;
    char text[300], back[PS_TEST_ADDRLEN], c = 0;
    ps_addr a, got;
    ps_socket *l, *cl, *sv;
    int r;
#ifdef _WIN32
    char dir[MAX_PATH + 1];
    DWORD dn = GetTempPathA(sizeof dir, dir);
    if (dn == 0 || dn > 60)
        SKIP("no temporary folder with a short enough path");
    n = (size_t)snprintf(text, sizeof text, "unix:%spsf%lu_", dir,
                         (unsigned long)GetCurrentProcessId());
#else
    n = (size_t)snprintf(text, sizeof text, "unix:/tmp/ps_faults_%ld_", (long)getpid());
#endif
    while (n < 5 + longest)
        text[n++] = 'p';
    text[n] = '\0';
    r = ps_addr_parse(&a, text);
#ifdef _WIN32
    if (r == PS_EAFNOSUPPORT || ps_socket_open(&l, PS_AF_UNIX, PS_SOCK_STREAM, 0) < 0)
        SKIP("no AF_UNIX here (Wine 8, Windows before 10 1803): windows-caveats row 11");
    ps_close(l);
#endif
    ASSERT_OK(r);
    faults_remove(text + 5);
    ASSERT_OK(ps_socket_open(&l, PS_AF_UNIX, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_bind(l, &a));
    ASSERT_OK(ps_listen(l, PS_BACKLOG_DEFAULT));
    ASSERT_OK(ps_getsockname(l, &got));
    ASSERT_STREQ(test_fmt(&got, back), text);
    ASSERT_OK(ps_socket_open(&cl, PS_AF_UNIX, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(cl, &a));
    ASSERT_OK(ps_accept(l, &sv, NULL));
    ASSERT_OK(ps_getpeername(cl, &got));
    ASSERT_STREQ(test_fmt(&got, back), text);
    ASSERT_OK(ps_sendall(cl, "u", 1, 0, NULL));
    ASSERT_EQ(ps_recv(sv, &c, 1, 0), 1);
    ASSERT_EQ(c, 'u');
    ASSERT_OK(ps_close(sv));
    ASSERT_OK(ps_close(cl));
    ASSERT_OK(ps_close(l));
    faults_remove(text + 5);
    /* One byte more does not fit: refused before any system call. */
    text[n++] = 'p';
    text[n] = '\0';
    ASSERT_ERR(ps_addr_parse(&a, text), PS_EINVAL);
}

/* ---- a duplicate outliving its original ---- */

typedef struct closer {
    ps_socket *victim;
    unsigned delay_ms;
    int rc;
} closer;

static void close_later(void *arg)
{
    closer *c = (closer *)arg;
    test_sleep_ms(c->delay_ms);
    c->rc = ps_close(c->victim);
}

static void dup_outlives_original(double timeout)
{
    ps_socket *c, *s, *twin;
    closer k;
    test_thread t;
    char buf[16];
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_dup(s, &twin));
    ASSERT_OK(ps_settimeout(twin, timeout));
    k.victim = s;
    k.delay_ms = 100;
    k.rc = 1;
    test_thread_spawn(&t, close_later, &k);
    /* The twin waits in recv while the original is closed beside it. */
    test_sleep_ms(300);
    ASSERT_OK(ps_sendall(c, "after", 5, 0, NULL));
    test_recv_exact(twin, buf, 5);
    ASSERT_MEMEQ(buf, "after", 5);
    test_thread_join(&t);
    ASSERT_EQ(k.rc, 0);
    ASSERT_OK(ps_sendall(twin, "back", 4, 0, NULL));
    test_recv_exact(c, buf, 4);
    ASSERT_MEMEQ(buf, "back", 4);
    /* The connection ends with the last of the two. */
    ASSERT_OK(ps_close(twin));
    ASSERT_OK(ps_settimeout(c, 10.0));
    ASSERT_EQ(ps_recv(c, buf, sizeof buf, 0), 0);
    ASSERT_OK(ps_close(c));
}

TEST(a_dup_keeps_working_while_the_original_is_closed_in_another_thread)
{
    dup_outlives_original(PS_TIMEOUT_NONE);
}

TEST(a_timed_dup_keeps_working_while_the_original_is_closed_in_another_thread)
{
    dup_outlives_original(10.0);
}

/* ---- a peer that goes away during sendall ---- */

typedef struct quitter {
    ps_socket *s;
    size_t take; /* bytes to read before closing */
    size_t got;
} quitter;

static void read_some_then_close(void *arg)
{
    quitter *q = (quitter *)arg;
    char buf[16384];
    ps_settimeout(q->s, 20.0);
    while (q->got < q->take) {
        ptrdiff_t n = ps_recv(q->s, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        q->got += (size_t)n;
    }
    /* Unread data in its buffer: the close resets the connection. */
    ps_close(q->s);
}

static void peer_quits_during_sendall(double timeout)
{
    ps_socket *c, *s;
    quitter q;
    test_thread t;
    size_t len = 64u * 1024u * 1024u, sent = 0;
    char *buf = (char *)malloc(len);
    int r;
#ifndef _WIN32
    /* The default disposition: a SIGPIPE would end this process. */
    signal(SIGPIPE, SIG_DFL);
#endif
    ASSERT_NOT_NULL(buf);
    memset(buf, 'q', len);
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_settimeout(c, timeout));
    q.s = s;
    q.take = 1u << 20;
    q.got = 0;
    test_thread_spawn(&t, read_some_then_close, &q);
    r = ps_sendall(c, buf, len, 0, &sent);
    test_thread_join(&t);
    NOTE("peer read %zu bytes then closed: sendall %s after %zu of %zu bytes", q.got, ps_errname(r),
         sent, len);
    ASSERT_ERR2(r, PS_EPIPE, PS_ECONNRESET);
    ASSERT_GE(sent, q.got);
    ASSERT_LT(sent, len);
    free(buf);
    ASSERT_OK(ps_close(c));
}

TEST(a_peer_closing_during_a_blocking_sendall_gives_epipe_or_reset_without_sigpipe)
{
    peer_quits_during_sendall(PS_TIMEOUT_NONE);
}

TEST(a_peer_closing_during_a_timed_sendall_gives_epipe_or_reset_without_sigpipe)
{
    peer_quits_during_sendall(30.0);
}

TEST_LIST = {
#ifndef _WIN32
    TEST_ENTRY(every_call_that_makes_a_descriptor_gives_emfile_when_none_is_left),
    TEST_ENTRY(a_pair_that_finds_one_descriptor_left_gives_emfile_and_leaves_it_free),
    TEST_ENTRY(everything_works_again_once_descriptors_are_closed),
#else
    TEST_ENTRY(descriptor_exhaustion_cannot_be_produced_on_windows),
#endif
    TEST_ENTRY(a_unix_path_of_the_longest_length_binds_connects_and_reads_back_whole),
    TEST_ENTRY(a_dup_keeps_working_while_the_original_is_closed_in_another_thread),
    TEST_ENTRY(a_timed_dup_keeps_working_while_the_original_is_closed_in_another_thread),
    TEST_ENTRY(a_peer_closing_during_a_blocking_sendall_gives_epipe_or_reset_without_sigpipe),
    TEST_ENTRY(a_peer_closing_during_a_timed_sendall_gives_epipe_or_reset_without_sigpipe),
};

TEST_MAIN()
