/*
 * ps_test.h: the small test framework of portsock's test programs.
 *
 * Include it FIRST in a test program (it sets the POSIX feature macros and,
 * on Windows, includes <winsock2.h> before <windows.h>).
 *
 *   TEST(recv_after_peer_shutdown_wr_returns_zero) { ... ASSERT_... ; }
 *   TEST_LIST = { TEST_ENTRY(recv_after_peer_shutdown_wr_returns_zero), ... };
 *   TEST_MAIN()
 *
 * Running a program with no argument runs every test in a process of its
 * own (fork on POSIX, _spawnv of the program itself on Windows), so that a
 * failing, crashing, leaking (AddressSanitizer) or hanging test is reported
 * by name and cannot hide the others. It prints "ok NAME", "FAIL NAME" or
 * "SKIP NAME" per test and exits 0 (all passed or skipped, at least one
 * passed), 77 (all skipped: ctest's SKIP_RETURN_CODE) or 1.
 *   prog NAME...   runs only the named tests, in this process
 *   prog --list    lists the tests
 *   prog --child NAME   (the runner starting one test; prints no "ok")
 * PS_TEST_INPROCESS=1 runs everything in one process (for a debugger).
 * PS_TEST_NO_THREADS=1 keeps each test process to one thread (below).
 *
 * A failed assertion prints file:line and both values, then ends the
 * process at once (_Exit(1)): a test is one process, so there is nothing to
 * unwind. SKIP("why") ends it with 77. A watchdog ends a test that runs
 * longer than PS_TEST_WATCHDOG_S seconds (POSIX: alarm(); Windows: a thread).
 *
 * Every test that returns is checked for leaked descriptors (POSIX) or
 * handles (Windows): the process must hold the same ones after the test as
 * before it, or the test fails naming each one that differs. And for
 * leaked memory: portsock allocates through a counting allocator
 * (ps_set_allocator), and a test that leaves more portsock allocations
 * outstanding than it found fails, on every target.
 */
#ifndef PS_TEST_H
#define PS_TEST_H

#ifndef _WIN32
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#endif

#ifdef _WIN32
/* C99 printf (%zu, %lld) from mingw-w64's own stdio, not msvcrt's. */
#if defined(__MINGW32__) && !defined(__USE_MINGW_ANSI_STDIO)
#define __USE_MINGW_ANSI_STDIO 1
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <process.h>
#else
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portsock.h"

/* gcc on mingw-w64 checks formats as its C99 stdio (gnu_printf); clang
 * has no gnu_printf and checks printf as C99 with __USE_MINGW_ANSI_STDIO. */
#if defined(__MINGW32__) && !defined(__clang__)
#define PS_TEST_UNUSED __attribute__((unused))
#define PS_TEST_NORETURN __attribute__((noreturn))
#define PS_TEST_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#elif defined(__GNUC__) || defined(__clang__)
#define PS_TEST_UNUSED __attribute__((unused))
#define PS_TEST_NORETURN __attribute__((noreturn))
#define PS_TEST_PRINTF(a, b) __attribute__((format(printf, a, b)))
#elif defined(_MSC_VER)
/* MSVC has no "unused" attribute: its warning for an unreferenced static
 * function (C4505, /W4) is turned off for the test programs instead. */
#pragma warning(disable : 4505)
#define PS_TEST_UNUSED
#define PS_TEST_NORETURN __declspec(noreturn)
#define PS_TEST_PRINTF(a, b)
#else
#define PS_TEST_UNUSED
#define PS_TEST_NORETURN
#define PS_TEST_PRINTF(a, b)
#endif

/* Watchdogs, in seconds; a program may set longer ones before including
 * this file. PS_TEST_TIME_SCALE=N in the environment multiplies them (the
 * valgrind row runs everything some ten times slower). */
#ifndef PS_TEST_WATCHDOG_S
#define PS_TEST_WATCHDOG_S 60 /* one test */
#endif
#ifndef PS_TEST_PROGRAM_WATCHDOG_S
#define PS_TEST_PROGRAM_WATCHDOG_S 110 /* the whole program (ctest's TIMEOUT is 120) */
#endif
#define PS_TEST_SKIP_CODE 77
#define PS_TEST_ADDRLEN 200 /* room for any formatted ps_addr */

/* ------------------------------------------------------------------------ */
/* Failing and skipping                                                     */
/* ------------------------------------------------------------------------ */

static const char *ps_test_current_ PS_TEST_UNUSED = "?";

static PS_TEST_NORETURN PS_TEST_PRINTF(3, 4) PS_TEST_UNUSED
    void ps_test_fail_(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "# %s: %s:%d: ", ps_test_current_, file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    fflush(stderr);
    _Exit(1);
}

static PS_TEST_NORETURN PS_TEST_UNUSED void ps_test_skip_(const char *file, int line,
                                                          const char *why)
{
    fprintf(stdout, "# %s: skipped at %s:%d: %s\n", ps_test_current_, file, line, why);
    fflush(stdout);
    fflush(stderr);
    _Exit(PS_TEST_SKIP_CODE);
}

#define FAILF(...) ps_test_fail_(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(why) ps_test_skip_(__FILE__, __LINE__, (why))

/* Emulated targets (issue 16). The Linux cross presets run every program
 * under qemu-user and set PS_TEST_EMULATOR to its command (e.g.
 * "qemu-s390x -L /usr/s390x-linux-gnu"). SKIP_UNDER_QEMU(why) skips a case
 * whose system call qemu-user translates differently from the kernel; the
 * reason names qemu's limit (docs/platforms.md lists them). Never for a
 * result portsock itself could get wrong on that target. */
