/*
 * selector: the cost of one wait that returns the ready sockets, with many
 * idle connections registered and a few active ones (a byte written to each
 * active one before every wait, read back after it; only the wait is timed).
 * Every variant watches the same sockets for reading: loopback TCP
 * connections, the idle ones accepted from a helper process that holds their
 * other ends (POSIX; on Windows both ends are in this process, and there are
 * fewer), the active ones from ps_socketpair(PS_AF_INET).
 *
 * Linux: raw epoll_wait, portsock's epoll backend, raw poll() (with the scan
 * for the ready entries a poll user needs), portsock's poll backend; 100 of
 * the active ones ready at each wait.
 * Windows: raw WSAPoll (with the scan), portsock's poll backend (WSAPoll),
 * portsock's AFD backend (its ratio: against the poll backend); 1, 10 and
 * 100 ready at each wait, in three tables. Both ends of each idle
 * connection are registered there, so 10,000 idle sockets take 5,000
 * connections (Wine's server holds a Unix descriptor for every socket).
 * Microseconds per wait; the ratio is the speed ratio raw time / portsock time.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <sys/epoll.h>
#endif
#ifndef _WIN32
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/wait.h>
#endif

#define SEL_ACTIVE 100
#define SEL_MAX_EVENTS 256

typedef struct sel_ctx {
    size_t n;          /* registered sockets: idle + active */
    ps_socket **mine;  /* the watched ends */
    ps_socket **peers; /* the other ends */
    size_t *active;    /* indexes of the active ones */
    size_t nactive;
    size_t nready; /* how many active ones are made ready for each wait */
    size_t first;  /* the first of them, in c->active (see sel_ps_rotating) */
    long waits;    /* per full sample */
} sel_ctx;

/* Waits of a portsock backend that reported another number of ready
 * sockets than there were (a bug to report, not a reason to stop the
 * measurement), by backend, and the first such count. */
static long sel_wrong_count[5];
static int sel_wrong_first[5];

/* One byte to every active socket: each is ready for the next wait. */
static void sel_kick(sel_ctx *c)
{
    size_t i;
    for (i = 0; i < c->nready; i++) {
        char b = 'k';
        size_t k = c->active[(c->first + i) % c->nactive];
        BENCH_CHECK(rsend((rsock)ps_fileno(c->peers[k]), &b, 1) == 1, "send");
    }
}

/* Reads those bytes back: every socket idle again. */
static void sel_drain(sel_ctx *c)
{
    size_t i;
    for (i = 0; i < c->nready; i++) {
        char b;
        size_t k = c->active[(c->first + i) % c->nactive];
        BENCH_CHECK(rrecv((rsock)ps_fileno(c->mine[k]), &b, 1) == 1, "recv");
    }
}

static void sel_expect(const char *who, int got, size_t want)
{
    if (got < 0 || (size_t)got != want)
        bench_die("selector: %s returned %d ready, want %zu", who, got, want);
}

/* rotate: each wait has other sockets ready than the wait before (the
 * next nready of the active ones), so none is still ready from before. */
static double sel_ps(sel_ctx *c, double scale, int backend, int rotate)
{
    ps_selector *sel;
    ps_event evs[SEL_MAX_EVENTS];
    long waits = (long)((double)c->waits * scale), w;
    double spent = 0.0;
    size_t i;
    BENCH_PS(ps_selector_open_backend(&sel, backend));
    for (i = 0; i < c->n; i++)
        BENCH_PS(ps_selector_add(sel, c->mine[i], PS_POLLIN, c->mine[i]));
    /* Untimed: what a backend does once for new registrations (AFD sends
     * each its first poll request here; epoll did it in epoll_ctl). */
    if (waits > 0)
        sel_expect("ps_selector_wait, first", ps_selector_wait(sel, evs, SEL_MAX_EVENTS, 0.0), 0);
    for (w = 0; w < waits; w++) {
        double t0, t1;
        int n;
        if (rotate)
            c->first = (c->first + c->nready) % c->nactive;
        sel_kick(c);
        t0 = bench_now();
        n = ps_selector_wait(sel, evs, SEL_MAX_EVENTS, 5.0);
        t1 = bench_now();
        if (n < 0)
            bench_die("selector: ps_selector_wait: %s", ps_strerror(n));
        if ((size_t)n != c->nready && sel_wrong_count[backend]++ == 0)
            sel_wrong_first[backend] = n;
        spent += t1 - t0;
        sel_drain(c);
    }
    ps_selector_close(sel);
    c->first = 0;
    return spent / (double)waits * 1e6;
}

