/* The leak check of tests/ps_test.h, checked itself: every other test
 * program relies on it to fail a test that leaves a socket open or closes
 * what it did not open, so here it must see both, on each target (the
 * descriptor table on POSIX, the system handle table on Windows, handle
 * probing under Wine). */
#include "ps_test.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

static ps_test_handles before, after;

/* How many of a's entries b lacks. */
static size_t missing_from(const ps_test_handles *a, const ps_test_handles *b)
{
    size_t i, n = 0;
    for (i = 0; i < a->n && i < PS_TEST_MAX_HANDLES; i++) {
        if (!ps_test_handles_has_(b, a->v[i]))
            n++;
    }
    return n;
}

/* The first entry of a that b lacks and that is none of the n sockets. */
static uintptr_t first_new(const ps_test_handles *a, const ps_test_handles *b,
                           ps_socket *const *sockets, size_t n)
{
    size_t i, k;
    for (i = 0; i < a->n && i < PS_TEST_MAX_HANDLES; i++) {
        int ours = 0;
        for (k = 0; k < n; k++)
            ours |= a->v[i] == (uintptr_t)ps_fileno(sockets[k]);
        if (!ours && !ps_test_handles_has_(b, a->v[i]))
            return a->v[i];
    }
    FAILF("no new descriptor/handle");
    return 0;
}

TEST(two_listings_in_a_row_are_the_same)
{
    ASSERT_OK(ps_test_handles_take_(&before));
    ASSERT_OK(ps_test_handles_take_(&after));
    ASSERT_GT(before.n, 0); /* at least the standard streams */
    ASSERT_EQ(before.n, after.n);
    ASSERT_EQ(missing_from(&before, &after), 0);
}

TEST(a_socket_left_open_is_seen_as_the_one_new_entry)
{
    ps_socket *s;
    char what[300];
    ASSERT_OK(ps_test_handles_take_(&before));
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_test_handles_take_(&after));
    ASSERT_EQ(after.n, before.n + 1);
    ASSERT_EQ(missing_from(&after, &before), 1);
    ASSERT_EQ(first_new(&after, &before, NULL, 0), (uintptr_t)ps_fileno(s));
    /* The failure message names what leaked. */
    ps_test_handle_describe_(first_new(&after, &before, NULL, 0), what, sizeof what);
    printf("# leaked would be reported as: %s\n", what);
#ifdef _WIN32
    ASSERT_TRUE(strstr(what, "no longer valid") == NULL);
#else
    ASSERT_TRUE(strstr(what, "socket:") != NULL);
#endif
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_test_handles_take_(&after));
    ASSERT_EQ(after.n, before.n);
    ASSERT_EQ(missing_from(&after, &before), 0);
}

TEST(a_handle_closed_by_the_test_is_seen_missing)
{
    ps_socket *pair[2];
    ps_native gone;
    ASSERT_OK(ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM));
    ASSERT_OK(ps_test_handles_take_(&before));
    gone = ps_fileno(pair[0]);
    ASSERT_OK(ps_close(pair[0]));
    ASSERT_OK(ps_test_handles_take_(&after));
    ASSERT_EQ(after.n + 1, before.n);
    ASSERT_EQ(missing_from(&before, &after), 1);
    ASSERT_EQ(first_new(&before, &after, NULL, 0), (uintptr_t)gone);
    ASSERT_OK(ps_close(pair[1]));
}

TEST(many_sockets_open_at_once_are_all_listed)
{
    /* More than the gap the Wine probe stops at, so that the probe must
     * walk past them all. */
    enum { N = 300 };
    static ps_socket *s[N];
    size_t i;
    ASSERT_OK(ps_test_handles_take_(&before));
    for (i = 0; i < N; i++)
        ASSERT_OK(ps_socket_open(&s[i], PS_AF_INET, PS_SOCK_DGRAM, 0));
    ASSERT_OK(ps_test_handles_take_(&after));
    for (i = 0; i < N; i++) {
        uintptr_t v = (uintptr_t)ps_fileno(s[i]);
        ASSERT_TRUE(ps_test_handles_has_(&after, v) && !ps_test_handles_has_(&before, v));
    }
    /* Under Wine the system may add one of its own on the way (ws2_32's
     * per-thread event, as the leak check excuses): named, not counted. */
    ASSERT_TRUE(after.n == before.n + N || after.n == before.n + N + 1);
    if (after.n == before.n + N + 1) {
        char what[300];
        uintptr_t extra = first_new(&after, &before, s, N);
        ps_test_handle_describe_(extra, what, sizeof what);
        printf("# not a socket of the test: %s\n", what);
        ASSERT_TRUE(ps_test_handle_not_the_tests_(extra));
    }
    for (i = 0; i < N; i++)
        ASSERT_OK(ps_close(s[i]));
    ASSERT_OK(ps_test_handles_take_(&after));
    ASSERT_EQ(missing_from(&before, &after), 0);
}

/* ---- the heap check: portsock's allocations, counted ---- */

/* Each object portsock makes is an allocation of the counting allocator
 * the test runner installed; closing it gives it back. */
