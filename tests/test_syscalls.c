/*
 * test_syscalls: what portsock's data calls cost in system calls (issue 7),
 * counted by strace on Linux. Each test runs this program again as a worker
 * under `strace -f -o FILE`; the worker brackets the calls it wants counted
 * with marker calls (write(-1, "PS_SYSCALLS_BEGIN", ...), which fail with
 * EBADF and do nothing else), per thread, and the test counts every system
 * call each thread made between its markers.
 *
 * Skipped (77) on other systems, where strace is missing, and where it
 * cannot trace (no ptrace permission in a container).
 */
#include "ps_test.h"

#ifdef __linux__
#include <sys/ioctl.h>
#endif

#define SC_K 200      /* operations per counted region */
#define SC_RECV_LEN 8 /* bytes per receive in the ready-data test */
#define SC_SENDALL_LEN 1000

#ifdef __linux__

/* ------------------------------------------------------------------------ */
/* The worker: the calls that are counted                                   */
/* ------------------------------------------------------------------------ */

#define SC_BEGIN "PS_SYSCALLS_BEGIN"
#define SC_END "PS_SYSCALLS_END"

static void sc_mark(const char *marker)
{
    ssize_t r = write(-1, marker, strlen(marker));
    (void)r;
}

static void sc_pair(ps_socket *pair[2], double timeout)
{
    ASSERT_OK(ps_socketpair(pair, PS_AF_INET, PS_SOCK_STREAM));
    ASSERT_OK(ps_setopt(pair[0], PS_OPT_NODELAY, 1));
    ASSERT_OK(ps_setopt(pair[1], PS_OPT_NODELAY, 1));
    ASSERT_OK(ps_settimeout(pair[0], timeout));
    ASSERT_OK(ps_settimeout(pair[1], timeout));
}

/* K receives in timeout mode, every byte already waiting in the socket. */
static void sc_worker_recv_ready(void)
{
    static char out[SC_K * SC_RECV_LEN], in[SC_K * SC_RECV_LEN];
    ptrdiff_t got[SC_K];
    ps_socket *pair[2];
    double until;
    int avail = 0, i;
    sc_pair(pair, 5.0);
    for (i = 0; i < (int)sizeof out; i++)
        out[i] = (char)('a' + i % 26);
    ASSERT_OK(ps_sendall(pair[0], out, sizeof out, 0, NULL));
    /* Loopback delivers at once, but make sure: every byte is in the
     * receiving socket before counting starts. */
    until = test_now() + 5.0;
    while (avail < (int)sizeof out && test_now() < until) {
        ASSERT_EQ(ioctl(ps_fileno(pair[1]), FIONREAD, &avail), 0);
        if (avail < (int)sizeof out)
            test_sleep_ms(1);
    }
    ASSERT_EQ(avail, sizeof out);
    sc_mark(SC_BEGIN);
    for (i = 0; i < SC_K; i++)
        got[i] = ps_recv(pair[1], in + i * SC_RECV_LEN, SC_RECV_LEN, 0);
    sc_mark(SC_END);
    for (i = 0; i < SC_K; i++)
        ASSERT_EQ(got[i], SC_RECV_LEN);
    ASSERT_MEMEQ(in, out, sizeof out);
    ps_close(pair[0]);
    ps_close(pair[1]);
}

typedef struct sc_echo {
    ps_socket *s;
    int failures;
} sc_echo;

static void sc_echo_thread(void *arg)
{
    sc_echo *e = (sc_echo *)arg;
    char b;
    int i;
    sc_mark(SC_BEGIN);
    for (i = 0; i < SC_K; i++) {
        if (ps_recv(e->s, &b, 1, 0) != 1 || ps_send(e->s, &b, 1, 0) != 1)
            e->failures++;
    }
    sc_mark(SC_END);
}