/* raw poll() / WSAPoll, and the scan that finds the ready entries. */
static double sel_raw_poll(sel_ctx *c, double scale)
{
    rpollfd *p = (rpollfd *)malloc(c->n * sizeof *p);
    size_t ready[SEL_MAX_EVENTS];
    long waits = (long)((double)c->waits * scale), w;
    double spent = 0.0;
    size_t i;
    if (!p)
        bench_die("out of memory");
    for (i = 0; i < c->n; i++) {
        p[i].fd = (rsock)ps_fileno(c->mine[i]);
        p[i].events = RPOLLIN;
        p[i].revents = 0;
    }
    for (w = 0; w < waits; w++) {
        double t0, t1;
        size_t found = 0;
        int n;
        sel_kick(c);
        t0 = bench_now();
#ifdef _WIN32
        n = WSAPoll(p, (ULONG)c->n, 5000);
#else
        n = poll(p, (nfds_t)c->n, 5000);
#endif
        for (i = 0; i < c->n && found < (size_t)n; i++) {
            if (p[i].revents)
                ready[found++] = i;
        }
        t1 = bench_now();
        sel_expect("poll", n, c->nready);
        if (found != (size_t)n || ready[0] != c->active[0])
            bench_die("selector: poll scan disagrees");
        spent += t1 - t0;
        sel_drain(c);
    }
    free(p);
    return spent / (double)waits * 1e6;
}

#ifdef __linux__
static double sel_raw_epoll(sel_ctx *c, double scale)
{
    struct epoll_event evs[SEL_MAX_EVENTS];
    long waits = (long)((double)c->waits * scale), w;
    double spent = 0.0;
    size_t i;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    BENCH_CHECK(ep >= 0, "epoll_create1");
    for (i = 0; i < c->n; i++) {
        struct epoll_event ev;
        ev.events = EPOLLIN;
        ev.data.ptr = c->mine[i];
        BENCH_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ps_fileno(c->mine[i]), &ev) == 0, "epoll_ctl");
    }
    for (w = 0; w < waits; w++) {
        double t0, t1;
        int n;
        sel_kick(c);
        t0 = bench_now();
        n = epoll_wait(ep, evs, SEL_MAX_EVENTS, 5000);
        t1 = bench_now();
        sel_expect("epoll_wait", n, c->nready);
        spent += t1 - t0;
        sel_drain(c);
    }
    close(ep);
    return spent / (double)waits * 1e6;
}

static double v_raw_epoll(void *c, double s)
{
    return sel_raw_epoll((sel_ctx *)c, s);
}
static double v_ps_epoll(void *c, double s)
{
    return sel_ps((sel_ctx *)c, s, PS_SELECTOR_EPOLL, 0);
}

#endif /* __linux__ */

#ifndef _WIN32
/* Room for `need` descriptors: the soft limit is raised, and the hard one
 * where the process may. Returns how many it can have. */
static size_t sel_fit_descriptors(size_t need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= (rlim_t)need)
        return need;
    if (rl.rlim_max < (rlim_t)need) {
        struct rlimit more;
        more.rlim_cur = more.rlim_max = (rlim_t)need;
        if (setrlimit(RLIMIT_NOFILE, &more) == 0)
            return need;
    }
    rl.rlim_cur = rl.rlim_max < (rlim_t)need ? rl.rlim_max : (rlim_t)need;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        getrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_cur >= (rlim_t)need ? need : (size_t)rl.rlim_cur;
}

/* The idle connections: a helper process connects `idle` times to a
 * listener of ours and holds its ends until `hold` is closed, so this
 * process spends one descriptor per idle connection (10,000 pairs would not
 * fit a limit of 20,000). Returns the helper's pid. */