TEST(an_open_socket_is_an_outstanding_allocation_until_it_is_closed)
{
    long start = test_alloc_outstanding();
    ps_socket *s;
    ps_selector *sel;
    ps_event ev[1];
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_GT(test_alloc_outstanding(), start);
    ASSERT_OK(ps_selector_open_backend(&sel, PS_SELECTOR_POLL));
    ASSERT_OK(ps_selector_add(sel, s, PS_POLLIN, NULL));
    ASSERT_OK(ps_selector_wait(sel, ev, 1, 0.0)); /* builds the poll set */
    ps_selector_close(sel);
    ASSERT_OK(ps_close(s));
    ASSERT_EQ(test_alloc_outstanding(), start);
}

static int failing_calls;

static void *failing_malloc(size_t n)
{
    (void)n;
    failing_calls++;
    return NULL;
}

static void *failing_realloc(void *p, size_t n)
{
    (void)p;
    (void)n;
    failing_calls++;
    return NULL;
}

static void *failing_calloc(size_t n, size_t size)
{
    (void)n;
    (void)size;
    failing_calls++;
    return NULL;
}

static void failing_free(void *p)
{
    free(p);
}

/* With nothing outstanding the allocator can be replaced, and then every
 * allocation goes to the new one: an allocator that always fails makes
 * ps_socket_open fail with PS_ENOMEM and leave nothing open. While a
 * socket of the present allocator lives, replacing it is PS_EBUSY. */
TEST(set_allocator_routes_every_allocation_and_is_ebusy_while_one_lives)
{
    ps_socket *s = NULL;
    size_t handles = test_handle_count();
    ASSERT_EQ(test_alloc_outstanding(), 0);
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_ERR(ps_set_allocator(failing_malloc, failing_realloc, failing_calloc, failing_free),
               PS_EBUSY);
    ASSERT_OK(ps_close(s));
    ASSERT_ERR(ps_set_allocator(NULL, failing_realloc, failing_calloc, failing_free), PS_EINVAL);
    ASSERT_OK(ps_set_allocator(failing_malloc, failing_realloc, failing_calloc, failing_free));
    failing_calls = 0;
    s = NULL;
    ASSERT_ERR(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0), PS_ENOMEM);
    ASSERT_NULL(s);
    ASSERT_GT(failing_calls, 0);
    test_alloc_install(); /* nothing of the failing allocator is alive */
    ASSERT_EQ(test_handle_count(), handles);
}

/* A second thread, started and joined through the tests' one way to start
 * threads (test_thread_spawn). */
static void set_flag(void *arg)
{
    *(volatile int *)arg = 1;
}

TEST(a_thread_started_by_a_test_runs_and_is_joined)
{
    volatile int ran = 0;
    test_thread t;
    test_thread_spawn(&t, set_flag, (void *)&ran);
    test_thread_join(&t);
    ASSERT_EQ(ran, 1);
}

/* The exit status of the case above run in a process of its own with
 * PS_TEST_NO_THREADS=1, its output thrown away (its skip line is not this
 * test's). */
static int thread_case_without_threads(void)
{
#ifdef _WIN32
    char path[MAX_PATH + 1], quoted[MAX_PATH + 4];
    const char *args[4];
    intptr_t rc;
    int saved, null_fd;
    DWORD n = GetModuleFileNameA(NULL, path, MAX_PATH);
    ASSERT_TRUE(n > 0 && n < MAX_PATH);
    path[n] = '\0';
    snprintf(quoted, sizeof quoted, "\"%s\"", path);
    args[0] = quoted;
    args[1] = "--child";
    args[2] = "a_thread_started_by_a_test_runs_and_is_joined";
    args[3] = NULL;
    fflush(stdout);
    saved = _dup(1);
    null_fd = _open("NUL", _O_WRONLY);
    ASSERT_TRUE(saved >= 0 && null_fd >= 0);
    ASSERT_EQ(_dup2(null_fd, 1), 0);
    ASSERT_EQ(_putenv("PS_TEST_NO_THREADS=1"), 0);
    rc = _spawnv(_P_WAIT, path, args);
    _putenv("PS_TEST_NO_THREADS=");
    _dup2(saved, 1);
    _close(saved);
    _close(null_fd);
    return (int)rc;
#else
    int status = 0;
    pid_t pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        volatile int ran = 0;
        test_thread t;
        if (freopen("/dev/null", "w", stdout) == NULL || setenv("PS_TEST_NO_THREADS", "1", 1))
            _Exit(2);
        test_thread_spawn(&t, set_flag, (void *)&ran); /* skips: exit 77 */
        test_thread_join(&t);
        _Exit(3);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    return WEXITSTATUS(status);
#endif
}

/* PS_TEST_NO_THREADS=1 (the windows-x86 runner under qemu-i386): a case that
 * would start a thread skips (77) before it starts one. */
TEST(without_threads_a_case_that_starts_a_thread_skips)
{
    ASSERT_EQ(thread_case_without_threads(), PS_TEST_SKIP_CODE);
}

TEST_LIST = {
    TEST_ENTRY(an_open_socket_is_an_outstanding_allocation_until_it_is_closed),
    TEST_ENTRY(set_allocator_routes_every_allocation_and_is_ebusy_while_one_lives),
    TEST_ENTRY(two_listings_in_a_row_are_the_same),
    TEST_ENTRY(a_socket_left_open_is_seen_as_the_one_new_entry),
    TEST_ENTRY(a_handle_closed_by_the_test_is_seen_missing),
    TEST_ENTRY(many_sockets_open_at_once_are_all_listed),
    TEST_ENTRY(a_thread_started_by_a_test_runs_and_is_joined),
    TEST_ENTRY(without_threads_a_case_that_starts_a_thread_skips),
};

TEST_MAIN()