/* K one-byte round trips between two threads, both ends in one mode. */
static void sc_worker_pingpong(double timeout)
{
    ps_socket *pair[2];
    test_thread t;
    sc_echo e;
    int i, failures = 0;
    char b = 'p';
    sc_pair(pair, timeout);
    e.s = pair[1];
    e.failures = 0;
    test_thread_spawn(&t, sc_echo_thread, &e);
    sc_mark(SC_BEGIN);
    for (i = 0; i < SC_K; i++) {
        if (ps_send(pair[0], &b, 1, 0) != 1 || ps_recv(pair[0], &b, 1, 0) != 1)
            failures++;
    }
    sc_mark(SC_END);
    test_thread_join(&t);
    ASSERT_EQ(failures, 0);
    ASSERT_EQ(e.failures, 0);
    ps_close(pair[0]);
    ps_close(pair[1]);
}

/* One ps_sendall of a buffer far smaller than the socket's send buffer. */
static void sc_worker_sendall(double timeout)
{
    static char out[SC_SENDALL_LEN], in[SC_SENDALL_LEN];
    ps_socket *pair[2];
    size_t sent = 0;
    int rc;
    sc_pair(pair, timeout);
    memset(out, 's', sizeof out);
    sc_mark(SC_BEGIN);
    rc = ps_sendall(pair[0], out, sizeof out, 0, &sent);
    sc_mark(SC_END);
    ASSERT_OK(rc);
    ASSERT_EQ(sent, sizeof out);
    test_recv_exact(pair[1], in, sizeof in);
    ps_close(pair[0]);
    ps_close(pair[1]);
}

static int sc_worker(const char *name)
{
    ps_test_current_ = name;
    if (strcmp(name, "noop") == 0)
        return 0;
    if (strcmp(name, "recv_ready") == 0)
        sc_worker_recv_ready();
    else if (strcmp(name, "pingpong_blocking") == 0)
        sc_worker_pingpong(PS_TIMEOUT_NONE);
    else if (strcmp(name, "pingpong_timeout") == 0)
        sc_worker_pingpong(5.0);
    else if (strcmp(name, "sendall_blocking") == 0)
        sc_worker_sendall(PS_TIMEOUT_NONE);
    else if (strcmp(name, "sendall_timeout") == 0)
        sc_worker_sendall(5.0);
    else
        FAILF("no worker named %s", name);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The test side: strace and the counting                                   */
/* ------------------------------------------------------------------------ */

#define SC_MAX_THREADS 8
#define SC_MAX_NAMES 24

typedef struct sc_counts {
    long total;  /* every system call of every thread inside its markers */
    long recv;   /* recv, recvfrom, recvmsg, read */
    long wait;   /* poll, ppoll, select, pselect6, epoll_wait, epoll_pwait(2) */
    long send;   /* send, sendto, sendmsg, write */
    int regions; /* threads whose BEGIN and END markers were both seen */
    char names[SC_MAX_NAMES][32];
    long name_count[SC_MAX_NAMES];
} sc_counts;

static int sc_is(const char *name, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(name, *list) == 0)
            return 1;
    }
    return 0;
}

static void sc_count_name(sc_counts *c, const char *name)
{
    static const char *const recvs[] = {"recv", "recvfrom", "recvmsg", "read", NULL};
    static const char *const waits[] = {"poll",       "ppoll",       "select",       "pselect6",
                                        "epoll_wait", "epoll_pwait", "epoll_pwait2", NULL};
    static const char *const sends[] = {"send", "sendto", "sendmsg", "write", NULL};
    int i;
    c->total++;
    c->recv += sc_is(name, recvs);
    c->wait += sc_is(name, waits);
    c->send += sc_is(name, sends);
    for (i = 0; i < SC_MAX_NAMES && c->names[i][0]; i++) {
        if (strcmp(c->names[i], name) == 0)
            break;
    }
    if (i < SC_MAX_NAMES) {
        if (!c->names[i][0])
            snprintf(c->names[i], sizeof c->names[i], "%s", name);
        c->name_count[i]++;
    }
}

