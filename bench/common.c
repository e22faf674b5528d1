/* The shared parts of the benchmark: raw socket helpers, the clock, CPU
 * pinning, threads, and the rounds with their table. */
#include "bench.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <process.h>
#else
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <time.h>
#endif

bench_options bench_opt = {7, 0, 1, -1, -1, NULL};

void bench_die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* ---- raw sockets ---- */

int rerrno(void)
{
#ifdef _WIN32
    return WSAGetLastError();
#else
    return errno;
#endif
}

void rclose(rsock s)
{
#ifdef _WIN32
    closesocket(s);
#else
    close(s);
#endif
}

int rset_nonblocking(rsock s, int on)
{
#ifdef _WIN32
    u_long v = on != 0;
    return ioctlsocket(s, FIONBIO, &v) == 0 ? 0 : -1;
#else
    int v = on != 0;
    return ioctl(s, FIONBIO, &v);
#endif
}

int rset_nodelay(rsock s)
{
    int on = 1;
    return setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, (int)sizeof on) == 0 ? 0 : -1;
}

int rset_linger0(rsock s)
{
    struct linger l;
    l.l_onoff = 1;
    l.l_linger = 0;
    return setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l, (int)sizeof l) == 0 ? 0 : -1;
}

rsock rsocket_tcp(void)
{
#ifdef _WIN32
    /* As socket() makes them (overlapped), and non-inheritable as portsock's. */
    return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
#else
    return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
#endif
}

rsock rlisten_loopback(struct sockaddr_in *addr)
{
#ifdef _WIN32
    int len = (int)sizeof *addr;
#else
    socklen_t len = sizeof *addr;
#endif
    rsock l = rsocket_tcp();
    BENCH_CHECK(l != RSOCK_INVALID, "socket");
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr->sin_port = 0;
    BENCH_CHECK(bind(l, (struct sockaddr *)addr, (int)sizeof *addr) == 0, "bind");
    BENCH_CHECK(listen(l, 128) == 0, "listen");
    BENCH_CHECK(getsockname(l, (struct sockaddr *)addr, &len) == 0, "getsockname");
    return l;
}

int rpair_tcp(rsock pair[2])
{
    struct sockaddr_in addr;
    rsock l = rlisten_loopback(&addr);
    pair[0] = rsocket_tcp();
    BENCH_CHECK(pair[0] != RSOCK_INVALID, "socket");
    BENCH_CHECK(connect(pair[0], (struct sockaddr *)&addr, (int)sizeof addr) == 0, "connect");
    pair[1] = accept(l, NULL, NULL);
    BENCH_CHECK(pair[1] != RSOCK_INVALID, "accept");
    rclose(l);
    return 0;
}

/* ---- portsock ---- */

int pspair_tcp(ps_socket *pair[2])
{
    ps_socket *l;
    ps_addr addr;
    BENCH_PS(ps_socket_open(&l, PS_AF_INET, PS_SOCK_STREAM, 0));
    BENCH_PS(ps_addr_parse(&addr, "127.0.0.1:0"));
    BENCH_PS(ps_bind(l, &addr));
    BENCH_PS(ps_listen(l, 128));
    BENCH_PS(ps_getsockname(l, &addr));
    BENCH_PS(ps_socket_open(&pair[0], PS_AF_INET, PS_SOCK_STREAM, 0));
    BENCH_PS(ps_connect(pair[0], &addr));
    BENCH_PS(ps_accept(l, &pair[1], NULL));
    ps_close(l);
    return 0;
}

/* ---- time, CPUs, threads ---- */

double bench_now(void)
{
#ifdef _WIN32
    static LARGE_INTEGER freq;
    LARGE_INTEGER c;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)freq.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}

void bench_pin_self(void)
{
    if (!bench_opt.pin || bench_opt.cpu < 0)
        return;
#ifdef _WIN32
    if (SetThreadAffinityMask(GetCurrentThread(), (DWORD_PTR)1 << bench_opt.cpu) == 0)
        bench_die("SetThreadAffinityMask(CPU %d) failed (%lu)", bench_opt.cpu,
                  (unsigned long)GetLastError());
#else
    {
        cpu_set_t set;
        int rc;
        CPU_ZERO(&set);
        CPU_SET(bench_opt.cpu, &set);
        rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (rc != 0)
            bench_die("pthread_setaffinity_np(CPU %d) failed (%d)", bench_opt.cpu, rc);
    }
#endif
}

#ifdef _WIN32
static unsigned __stdcall bench_thread_tramp(void *p)
{
    bench_thread *t = (bench_thread *)p;
    bench_pin_self();
    t->fn(t->arg);
    return 0;
}
#else
static void *bench_thread_tramp(void *p)
{
    bench_thread *t = (bench_thread *)p;
    bench_pin_self();
    t->fn(t->arg);
    return NULL;
}
#endif