static PS_TEST_UNUSED int ps_test_under_qemu_(void)
{
    const char *emu = getenv("PS_TEST_EMULATOR");
    return emu != NULL && strstr(emu, "qemu-") != NULL;
}
#define SKIP_UNDER_QEMU(why)               \
    do {                                   \
        if (ps_test_under_qemu_())         \
            SKIP("under qemu-user: " why); \
    } while (0)

/* One thread only (issue 16: windows-x86 where the kernel runs no i386
 * code). qemu-i386 7.2 shares one thread-local segment between all threads
 * of a process, so a 32-bit Wine program that starts a second thread
 * crashes now and then. PS_TEST_NO_THREADS=1 makes a test process keep to
 * one thread: the Windows watchdog thread is not started (the outside
 * runner, scripts/windows-x86-cases, ends a case that runs too long; the
 * POSIX watchdog is alarm(), no thread, and stays), and a case that starts
 * a thread (test_thread_spawn, the tests' only way to) skips, naming the
 * emulator, before the thread exists. The leak and heap checks run as
 * always: neither starts a thread. */
#define PS_TEST_NO_THREADS_WHY \
    "needs a second thread: qemu-i386 7.2 shares one thread-local segment between threads"
static PS_TEST_UNUSED int ps_test_no_threads_(void)
{
    const char *v = getenv("PS_TEST_NO_THREADS");
    return v != NULL && strcmp(v, "1") == 0;
}