/* "recvfrom 200, poll 10" for messages. */
static const char *sc_describe(const sc_counts *c)
{
    static char buf[1024];
    size_t len = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < SC_MAX_NAMES && c->names[i][0] && len < sizeof buf - 64; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s %ld", i ? ", " : "", c->names[i],
                                c->name_count[i]);
    return buf;
}

/* Counts, per thread, the calls between that thread's markers. A call that
 * blocks while another thread runs shows as "name(... <unfinished ...>" and
 * later "<... name resumed>": counted once, at its start. */
static void sc_parse(const char *path, sc_counts *c)
{
    long tids[SC_MAX_THREADS];
    int inside[SC_MAX_THREADS], ntids = 0;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    memset(c, 0, sizeof *c);
    if (!f)
        FAILF("cannot read the strace output %s", path);
    while (getline(&line, &cap, f) >= 0) {
        char *p = line, name[32];
        long tid = 0;
        size_t n = 0;
        int t;
        if (*p >= '0' && *p <= '9') {
            tid = strtol(p, &p, 10);
            while (*p == ' ')
                p++;
        }
        if (strncmp(p, "<...", 4) == 0 || strncmp(p, "---", 3) == 0 || strncmp(p, "+++", 3) == 0)
            continue;
        while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_') {
            if (n + 1 < sizeof name)
                name[n] = p[n];
            n++;
        }
        if (n == 0 || n >= sizeof name || p[n] != '(')
            continue;
        name[n] = '\0';
        for (t = 0; t < ntids && tids[t] != tid; t++) {
        }
        if (t == ntids) {
            if (ntids == SC_MAX_THREADS)
                FAILF("more threads in the trace than expected");
            tids[ntids] = tid;
            inside[ntids++] = 0;
        }
        if (strstr(p, "\"" SC_BEGIN "\"")) {
            inside[t] = 1;
        } else if (strstr(p, "\"" SC_END "\"")) {
            if (inside[t])
                c->regions++;
            inside[t] = 0;
        } else if (inside[t]) {
            sc_count_name(c, name);
        }
    }
    free(line);
    fclose(f);
}

/* Runs this program's worker `name` under strace -f; returns its exit code,
 * or 127 when strace could not be started. */