int bench_thread_start(bench_thread *t, void (*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
#ifdef _WIN32
    t->h = (HANDLE)_beginthreadex(NULL, 0, bench_thread_tramp, t, 0, NULL);
    BENCH_CHECK(t->h != 0, "_beginthreadex");
#else
    BENCH_CHECK(pthread_create(&t->t, NULL, bench_thread_tramp, t) == 0, "pthread_create");
#endif
    return 0;
}

void bench_thread_join(bench_thread *t)
{
#ifdef _WIN32
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
#else
    pthread_join(t->t, NULL);
#endif
}

/* ---- rounds and the table ---- */

#define BENCH_MAX_VARIANTS 8
#define BENCH_MAX_ROUNDS 1000

static double bench_medians[BENCH_MAX_VARIANTS];
static double bench_values[BENCH_MAX_VARIANTS][BENCH_MAX_ROUNDS];
static const bench_variant *bench_last_v;

double bench_last_median(size_t i)
{
    return i < BENCH_MAX_VARIANTS ? bench_medians[i] : 0.0;
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Prints a value in a fixed-width column: whole numbers from 1000 up, else
 * 4 significant digits. */
static void bench_print_value(double v)
{
    char buf[32];
    if (v >= 1000.0)
        snprintf(buf, sizeof buf, "%.0f", v);
    else if (v >= 100.0)
        snprintf(buf, sizeof buf, "%.1f", v);
    else if (v >= 10.0)
        snprintf(buf, sizeof buf, "%.2f", v);
    else
        snprintf(buf, sizeof buf, "%.3f", v);
    printf(" %11s", buf);
}

void bench_tsv_ratio(const char *scenario, const char *variant, const char *baseline, double ratio)
{
    if (bench_opt.tsv) {
        fprintf(bench_opt.tsv, "ratio\t%s\t%s\t%s\t%.4f\n", scenario, variant, baseline, ratio);
        fflush(bench_opt.tsv);
    }
}

void bench_note(const char *fmt, ...)
{
    va_list ap;
    printf("  ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* The median of the per-round speed ratios of variant i against variant base. */
static double bench_ratio_of(const bench_variant *v, size_t i, size_t base)
{
    double ratios[BENCH_MAX_ROUNDS];
    int r;
    for (r = 0; r < bench_opt.rounds; r++)
        ratios[r] = v[i].higher_is_better ? bench_values[i][r] / bench_values[base][r]
                                          : bench_values[base][r] / bench_values[i][r];
    return bench_median(ratios, (size_t)bench_opt.rounds);
}

double bench_last_ratio(size_t i, size_t base)
{
    return bench_ratio_of(bench_last_v, i, base);
}

void bench_rounds(const char *scenario, const char *title, const bench_variant *v, size_t n,
                  void *ctx, double warmup_scale)
{
    double(*values)[BENCH_MAX_ROUNDS] = bench_values;
    double sorted[BENCH_MAX_ROUNDS];
    int rounds = bench_opt.rounds, r;
    size_t i;
    if (n > BENCH_MAX_VARIANTS || rounds > BENCH_MAX_ROUNDS)
        bench_die("too many variants or rounds");
    bench_last_v = v;
    printf("\n== %s: %s\n", scenario, title);
    fflush(stdout);
    for (i = 0; i < n; i++)
        (void)v[i].run(ctx, warmup_scale);
    for (r = 0; r < rounds; r++) {
        for (i = 0; i < n; i++)
            values[i][r] = v[i].run(ctx, 1.0);
    }
    printf("  %-40s %-7s %11s %11s %11s  %s\n", "variant", "unit", "min", "median", "max",
           "ratio (median of per-round)");
    for (i = 0; i < n; i++) {
        double med, ratio = 0.0;
        memcpy(sorted, values[i], (size_t)rounds * sizeof sorted[0]);
        med = bench_median(sorted, (size_t)rounds);
        bench_medians[i] = med;
        printf("  %-40s %-7s", v[i].name, v[i].unit);
        bench_print_value(sorted[0]);
        bench_print_value(med);
        bench_print_value(sorted[rounds - 1]);
        if (v[i].baseline >= 0) {
            /* A speed ratio either way: >= 1 means at least as fast as the baseline. */
            ratio = bench_ratio_of(v, i, (size_t)v[i].baseline);
            printf("  %.3f vs %s", ratio, v[v[i].baseline].name);
        }
        printf("\n");
        if (bench_opt.tsv) {
            fprintf(bench_opt.tsv, "result\t%s\t%s\t%s\t%.6g\t%.6g\t%.6g\t%s\t%.4f\n", scenario,
                    v[i].name, v[i].unit, sorted[0], med, sorted[rounds - 1],
                    v[i].baseline >= 0 ? v[v[i].baseline].name : "", ratio);
            fflush(bench_opt.tsv);
        }
    }
    fflush(stdout);
}