/* A note in the output (for platform differences worth seeing in the log). */
#define NOTE(...)                                    \
    do {                                             \
        fprintf(stdout, "# %s: ", ps_test_current_); \
        fprintf(stdout, __VA_ARGS__);                \
        fputc('\n', stdout);                         \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Assertions: each operand is evaluated once                               */
/* ------------------------------------------------------------------------ */

#define PS_TEST_CMP_(a, op, b)                                                      \
    do {                                                                            \
        long long ps_t_a_ = (long long)(a);                                         \
        long long ps_t_b_ = (long long)(b);                                         \
        if (!(ps_t_a_ op ps_t_b_))                                                  \
            FAILF("ASSERT(%s %s %s): %lld vs %lld", #a, #op, #b, ps_t_a_, ps_t_b_); \
    } while (0)

#define ASSERT_EQ(a, b) PS_TEST_CMP_(a, ==, b)
#define ASSERT_NE(a, b) PS_TEST_CMP_(a, !=, b)
#define ASSERT_LT(a, b) PS_TEST_CMP_(a, <, b)
#define ASSERT_LE(a, b) PS_TEST_CMP_(a, <=, b)
#define ASSERT_GT(a, b) PS_TEST_CMP_(a, >, b)
#define ASSERT_GE(a, b) PS_TEST_CMP_(a, >=, b)

/* Floating-point comparisons (times, timeouts). */
#define PS_TEST_DCMP_(a, op, b)                                                       \
    do {                                                                              \
        double ps_t_da_ = (double)(a);                                                \
        double ps_t_db_ = (double)(b);                                                \
        if (!(ps_t_da_ op ps_t_db_))                                                  \
            FAILF("ASSERT(%s %s %s): %.6g vs %.6g", #a, #op, #b, ps_t_da_, ps_t_db_); \
    } while (0)

#define ASSERT_DBL_EQ(a, b) PS_TEST_DCMP_(a, ==, b)
#define ASSERT_DBL_LT(a, b) PS_TEST_DCMP_(a, <, b)
#define ASSERT_DBL_GE(a, b) PS_TEST_DCMP_(a, >=, b)

#define ASSERT_TRUE(c)                    \
    do {                                  \
        if (!(c))                         \
            FAILF("ASSERT_TRUE(%s)", #c); \
    } while (0)
#define ASSERT_FALSE(c)                    \
    do {                                   \
        if (c)                             \
            FAILF("ASSERT_FALSE(%s)", #c); \
    } while (0)
#define ASSERT_NULL(p)                    \
    do {                                  \
        if ((p) != NULL)                  \
            FAILF("ASSERT_NULL(%s)", #p); \
    } while (0)
#define ASSERT_NOT_NULL(p)                    \
    do {                                      \
        if ((p) == NULL)                      \
            FAILF("ASSERT_NOT_NULL(%s)", #p); \
    } while (0)

#define ASSERT_STREQ(a, b)                                                           \
    do {                                                                             \
        const char *ps_t_sa_ = (a);                                                  \
        const char *ps_t_sb_ = (b);                                                  \
        if (ps_t_sa_ == NULL || ps_t_sb_ == NULL || strcmp(ps_t_sa_, ps_t_sb_) != 0) \
            FAILF("ASSERT_STREQ(%s, %s): \"%s\" vs \"%s\"", #a, #b,                  \
                  ps_t_sa_ ? ps_t_sa_ : "(null)", ps_t_sb_ ? ps_t_sb_ : "(null)");   \
    } while (0)

#define ASSERT_MEMEQ(a, b, n)                                                  \
    do {                                                                       \
        size_t ps_t_n_ = (size_t)(n);                                          \
        if (memcmp((a), (b), ps_t_n_) != 0)                                    \
            FAILF("ASSERT_MEMEQ(%s, %s, %zu): bytes differ", #a, #b, ps_t_n_); \
    } while (0)

/* A portsock result that must be a success (>= 0); prints the error. */
#define ASSERT_OK(expr)                                                                         \
    do {                                                                                        \
        long long ps_t_r_ = (long long)(expr);                                                  \
        if (ps_t_r_ < 0)                                                                        \
            FAILF("ASSERT_OK(%s): got %lld (%s: %s)", #expr, ps_t_r_, ps_errname((int)ps_t_r_), \
                  ps_strerror((int)ps_t_r_));                                                   \
    } while (0)

/* A portsock result that must be exactly the error `code`. */
#define ASSERT_ERR(expr, code)                                                                  \
    do {                                                                                        \
        long long ps_t_r_ = (long long)(expr);                                                  \
        int ps_t_w_ = (code);                                                                   \
        if (ps_t_r_ != ps_t_w_)                                                                 \
            FAILF("ASSERT_ERR(%s, %s): got %lld (%s), want %d (%s)", #expr, #code, ps_t_r_,     \
                  ps_t_r_ >= INT_MIN && ps_t_r_ < 0 ? ps_errname((int)ps_t_r_) : "OK", ps_t_w_, \
                  ps_errname(ps_t_w_));                                                         \
    } while (0)

/* A portsock result that must be one of two errors. */
#define ASSERT_ERR2(expr, code1, code2)                                                     \
    do {                                                                                    \
        long long ps_t_r_ = (long long)(expr);                                              \
        int ps_t_w1_ = (code1), ps_t_w2_ = (code2);                                         \
        if (ps_t_r_ != ps_t_w1_ && ps_t_r_ != ps_t_w2_)                                     \
            FAILF("ASSERT_ERR2(%s, %s, %s): got %lld (%s)", #expr, #code1, #code2, ps_t_r_, \
                  ps_t_r_ >= INT_MIN && ps_t_r_ < 0 ? ps_errname((int)ps_t_r_) : "OK");     \
    } while (0)

/* Any failure (< 0), no crash; prints what it was. */
#define ASSERT_FAILS(expr)                                       \
    do {                                                         \
        long long ps_t_r_ = (long long)(expr);                   \
        if (ps_t_r_ >= 0)                                        \
            FAILF("ASSERT_FAILS(%s): got %lld", #expr, ps_t_r_); \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Descriptors and handles the process holds (the leak check)               */
/* ------------------------------------------------------------------------ */

#define PS_TEST_MAX_HANDLES 4096

/* What the process holds: how many, and the first PS_TEST_MAX_HANDLES of
 * them (descriptor numbers or handle values). */
typedef struct ps_test_handles {
    size_t n;
    uintptr_t v[PS_TEST_MAX_HANDLES];
} ps_test_handles;

static void ps_test_handles_add_(ps_test_handles *h, uintptr_t v)
{
    if (h->n < PS_TEST_MAX_HANDLES)
        h->v[h->n] = v;
    h->n++;
}

#ifdef _WIN32
/* Windows: GetProcessHandleCount would only count, so the handles come
 * from the system's handle table, filtered to this process: the extended
 * class (64, full-width process ids) where it exists, else the classic one
 * (16). Wine (where that count is always 0) is probed instead, below. */
typedef LONG(WINAPI *ps_test_ntqsi_fn_)(ULONG, PVOID, ULONG, PULONG);
typedef struct {
    PVOID object;
    ULONG_PTR pid;
    ULONG_PTR value;
    ULONG access;
    USHORT backtrace;
    USHORT type;
    ULONG attributes;
    ULONG reserved;
} ps_test_handle_ex_;
typedef struct {
    ULONG_PTR count;
    ULONG_PTR reserved;
    ps_test_handle_ex_ h[1];
} ps_test_handles_ex_;
typedef struct {
    USHORT pid;
    USHORT backtrace;
    UCHAR type;
    UCHAR attributes;
    USHORT value;
    PVOID object;
    ULONG access;
} ps_test_handle_16_;
typedef struct {
    ULONG count;
    ps_test_handle_16_ h[1];
} ps_test_handles_16_;

#define PS_TEST_STATUS_INFO_LENGTH_MISMATCH ((LONG)0xC0000004L)

/* Fills h from the system handle table; 0, or -1 when it cannot be read. */
static int ps_test_handles_from_table_(ps_test_handles *h, HMODULE ntdll)
{
    static const ULONG classes[2] = {64, 16};
    ps_test_ntqsi_fn_ query;
    DWORD self = GetCurrentProcessId();
    size_t c;
    query = (ps_test_ntqsi_fn_)(void (*)(void))GetProcAddress(ntdll, "NtQuerySystemInformation");
    if (query == NULL)
        return -1;
    for (c = 0; c < 2; c++) {
        ULONG size = 1u << 20;
        for (;;) {
            void *buf = malloc(size);
            ULONG need = 0;
            LONG st;
            if (buf == NULL)
                return -1;
            st = query(classes[c], buf, size, &need);
            if (st == PS_TEST_STATUS_INFO_LENGTH_MISMATCH && size < (1u << 28)) {
                free(buf);
                size = need > size ? need + 65536 : size * 2;
                continue;
            }
            if (st < 0) {
                free(buf);
                break; /* this class is not there: the next one */
            }
            if (classes[c] == 64) {
                const ps_test_handles_ex_ *t = (const ps_test_handles_ex_ *)buf;
                ULONG_PTR i;
                for (i = 0; i < t->count; i++) {
                    if (t->h[i].pid == self)
                        ps_test_handles_add_(h, (uintptr_t)t->h[i].value);
                }
            } else {
                const ps_test_handles_16_ *t = (const ps_test_handles_16_ *)buf;
                ULONG i;
                for (i = 0; i < t->count; i++) {
                    if (t->h[i].pid == (USHORT)self)
                        ps_test_handles_add_(h, (uintptr_t)t->h[i].value);
                }
            }
            free(buf);
            return 0;
        }
    }
    return -1;
}

/* Wine hands out the lowest free handle value (4, 8, 12, ...): probing
 * values upwards until this many in a row are free has seen every handle. */
#define PS_TEST_WINE_HANDLE_GAP 256

/* Fills h by asking each handle value in turn (Wine only); 0. */
static int ps_test_handles_by_probing_(ps_test_handles *h)
{
    uintptr_t v;
    unsigned free_run = 0;
    for (v = 4; free_run < PS_TEST_WINE_HANDLE_GAP; v += 4) {
        DWORD flags;
        if (GetHandleInformation((HANDLE)v, &flags)) {
            ps_test_handles_add_(h, v);
            free_run = 0;
        } else {
            free_run++;
        }
    }
    return 0;
}

/* Fills h; 0, or -1 when the handles cannot be listed. Under Wine 8 the
 * system handle table is not asked for: asking while other processes start
 * and end crashed the wine server or broke other processes' connections
 * to it ("wine client error: sendmsg: Socket operation on non-socket"),
 * which hung or killed whole test programs under ctest -j2
 * (docs/windows-caveats.md, row 38). */
static int ps_test_handles_take_(ps_test_handles *h)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    h->n = 0;
    if (ntdll == NULL)
        return -1;
    if (GetProcAddress(ntdll, "wine_get_version") != NULL)
        return ps_test_handles_by_probing_(h);
    return ps_test_handles_from_table_(h, ntdll);
}

/* "handle 0x34 (Event)": the value and the object type's name. */
static void ps_test_handle_describe_(uintptr_t v, char *out, size_t size)
{
    typedef LONG(WINAPI * query_object_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);
    struct {
        USHORT len, max;
        WCHAR *text;
    } * type_name;
    union {
        void *align;
        unsigned char bytes[1024];
    } info;
    char type[64] = "no longer valid";
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    query_object_fn query =
        ntdll ? (query_object_fn)(void (*)(void))GetProcAddress(ntdll, "NtQueryObject") : NULL;
    ULONG need = 0;
    /* Class 2 (ObjectTypeInformation) starts with the type's name. */
    if (query != NULL && query((HANDLE)v, 2, info.bytes, sizeof info.bytes, &need) >= 0) {
        size_t i;
        type_name = (void *)info.bytes;
        for (i = 0; i < type_name->len / 2u && i < sizeof type - 1; i++)
            type[i] = type_name->text[i] < 128 ? (char)type_name->text[i] : '?';
        type[i] = '\0';
    }
    snprintf(out, size, "handle 0x%llx (%s)", (unsigned long long)v, type);
}

/* 1 for the one new handle the test may not account for: under Wine,
 * ws2_32 keeps an event per thread for its blocking calls, made at the
 * thread's first one and closed only when the thread ends. */
static int ps_test_handle_not_the_tests_(uintptr_t v)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    char what[300];
    if (ntdll == NULL || GetProcAddress(ntdll, "wine_get_version") == NULL)
        return 0;
    ps_test_handle_describe_(v, what, sizeof what);
    return strstr(what, "(Event)") != NULL;
}
#else
/* Fills h from /proc/self/fd (Linux) or, elsewhere, by asking every number
 * below the descriptor limit; 0, or -1 when neither works. */
static int ps_test_handles_take_(ps_test_handles *h)
{
    DIR *d = opendir("/proc/self/fd");
    h->n = 0;
    if (d != NULL) {
        struct dirent *e;
        int own = dirfd(d);
        while ((e = readdir(d)) != NULL) {
            char *end;
            long fd = strtol(e->d_name, &end, 10);
            if (e->d_name[0] == '.' || *end != '\0' || fd == own)
                continue;
            ps_test_handles_add_(h, (uintptr_t)fd);
        }
        closedir(d);
        return 0;
    } else {
        struct rlimit rl;
        long fd, limit = 65536;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            rl.rlim_cur < (rlim_t)limit)
            limit = (long)rl.rlim_cur;
        for (fd = 0; fd < limit; fd++) {
            if (fcntl((int)fd, F_GETFD) != -1)
                ps_test_handles_add_(h, (uintptr_t)fd);
        }
        return 0;
    }
}

static int ps_test_handle_not_the_tests_(uintptr_t v)
{
    (void)v;
    return 0;
}

static void ps_test_handle_describe_(uintptr_t v, char *out, size_t size)
{
    char path[64], target[200];
    ssize_t n;
    snprintf(path, sizeof path, "/proc/self/fd/%d", (int)v);
    n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    snprintf(out, size, "descriptor %d%s%s", (int)v, n > 0 ? " -> " : "", target);
}
#endif

static int ps_test_handles_has_(const ps_test_handles *h, uintptr_t v)
{
    size_t i, n = h->n < PS_TEST_MAX_HANDLES ? h->n : PS_TEST_MAX_HANDLES;
    for (i = 0; i < n; i++) {
        if (h->v[i] == v)
            return 1;
    }
    return 0;
}

/* How many descriptors (POSIX) or handles (Windows) the process holds now. */
static PS_TEST_UNUSED size_t test_handle_count(void)
{
    static ps_test_handles now;
    if (ps_test_handles_take_(&now) < 0)
        FAILF("cannot list the process's descriptors/handles");
    return now.n;
}

/* Fails the current test, naming each descriptor or handle that differs,
 * unless the process holds exactly what it held before. */
static void ps_test_handles_check_(const ps_test_handles *before, const ps_test_handles *after)
{
    size_t i, differ = 0, excused = 0;
    char what[300];
    for (i = 0; i < after->n && i < PS_TEST_MAX_HANDLES; i++) {
        if (!ps_test_handles_has_(before, after->v[i])) {
            if (excused == 0 && ps_test_handle_not_the_tests_(after->v[i])) {
                excused = 1;
                continue;
            }
            ps_test_handle_describe_(after->v[i], what, sizeof what);
            fprintf(stdout, "# %s: leaked %s\n", ps_test_current_, what);
            differ++;
        }
    }
    for (i = 0; i < before->n && i < PS_TEST_MAX_HANDLES; i++) {
        if (!ps_test_handles_has_(after, before->v[i])) {
            ps_test_handle_describe_(before->v[i], what, sizeof what);
            fprintf(stdout, "# %s: closed what it did not open: %s\n", ps_test_current_, what);
            differ++;
        }
    }
    if (differ > 0 || before->n + excused != after->n)
        FAILF("leak check: %zu descriptors/handles before the test, %zu after", before->n,
              after->n);
}

/* ------------------------------------------------------------------------ */
/* The heap check: every portsock allocation is counted                     */
/* ------------------------------------------------------------------------ */

/* Each test process installs this counting allocator with ps_set_allocator
 * before its first portsock call, and every test that returns must leave
 * as many portsock allocations outstanding as it found (none, in its own
 * process): a socket, stream, selector or buffer that portsock does not
 * free fails the test on every target, Windows under Wine included, where
 * no AddressSanitizer or valgrind runs. */
static volatile long ps_test_alloc_live_ = 0;

static long ps_test_alloc_add_(long delta)
{
#ifdef _WIN32
    return (long)InterlockedExchangeAdd((volatile LONG *)&ps_test_alloc_live_, (LONG)delta) + delta;
#else
    return __atomic_add_fetch(&ps_test_alloc_live_, delta, __ATOMIC_SEQ_CST);
#endif
}

static void *ps_test_malloc_(size_t size)
{
    void *p = malloc(size);
    if (p)
        ps_test_alloc_add_(1);
    return p;
}

static void *ps_test_realloc_(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (q && !p)
        ps_test_alloc_add_(1);
    return q;
}

static void *ps_test_calloc_(size_t count, size_t size)
{
    void *p = calloc(count, size);
    if (p)
        ps_test_alloc_add_(1);
    return p;
}

static void ps_test_free_(void *p)
{
    if (p) {
        free(p);
        ps_test_alloc_add_(-1);
    }
}

/* portsock's allocations outstanding now (through the counting allocator). */
static PS_TEST_UNUSED long test_alloc_outstanding(void)
{
    return ps_test_alloc_add_(0);
}

/* Puts the counting allocator back (a test that installed another one must
 * call it before it returns); fails the test if portsock refuses. */
static PS_TEST_UNUSED void test_alloc_install(void)
{
    int rc = ps_set_allocator(ps_test_malloc_, ps_test_realloc_, ps_test_calloc_, ps_test_free_);
    if (rc != 0)
        FAILF("heap check: ps_set_allocator refused the counting allocator: %s", ps_errname(rc));
}

/* Fails the current test unless as many allocations are outstanding as
 * `before`. */
static void ps_test_alloc_check_(long before)
{
    long after = test_alloc_outstanding();
    if (after != before)
        FAILF("heap check: %ld portsock allocations outstanding after the test, %ld before", after,
              before);
}

/* NaN and infinity made at run time: the C runtime's NAN and INFINITY
 * macros are constant expressions that recent MSVC SDKs warn about
 * (C4756, an error at /WX). */
static PS_TEST_UNUSED double test_nan(void)
{
    volatile double zero = 0.0;
    return zero / zero;
}

static PS_TEST_UNUSED double test_inf(void)
{
    volatile double zero = 0.0;
    return 1.0 / zero;
}

/* ------------------------------------------------------------------------ */
/* Registration and the runner                                              */
/* ------------------------------------------------------------------------ */

typedef void (*ps_test_fn)(void);
typedef struct ps_test_entry {
    const char *name;
    ps_test_fn fn;
} ps_test_entry;

#define TEST(name) static void name(void)
/* clang-format off */
#define TEST_ENTRY(name) {#name, name}
/* clang-format on */
#define TEST_LIST static const ps_test_entry ps_test_list_[]
#define TEST_MAIN() TEST_MAIN_WITH_SETUP(NULL)
/* setup() runs in each test's process before the test (and before the
 * leak check's first count): the place for a SKIP that every test shares. */
#define TEST_MAIN_WITH_SETUP(setup)                                           \
    int main(int argc, char **argv)                                           \
    {                                                                         \
        ps_test_setup_ = (setup);                                             \
        return ps_test_main_(argc, argv, ps_test_list_,                       \
                             sizeof ps_test_list_ / sizeof ps_test_list_[0]); \
    }

static ps_test_fn ps_test_setup_ PS_TEST_UNUSED = NULL;

/* PS_TEST_TIME_SCALE from the environment: 1 to 100, else 1. */
static unsigned ps_test_time_scale_(void)
{
    const char *text = getenv("PS_TEST_TIME_SCALE");
    long n = text ? strtol(text, NULL, 10) : 1;
    return n >= 1 && n <= 100 ? (unsigned)n : 1u;
}

#ifdef _WIN32
static DWORD WINAPI ps_test_watchdog_thread_(LPVOID arg)
{
    DWORD seconds = (DWORD)(uintptr_t)arg;
    Sleep(seconds * 1000u);
    fprintf(stdout, "# %s: watchdog: still running after %lu s, killed\n", ps_test_current_,
            (unsigned long)seconds);
    fflush(stdout);
    /* Not ExitProcess: DLL detach code could wait for a lock that the stuck
     * thread holds. */
    TerminateProcess(GetCurrentProcess(), 1);
    return 0;
}

static void ps_test_watchdog_(unsigned seconds)
{
    HANDLE h;
    if (ps_test_no_threads_())
        return; /* PS_TEST_NO_THREADS: the outside runner keeps the time */
    seconds *= ps_test_time_scale_();
    h = CreateThread(NULL, 0, ps_test_watchdog_thread_, (LPVOID)(uintptr_t)seconds, 0, NULL);
    if (h == NULL) {
        fprintf(stdout, "# cannot start the watchdog thread\n");
        exit(1);
    }
    CloseHandle(h);
}
#else
static void ps_test_alarm_handler_(int sig)
{
    /* write() only: this runs in a signal handler */
    static const char pre[] = "# ";
    static const char msg[] = ": watchdog: still running after its time limit, killed\n";
    const char *name = ps_test_current_;
    size_t n = 0;
    ssize_t r;
    (void)sig;
    while (name[n] != '\0' && n < 200)
        n++;
    r = write(1, pre, sizeof pre - 1);
    r = write(1, name, n);
    r = write(1, msg, sizeof msg - 1);
    (void)r;
    _exit(1);
}

static void ps_test_watchdog_(unsigned seconds)
{
    signal(SIGALRM, ps_test_alarm_handler_);
    alarm(seconds * ps_test_time_scale_());
}
#endif

/* Runs one test in this process; returns only on success. */
static void ps_test_run_here_(const ps_test_entry *t)
{
    static ps_test_handles before, after;
    long allocs;
    const char *wait_timeouts = getenv("PS_TEST_WAIT_TIMEOUTS");
    ps_test_current_ = t->name;
    ps_test_watchdog_(PS_TEST_WATCHDOG_S);
    /* The same tests once more with timeouts waited for by poll instead of
     * the kernel's socket timeouts (ctest's *_wait variants set this). */
    if (wait_timeouts && strcmp(wait_timeouts, "1") == 0 &&
        ps_diag_force(PS_DIAG_FORCE_WAIT_TIMEOUTS, 1) < 0)
        FAILF("ps_diag_force(PS_DIAG_FORCE_WAIT_TIMEOUTS) failed");
    /* Before any portsock call: ps_set_allocator is refused while an
     * allocation of the previous allocator is alive. */
    if (test_alloc_outstanding() == 0)
        test_alloc_install();
    if (ps_test_setup_ != NULL)
        ps_test_setup_();
    /* The socket layer is started first: what it holds for the process
     * (Winsock's own handles) is not the test's. */
    if (ps_init() < 0)
        FAILF("ps_init failed");
    if (ps_test_handles_take_(&before) < 0)
        FAILF("leak check: cannot list the process's descriptors/handles");
    allocs = test_alloc_outstanding();
    t->fn();
    ps_test_alloc_check_(allocs);
    if (ps_test_handles_take_(&after) < 0)
        FAILF("leak check: cannot list the process's descriptors/handles");
    ps_test_handles_check_(&before, &after);
    ps_cleanup();
    ps_test_current_ = "?";
}

/* Runs one test in a child process; returns its exit status (0, 77, other). */
static int ps_test_run_child_(const char *argv0, const ps_test_entry *t)
{
    fflush(stdout);
    fflush(stderr);
#ifdef _WIN32
    {
        char path[MAX_PATH + 1];
        char quoted[MAX_PATH + 4];
        const char *args[4];
        intptr_t rc;
        DWORD n = GetModuleFileNameA(NULL, path, MAX_PATH);
        (void)argv0;
        if (n == 0 || n >= MAX_PATH)
            return -1;
        path[n] = '\0';
        snprintf(quoted, sizeof quoted, "\"%s\"", path);
        args[0] = quoted;
        args[1] = "--child";
        args[2] = t->name;
        args[3] = NULL;
        errno = 0;
        rc = _spawnv(_P_WAIT, path, args);
        /* -1 is also a child's exit status: errno tells a child that never
         * started. */
        if (rc == -1 && errno != 0)
            fprintf(stdout, "# %s: could not start its process: %s (errno %d, GetLastError %lu)\n",
                    t->name, strerror(errno), errno, (unsigned long)GetLastError());
        return (int)rc;
    }
#else
    {
        pid_t pid;
        int status = 0;
        (void)argv0;
        pid = fork();
        if (pid < 0) {
            fprintf(stdout, "# fork failed (errno %d)\n", errno);
            return -1;
        }
        if (pid == 0) {
            ps_test_run_here_(t);
            exit(0); /* through atexit: LeakSanitizer checks this test */
        }
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR)
                return -1;
        }
        if (WIFEXITED(status))
            return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) {
            fprintf(stdout, "# %s: killed by signal %d\n", t->name, WTERMSIG(status));
            return 128 + WTERMSIG(status);
        }
        return -1;
    }
#endif
}

static PS_TEST_UNUSED int ps_test_main_(int argc, char **argv, const ps_test_entry *tests, size_t n)
{
    size_t i;
    int passed = 0, failed = 0, skipped = 0;
    const char *inproc = getenv("PS_TEST_INPROCESS");

    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
#ifdef _WIN32
    /* A crashing test ends with its exception code: no error dialog
     * (Windows) or debugger (Wine) waiting for somebody (children inherit
     * the mode). */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
#endif

    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (i = 0; i < n; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    if (argc > 1) {
        /* The named tests, here; a failure ends the process at once.
         * "--child NAME" is how the runner starts one test (quietly). */
        int a = 1, quiet = 0;
        if (strcmp(argv[1], "--child") == 0) {
            quiet = 1;
            a = 2;
        }
        for (; a < argc; a++) {
            for (i = 0; i < n; i++) {
                if (strcmp(argv[a], tests[i].name) == 0)
                    break;
            }
            if (i == n) {
                printf("# no test named %s\n", argv[a]);
                return 1;
            }
            ps_test_run_here_(&tests[i]);
            if (!quiet)
                printf("ok %s\n", tests[i].name);
        }
        return 0;
    }

    ps_test_watchdog_(PS_TEST_PROGRAM_WATCHDOG_S);
    for (i = 0; i < n; i++) {
        int rc;
        if (inproc != NULL && strcmp(inproc, "1") == 0) {
            ps_test_run_here_(&tests[i]);
            rc = 0;
        } else {
            rc = ps_test_run_child_(argv[0], &tests[i]);
        }
        if (rc == 0) {
            printf("ok %s\n", tests[i].name);
            passed++;
        } else if (rc == PS_TEST_SKIP_CODE) {
            printf("SKIP %s\n", tests[i].name);
            skipped++;
        } else {
            printf("FAIL %s (exit status %d = 0x%x)\n", tests[i].name, rc, (unsigned)rc);
            failed++;
        }
    }
    printf("# %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    if (failed > 0)
        return 1;
    if (passed == 0 && skipped > 0)
        return PS_TEST_SKIP_CODE;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Time and threads                                                         */
/* ------------------------------------------------------------------------ */

static PS_TEST_UNUSED void test_sleep_ms(unsigned ms)
{
#ifdef _WIN32
    Sleep(ms);
#else
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
#endif
}

/* Monotonic seconds. */
static PS_TEST_UNUSED double test_now(void)
{
#ifdef _WIN32
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

typedef struct test_thread {
    void (*fn)(void *);
    void *arg;
#ifdef _WIN32
    HANDLE h;
#else
    pthread_t t;
#endif
} test_thread;

#ifdef _WIN32
static unsigned __stdcall ps_test_thread_tramp_(void *p)
{
    test_thread *t = (test_thread *)p;
    t->fn(t->arg);
    return 0;
}
#else
static void *ps_test_thread_tramp_(void *p)
{
    test_thread *t = (test_thread *)p;
    t->fn(t->arg);
    return NULL;
}
#endif

/* Starts fn(arg) on a thread; *t must live until test_thread_join. */
static PS_TEST_UNUSED void test_thread_spawn(test_thread *t, void (*fn)(void *), void *arg)
{
    if (ps_test_no_threads_())
        SKIP(PS_TEST_NO_THREADS_WHY);
    t->fn = fn;
    t->arg = arg;
#ifdef _WIN32
    t->h = (HANDLE)_beginthreadex(NULL, 0, ps_test_thread_tramp_, t, 0, NULL);
    if (t->h == NULL)
        FAILF("_beginthreadex failed");
#else
    if (pthread_create(&t->t, NULL, ps_test_thread_tramp_, t) != 0)
        FAILF("pthread_create failed");
#endif
}

static PS_TEST_UNUSED void test_thread_join(test_thread *t)
{
#ifdef _WIN32
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
#else
    pthread_join(t->t, NULL);
#endif
}

/* 1 when this Windows program runs under Wine (whose ntdll exports
 * wine_get_version), 0 on real Windows and on POSIX. Wine differs from
 * Windows in a few documented ways (shared/design/wine.md): a test asserts
 * what each one does. */
static PS_TEST_UNUSED int test_under_wine(void)
{
#ifdef _WIN32
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
    return 0;
#endif
}

/* 1 when this program runs under valgrind (which preloads its vgpreload
 * libraries), else 0. Valgrind emulates a few things a test may depend on:
 * the descriptor limit, the timing of signal delivery. */
static PS_TEST_UNUSED int test_under_valgrind(void)
{
#ifdef _WIN32
    return 0;
#else
    const char *preload = getenv("LD_PRELOAD");
    return preload != NULL && strstr(preload, "/vgpreload") != NULL;
#endif
}

/* ------------------------------------------------------------------------ */
/* Address and socket helpers                                               */
/* ------------------------------------------------------------------------ */

/* The formatted text of a (asserting it formats). */
static PS_TEST_UNUSED const char *test_fmt(const ps_addr *a, char buf[PS_TEST_ADDRLEN])
{
    ASSERT_OK(ps_addr_format(a, buf, PS_TEST_ADDRLEN));
    return buf;
}

/* A parsed address (asserting it parses). */
static PS_TEST_UNUSED ps_addr test_addr(const char *text)
{
    ps_addr a;
    memset(&a, 0, sizeof a);
    ASSERT_OK(ps_addr_parse(&a, text));
    return a;
}

/* Same length and same bytes over that length. */
static PS_TEST_UNUSED int test_addr_equal(const ps_addr *a, const ps_addr *b)
{
    return a->len == b->len && a->len <= sizeof a->storage.bytes &&
           memcmp(a->storage.bytes, b->storage.bytes, a->len) == 0;
}

/* Asserts that two addresses format to the same text. */
#define ASSERT_ADDR_TEXT_EQ(a, b)                                       \
    do {                                                                \
        char ps_t_ba_[PS_TEST_ADDRLEN], ps_t_bb_[PS_TEST_ADDRLEN];      \
        ASSERT_STREQ(test_fmt((a), ps_t_ba_), test_fmt((b), ps_t_bb_)); \
    } while (0)

/* The loopback host of a family: "127.0.0.1" or "::1". */
static PS_TEST_UNUSED const char *test_loopback(int family)
{
    return family == PS_AF_INET6 ? "::1" : "127.0.0.1";
}

/* A socket of family/type bound to the loopback address, port 0; *addr (if
 * not NULL) receives the address it got. */
static PS_TEST_UNUSED ps_socket *test_bound(int family, int type, ps_addr *addr)
{
    ps_socket *s = NULL;
    ps_addr a;
    ASSERT_OK(ps_socket_open(&s, family, type, 0));
    ASSERT_NOT_NULL(s);
    ASSERT_OK(ps_addr_set(&a, test_loopback(family), 0));
    ASSERT_OK(ps_bind(s, &a));
    if (addr != NULL)
        ASSERT_OK(ps_getsockname(s, addr));
    return s;
}

/* A TCP listener on the loopback address of family, port 0. */
static PS_TEST_UNUSED ps_socket *test_listener(int family, ps_addr *addr)
{
    ps_socket *s = test_bound(family, PS_SOCK_STREAM, addr);
    ASSERT_OK(ps_listen(s, PS_BACKLOG_DEFAULT));
    return s;
}

/* A connected TCP pair over loopback: *client connected, *server accepted. */
static PS_TEST_UNUSED void test_tcp_pair(int family, ps_socket **client, ps_socket **server)
{
    ps_addr la;
    ps_socket *l = test_listener(family, &la);
    *client = NULL;
    *server = NULL;
    ASSERT_OK(ps_socket_open(client, family, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(*client, &la));
    ASSERT_OK(ps_accept(l, server, NULL));
    ASSERT_NOT_NULL(*server);
    ASSERT_OK(ps_close(l));
}

/* Receives exactly n bytes (bounded by the socket's own mode and the
 * watchdog); fails the test on EOF or error. */
static PS_TEST_UNUSED void test_recv_exact(ps_socket *s, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ptrdiff_t r = ps_recv(s, (char *)buf + got, n - got, 0);
        ASSERT_OK(r);
        if (r == 0)
            FAILF("test_recv_exact: EOF after %zu of %zu bytes", got, n);
        got += (size_t)r;
    }
}

/* ------------------------------------------------------------------------ */
/* Checksums                                                                */
/* ------------------------------------------------------------------------ */

/* A checksum of a byte stream cut anywhere: 64-bit words folded in order
 * (fast enough not to limit throughput figures), then the tail and the
 * length. */
typedef struct test_sum {
    uint64_t h, n;
    unsigned char part[8];
    unsigned npart;
} test_sum;

static PS_TEST_UNUSED void test_sum_init(test_sum *w)
{
    w->h = 0x243F6A8885A308D3ull;
    w->n = 0;
    w->npart = 0;
}

static PS_TEST_UNUSED void test_sum_fold(test_sum *w, uint64_t x)
{
    w->h = (((w->h << 5) | (w->h >> 59)) ^ x) * 0x9E3779B97F4A7C15ull;
}

static PS_TEST_UNUSED void test_sum_add(test_sum *w, const unsigned char *p, size_t n)
{
    w->n += n;
    while (n > 0 && w->npart > 0) {
        w->part[w->npart++] = *p++;
        n--;
        if (w->npart == 8) {
            uint64_t x;
            memcpy(&x, w->part, 8);
            test_sum_fold(w, x);
            w->npart = 0;
        }
    }
    while (n >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        test_sum_fold(w, x);
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        w->part[w->npart++] = *p++;
        n--;
    }
}

static PS_TEST_UNUSED uint64_t test_sum_end(const test_sum *w)
{
    test_sum t = *w;
    uint64_t x = 0;
    memcpy(&x, t.part, t.npart);
    test_sum_fold(&t, x);
    test_sum_fold(&t, t.n);
    return t.h;
}

/* ------------------------------------------------------------------------ */
/* Shared test helpers: time bounds, IPv6, dead handles, data patterns      */
/* ------------------------------------------------------------------------ */

/* PS_TEST_TIME_SCALE (1 to 100): how much slower than a quiet native machine
 * this run may be (valgrind, Wine, qemu, a loaded machine). */
static PS_TEST_UNUSED double test_time_scale(void)
{
    return (double)ps_test_time_scale_();
}

/* An upper bound of `seconds` on a quiet machine, stretched for this run:
 * asserted bounds use it, so a slow target never fails a correct library. */
static PS_TEST_UNUSED double test_scaled(double seconds)
{
    return seconds * test_time_scale();
}

/* 1 when this machine can use ::1 (a socket of family PS_AF_INET6 binds to
 * it), else 0. */
static PS_TEST_UNUSED int test_have_ipv6(void)
{
    ps_socket *s = NULL;
    ps_addr a;
    int r = ps_socket_open(&s, PS_AF_INET6, PS_SOCK_STREAM, 0);
    if (r < 0)
        return 0;
    ASSERT_OK(ps_addr_set(&a, "::1", 0));
    r = ps_bind(s, &a);
    ASSERT_OK(ps_close(s));
    return r == 0;
}

/* What a socket whose native handle is gone reports (portsock.h, the
 * conventions at its top): PS_EBADF on POSIX, PS_ENOTSOCK on Windows. */
#ifdef _WIN32
#define TEST_DEAD_HANDLE_ERR PS_ENOTSOCK
#else
#define TEST_DEAD_HANDLE_ERR PS_EBADF
#endif

/* Waits, bounded by test_scaled(5 s), until s is readable (data, a
 * connection to accept, EOF or a reset has arrived) and asserts it is: the
 * handshake that replaces "sleep a little and hope it has arrived". */
static PS_TEST_UNUSED void test_wait_readable(ps_socket *s)
{
    ps_pollfd p;
    p.sock = s;
    p.events = PS_POLLIN;
    p.revents = 0;
    if (ps_poll(&p, 1, test_scaled(5.0)) != 1 || !(p.revents & PS_POLLIN))
        FAILF("the socket did not become readable within %.1f s (revents %#x)", test_scaled(5.0),
              (unsigned)p.revents);
}

/* The k-th 64-bit word of the tests' reproducible data pattern (a mix of k,
 * so that a byte moved, lost or doubled anywhere shows). */
static PS_TEST_UNUSED uint64_t test_pattern_word(uint64_t k)
{
    k = k * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    k ^= k >> 29;
    k *= 0xBF58476D1CE4E5B9ull;
    k ^= k >> 32;
    return k;
}

#endif /* PS_TEST_H */