static int sc_run_strace(const char *name, const char *out)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    pid_t pid;
    int status = 0;
    if (len <= 0)
        FAILF("readlink(/proc/self/exe) failed (errno %d)", errno);
    exe[len] = '\0';
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0)
        FAILF("fork failed (errno %d)", errno);
    if (pid == 0) {
        /* LeakSanitizer cannot run under ptrace: the traced worker of an
         * asan build would fail at exit. (Harmless elsewhere.) */
        const char *asan = getenv("ASAN_OPTIONS");
        char opts[1024];
        snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", asan ? asan : "",
                 asan && *asan ? ":" : "");
        setenv("ASAN_OPTIONS", opts, 1);
        execlp("strace", "strace", "-f", "-qq", "-o", out, "--", exe, "--worker", name,
               (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            FAILF("waitpid failed (errno %d)", errno);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* The counts of worker `name`, run under strace; skips the test where
 * strace is missing or cannot trace. */
static void sc_trace(const char *name, sc_counts *c, int threads)
{
    char out[] = "/tmp/ps_test_syscalls_XXXXXX";
    int fd = mkstemp(out), rc;
    if (fd < 0)
        FAILF("mkstemp failed (errno %d)", errno);
    close(fd);
    if (ps_test_under_qemu_()) {
        unlink(out);
        SKIP_UNDER_QEMU("strace cannot start the target's program, nor see its system calls "
                        "inside the emulator (it would count qemu's own)");
    }
    rc = sc_run_strace("noop", out);
    if (rc == 127) {
        unlink(out);
        SKIP("strace is not installed (PATH has none): the system-call counts need it");
    }
    if (rc != 0) {
        unlink(out);
        SKIP("strace cannot trace here (no ptrace permission?): the counts need it");
    }
    rc = sc_run_strace(name, out);
    if (rc != 0) {
        unlink(out);
        FAILF("the worker %s failed under strace (exit %d)", name, rc);
    }
    sc_parse(out, c);
    unlink(out);
    if (c->regions != threads)
        FAILF("the trace of %s shows %d marked regions, want %d", name, c->regions, threads);
    NOTE("%s: %ld system calls (%s)", name, c->total, sc_describe(c));
}

/* ------------------------------------------------------------------------ */
/* The tests                                                                */
/* ------------------------------------------------------------------------ */

TEST(recv_in_timeout_mode_with_data_waiting_is_one_receive_call_each)
{
    sc_counts c;
    sc_trace("recv_ready", &c, 1);
    ASSERT_EQ(c.wait, 0);
    ASSERT_EQ(c.recv, SC_K);
    /* Nothing else either: a ready socket costs one system call per call. */
    ASSERT_EQ(c.total, SC_K);
}

TEST(timeout_mode_pingpong_makes_no_more_system_calls_than_blocking)
{
    sc_counts blocking, timeout;
    sc_trace("pingpong_blocking", &blocking, 2);
    sc_trace("pingpong_timeout", &timeout, 2);
    /* Blocking: each side sends and receives once per round trip. */
    ASSERT_EQ(blocking.total, 4 * SC_K);
    if (timeout.total > blocking.total)
        FAILF("%d round trips: %ld system calls in timeout mode (%s), %ld in blocking mode", SC_K,
              timeout.total, sc_describe(&timeout), blocking.total);
}

/* The one call a whole send takes: sendto, which 32-bit x86's glibc
 * reaches through socketcall(SYS_SEND) and strace names "send" (found by
 * linux-x86). */
static void sc_assert_the_send(const sc_counts *c)
{
    if (strcmp(c->names[0], "sendto") != 0 && strcmp(c->names[0], "send") != 0)
        FAILF("the one call is %s, not sendto or send", c->names[0]);
}

TEST(sendall_taken_at_once_is_one_sendto_blocking)
{
    sc_counts c;
    sc_trace("sendall_blocking", &c, 1);
    ASSERT_EQ(c.total, 1);
    sc_assert_the_send(&c);
}

TEST(sendall_taken_at_once_is_one_sendto_in_timeout_mode)
{
    sc_counts c;
    sc_trace("sendall_timeout", &c, 1);
    ASSERT_EQ(c.total, 1);
    sc_assert_the_send(&c);
}

#else /* !__linux__ */

#define SC_NOT_HERE SKIP("the system-call counts use strace: Linux only")

TEST(recv_in_timeout_mode_with_data_waiting_is_one_receive_call_each)
{
    SC_NOT_HERE;
}

TEST(timeout_mode_pingpong_makes_no_more_system_calls_than_blocking)
{
    SC_NOT_HERE;
}

TEST(sendall_taken_at_once_is_one_sendto_blocking)
{
    SC_NOT_HERE;
}

TEST(sendall_taken_at_once_is_one_sendto_in_timeout_mode)
{
    SC_NOT_HERE;
}

#endif /* __linux__ */

TEST_LIST = {
    TEST_ENTRY(recv_in_timeout_mode_with_data_waiting_is_one_receive_call_each),
    TEST_ENTRY(timeout_mode_pingpong_makes_no_more_system_calls_than_blocking),
    TEST_ENTRY(sendall_taken_at_once_is_one_sendto_blocking),
    TEST_ENTRY(sendall_taken_at_once_is_one_sendto_in_timeout_mode),
};

int main(int argc, char **argv)
{
#ifdef __linux__
    /* `test_syscalls --worker NAME`: the traced side (see sc_trace). */
    if (argc == 3 && strcmp(argv[1], "--worker") == 0)
        return sc_worker(argv[2]);
#endif
    return ps_test_main_(argc, argv, ps_test_list_, sizeof ps_test_list_ / sizeof ps_test_list_[0]);
}