static pid_t sel_idle_from_helper(ps_socket **out, size_t idle, int *hold)
{
    ps_socket *l;
    ps_addr addr;
    struct sockaddr_in sin;
    int pfd[2];
    pid_t pid;
    size_t i;
    BENCH_PS(ps_socket_open(&l, PS_AF_INET, PS_SOCK_STREAM, 0));
    BENCH_PS(ps_addr_parse(&addr, "127.0.0.1:0"));
    BENCH_PS(ps_bind(l, &addr));
    BENCH_PS(ps_listen(l, 4096));
    BENCH_PS(ps_getsockname(l, &addr));
    memcpy(&sin, addr.storage.bytes, sizeof sin);
    BENCH_CHECK(pipe(pfd) == 0, "pipe");
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    BENCH_CHECK(pid >= 0, "fork");
    if (pid == 0) {
        char b;
        close(pfd[1]);
        for (i = 0; i < idle; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
                _exit(1);
        }
        while (read(pfd[0], &b, 1) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    close(pfd[0]);
    for (i = 0; i < idle; i++)
        BENCH_PS(ps_accept(l, &out[i], NULL));
    ps_close(l);
    *hold = pfd[1];
    return pid;
}
#endif

static double v_raw_poll(void *c, double s)
{
    return sel_raw_poll((sel_ctx *)c, s);
}
static double v_ps_poll(void *c, double s)
{
    return sel_ps((sel_ctx *)c, s, PS_SELECTOR_POLL, 0);
}
#ifdef _WIN32
static double v_ps_afd(void *c, double s)
{
    return sel_ps((sel_ctx *)c, s, PS_SELECTOR_AFD, 0);
}
static double v_ps_afd_rotating(void *c, double s)
{
    return sel_ps((sel_ctx *)c, s, PS_SELECTOR_AFD, 1);
}
#endif

void bench_selector(void)
{
#ifdef __linux__
    static const bench_variant v[] = {
        {"raw epoll_wait", "us/wait", 0, -1, v_raw_epoll},
        {"portsock epoll backend", "us/wait", 0, 0, v_ps_epoll},
        {"raw poll + scan", "us/wait", 0, -1, v_raw_poll},
        {"portsock poll backend", "us/wait", 0, 2, v_ps_poll},
    };
    static const size_t readies[] = {SEL_ACTIVE};
#elif defined(_WIN32)
    static const bench_variant v[] = {
        {"raw WSAPoll + scan", "us/wait", 0, -1, v_raw_poll},
        {"portsock poll backend", "us/wait", 0, 0, v_ps_poll},
        {"portsock AFD backend", "us/wait", 0, 1, v_ps_afd},
        {"portsock AFD, other sockets each wait", "us/wait", 0, 1, v_ps_afd_rotating},
    };
    static const size_t readies[] = {1, 10, SEL_ACTIVE};
#else
    static const bench_variant v[] = {
        {"raw poll + scan", "us/wait", 0, -1, v_raw_poll},
        {"portsock poll backend", "us/wait", 0, 0, v_ps_poll},
    };
    static const size_t readies[] = {SEL_ACTIVE};
#endif
    sel_ctx c;
    char title[240];
    size_t idle, i, next_idle = 0, stride, r;
    ps_socket **idles, *pair[2];
#ifdef _WIN32
    idle = bench_opt.idle >= 0 ? (size_t)bench_opt.idle : 1000;
    idle += idle % 2; /* both ends of each connection */
#else
    size_t fit;
    pid_t helper;
    int hold, status;
    idle = bench_opt.idle >= 0 ? (size_t)bench_opt.idle : 10000;
#endif
    if (bench_opt.quick && bench_opt.idle < 0)
        idle /= 10;
    c.nactive = SEL_ACTIVE;
    c.first = 0;
#ifndef _WIN32
    fit = sel_fit_descriptors(idle + 2 * c.nactive + 256);
    if (fit < idle + 2 * c.nactive + 256) {
        if (fit < 2 * c.nactive + 256 + 100)
            bench_die("selector: too few descriptors (%zu)", fit);
        printf("\n(selector: the descriptor limit is %zu: %zu idle connections, not %zu)\n", fit,
               fit - 2 * c.nactive - 256, idle);
        idle = fit - 2 * c.nactive - 256;
    }
#endif
    c.n = idle + c.nactive;
    c.waits = bench_opt.quick ? 100 : 1000;
#ifdef _WIN32
    /* Under Wine a WSAPoll over 10,100 sockets takes about 0.2 s: a sample
     * of about a second. */
    if (c.n > 200)
        c.waits = (long)(200000 / c.n) < c.waits ? (long)(200000 / c.n) : c.waits;
    if (c.waits < 10)
        c.waits = 10;
#endif
    c.mine = (ps_socket **)calloc(c.n, sizeof *c.mine);
    c.peers = (ps_socket **)calloc(c.n, sizeof *c.peers);
    c.active = (size_t *)malloc(c.nactive * sizeof *c.active);
    idles = (ps_socket **)calloc(idle + 1, sizeof *idles);
    if (!c.mine || !c.peers || !c.active || !idles)
        bench_die("out of memory");
#ifdef _WIN32
    /* No helper process here: both ends of each idle connection are ours,
     * and both are watched. */
    for (i = 0; i < idle; i += 2) {
        int rc = ps_socketpair(pair, PS_AF_INET, PS_SOCK_STREAM);
        if (rc < 0)
            bench_die("selector: ps_socketpair #%zu: %s", i / 2, ps_strerror(rc));
        idles[i] = pair[0];
        idles[i + 1] = pair[1];
    }
#else
    helper = sel_idle_from_helper(idles, idle, &hold);
#endif
    /* The active ones (loopback TCP, as the idle ones), spread evenly
     * among the idle ones. */
    stride = c.n / c.nactive;
    for (i = 0; i < c.nactive; i++)
        c.active[i] = i * stride;
    for (i = 0; i < c.n; i++) {
        if (i % stride == 0 && i / stride < c.nactive) {
            int rc = ps_socketpair(pair, PS_AF_INET, PS_SOCK_STREAM);
            if (rc < 0)
                bench_die("selector: ps_socketpair: %s", ps_strerror(rc));
            c.mine[i] = pair[0];
            c.peers[i] = pair[1];
        } else {
            c.mine[i] = idles[next_idle++];
        }
    }
    for (r = 0; r < sizeof readies / sizeof readies[0]; r++) {
        c.nready = readies[r];
        snprintf(title, sizeof title,
                 "one wait returning the %zu ready among %zu registered loopback TCP connections "
                 "(%zu idle, %zu active), %ld waits per sample",
                 c.nready, c.n, idle, c.nactive, c.waits);
        memset(sel_wrong_count, 0, sizeof sel_wrong_count);
        bench_rounds("selector", title, v, sizeof v / sizeof v[0], &c, 0.1);
#ifdef __linux__
        bench_note("poll backend / epoll backend, wait time (medians): %.1fx: the epoll wait "
                   "follows the ready sockets, poll the registered ones",
                   bench_last_median(3) / bench_last_median(1));
#endif
#ifdef _WIN32
        bench_note("AFD backend vs poll backend, wait time (medians): %.1fx faster; with other "
                   "sockets ready each wait: %.1fx",
                   bench_last_median(1) / bench_last_median(2),
                   bench_last_median(1) / bench_last_median(3));
#endif
        for (i = 0; i < 5; i++) {
            if (sel_wrong_count[i])
                bench_note("WRONG: the portsock %s backend reported another count than the %zu "
                           "ready sockets in %ld waits (the first: %d)",
                           i == PS_SELECTOR_EPOLL ? "epoll"
                           : i == PS_SELECTOR_AFD ? "AFD"
                                                  : "poll",
                           c.nready, sel_wrong_count[i], sel_wrong_first[i]);
        }
    }
    for (i = 0; i < c.n; i++) {
        ps_close(c.mine[i]);
        if (c.peers[i])
            ps_close(c.peers[i]);
    }
#ifndef _WIN32
    close(hold); /* the helper closes its ends and exits */
    while (waitpid(helper, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        bench_die("selector: the helper process failed to connect");
#endif
    free(idles);
    free(c.mine);
    free(c.peers);
    free(c.active);
}
