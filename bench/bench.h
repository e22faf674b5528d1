/*
 * bench.h: what the scenarios of the benchmark share - the raw OS calls each
 * scenario compares portsock with, threads pinned to one CPU, a clock, and
 * the rounds that run raw and portsock variants alternately.
 *
 * Benchmark code, not library code: it calls the OS directly on purpose
 * (that is the point of comparison), so it has platform #ifdefs.
 */
#ifndef BENCH_H
#define BENCH_H

/* Include this first: the POSIX and GNU calls the benchmark compares with
 * (fdopen, accept4, sched_setaffinity, pthread_setaffinity_np) need it. */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifdef _WIN32
#if defined(__MINGW32__) && !defined(__USE_MINGW_ANSI_STDIO)
#define __USE_MINGW_ANSI_STDIO 1 /* C99 printf (%zu) */
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#else
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "portsock.h"

/* ---- raw sockets: the same few calls on both platforms ---- */

/* RPOLLIN / RPOLLOUT: the events a raw program asks for. On Windows
 * POLLRDNORM / POLLWRNORM, as portsock asks WSAPoll for (POLLIN adds
 * POLLRDBAND, which Wine's WSAPoll serves more slowly). */
#ifdef _WIN32
typedef SOCKET rsock;
#define RSOCK_INVALID INVALID_SOCKET
#define RPOLL WSAPoll
#define RPOLLIN POLLRDNORM
#define RPOLLOUT POLLWRNORM
typedef WSAPOLLFD rpollfd;
#else
typedef int rsock;
#define RSOCK_INVALID (-1)
#define RPOLL poll
#define RPOLLIN POLLIN
#define RPOLLOUT POLLOUT
typedef struct pollfd rpollfd;
#endif

/* Blocking send / recv of up to len bytes: the count, or -1. */
static inline ptrdiff_t rsend(rsock s, const void *buf, size_t len)
{
#ifdef _WIN32
    return send(s, (const char *)buf, (int)len, 0);
#else
    return send(s, buf, len, MSG_NOSIGNAL);
#endif
}

static inline ptrdiff_t rrecv(rsock s, void *buf, size_t len)
{
#ifdef _WIN32
    return recv(s, (char *)buf, (int)len, 0);
#else
    return recv(s, buf, len, 0);
#endif
}

/* 1 when the last raw call failed because it would block. */
static inline int rwouldblock(void)
{
#ifdef _WIN32
    return WSAGetLastError() == WSAEWOULDBLOCK;
#else
    return errno == EAGAIN || errno == EWOULDBLOCK;
#endif
}

/* 1 when the last raw call was interrupted by a signal (never on Windows). */
static inline int rinterrupted(void)
{
#ifdef _WIN32
    return 0;
#else
    return errno == EINTR;
#endif
}

void rclose(rsock s);
int rset_nonblocking(rsock s, int on);
int rset_nodelay(rsock s);
/* SO_LINGER {1, 0}: close resets, leaving no TIME_WAIT behind. */
int rset_linger0(rsock s);
/* A non-inheritable TCP socket (as portsock makes them). */
rsock rsocket_tcp(void);
/* A TCP listener on 127.0.0.1 with a port of the system's choice. */
rsock rlisten_loopback(struct sockaddr_in *addr);
/* A connected loopback TCP pair made with raw calls (blocking). */
int rpair_tcp(rsock pair[2]);
/* The last raw error, for messages. */
int rerrno(void);

/* ---- portsock helpers ---- */

/* A connected loopback TCP pair made with portsock calls (blocking). */
int pspair_tcp(ps_socket *pair[2]);

/* ---- time, CPUs, threads ---- */

double bench_now(void); /* monotonic seconds */

/* Pins the calling thread to the benchmark's CPU unless --no-pin. Every
 * thread of a scenario calls it, so they all share that one CPU. */
void bench_pin_self(void);

typedef struct bench_thread {
    void (*fn)(void *);
    void *arg;
#ifdef _WIN32
    HANDLE h;
#else
    pthread_t t;
#endif
} bench_thread;

/* Starts fn(arg) on a new thread pinned like the caller. */
int bench_thread_start(bench_thread *t, void (*fn)(void *), void *arg);
void bench_thread_join(bench_thread *t);

/* Ends the program with a message (a benchmark that cannot do its work has
 * no number to report). */
#if defined(__MINGW32__) && !defined(__clang__)
#define BENCH_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#define BENCH_NORETURN __attribute__((noreturn))
#elif defined(__GNUC__) || defined(__clang__)
#define BENCH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define BENCH_NORETURN __attribute__((noreturn))
#else
#define BENCH_PRINTF(a, b)
#define BENCH_NORETURN
#endif
BENCH_NORETURN BENCH_PRINTF(1, 2) void bench_die(const char *fmt, ...);

#define BENCH_CHECK(cond, what)                                                                \
    do {                                                                                       \
        if (!(cond))                                                                           \
            bench_die("%s:%d: %s failed (os error %d)", __FILE__, __LINE__, (what), rerrno()); \
    } while (0)

#define BENCH_PS(expr)                                                                          \
    do {                                                                                        \
        long long bench_rc_ = (long long)(expr);                                                \
        if (bench_rc_ < 0)                                                                      \
            bench_die("%s:%d: %s: %s", __FILE__, __LINE__, #expr, ps_strerror((int)bench_rc_)); \
    } while (0)

/* ---- options and rounds ---- */

typedef struct bench_options {
    int rounds; /* measured rounds per scenario */
    int quick;  /* small sizes, for a smoke run */
    int pin;    /* pin every thread to one CPU */
    int cpu;    /* that CPU */
    long idle;  /* selector: idle connections (-1: the platform's default) */
    FILE *tsv;  /* machine-readable results, or NULL */
} bench_options;

extern bench_options bench_opt;

/* One thing measured in each round. `run` does the work once at the given
 * scale (1.0 = a full sample; the warm-up uses less) and returns the
 * measured value in `unit`. */
typedef struct bench_variant {
    const char *name;
    const char *unit;
    int higher_is_better; /* 1 for throughput, 0 for a cost (time) */
    int baseline;         /* index of the variant it is compared with, or -1 */
    double (*run)(void *ctx, double scale);
} bench_variant;

/* Runs the variants in list order, round after round (raw and portsock
 * variants alternate in the lists), after one warm-up of each at
 * warmup_scale, and prints the table. */
void bench_rounds(const char *scenario, const char *title, const bench_variant *v, size_t n,
                  void *ctx, double warmup_scale);

/* A line under a scenario's table. */
BENCH_PRINTF(1, 2) void bench_note(const char *fmt, ...);

/* An extra ratio in the --tsv file (one the table's ratio column lacks). */
void bench_tsv_ratio(const char *scenario, const char *variant, const char *baseline, double ratio);

/* The medians of the last bench_rounds, by variant index, and the median of
 * the per-round speed ratios of variant i against variant base. */
double bench_last_median(size_t i);
double bench_last_ratio(size_t i, size_t base);

/* ---- the scenarios ---- */

void bench_pingpong(void);
void bench_bulk(void);
void bench_connect(void);
void bench_readline(void);
void bench_selector(void);

#endif /* BENCH_H */
