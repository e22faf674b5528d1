/*
 * Relaxed atomic loads and stores of the few fields that one thread may
 * write while another reads them: a socket's timeout and mode (ps_settimeout
 * during a call), the process-wide default timeout, the diagnostic counters
 * and knobs. Relaxed is enough: each value stands alone (a call takes a
 * snapshot of it, and any snapshot is safe, timeout.c), and on the targets
 * these are the plain loads and stores the compiler would emit anyway,
 * without the data race that ThreadSanitizer and the C11 memory model
 * forbid. One count must be exact and ordered as well: the allocator's
 * live blocks (ps__count_add).
 */
#ifndef PS_ATOMIC_H
#define PS_ATOMIC_H

#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)

static inline double ps__load_double(const double *p)
{
    double v;
    __atomic_load(p, &v, __ATOMIC_RELAXED);
    return v;
}

static inline void ps__store_double(double *p, double v)
{
    __atomic_store(p, &v, __ATOMIC_RELAXED);
}

static inline int ps__load_int(const int *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void ps__store_int(int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline uint64_t ps__load_u64(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Exact when threads count at once. */
static inline void ps__add_u64(uint64_t *p, uint64_t n)
{
    __atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

/* A count that must be exact across threads and read as a whole (the
 * allocator's live blocks): adds n and returns the new value. */
static inline int64_t ps__count_add(int64_t *p, int64_t n)
{
    return __atomic_add_fetch(p, n, __ATOMIC_SEQ_CST);
}

#elif defined(_MSC_VER)

/* MSVC: aligned volatile accesses of up to 64 bits are single loads and
 * stores on x86, x64 and ARM64 (/volatile:iso still keeps them whole). */
#include <intrin.h>

static inline double ps__load_double(const double *p)
{
    return *(const volatile double *)p;
}

static inline void ps__store_double(double *p, double v)
{
    *(volatile double *)p = v;
}

static inline int ps__load_int(const int *p)
{
    return *(const volatile int *)p;
}

static inline void ps__store_int(int *p, int v)
{
    *(volatile int *)p = v;
}

static inline uint64_t ps__load_u64(const uint64_t *p)
{
    return *(const volatile uint64_t *)p;
}

static inline void ps__add_u64(uint64_t *p, uint64_t n)
{
    _InterlockedExchangeAdd64((volatile __int64 *)p, (__int64)n);
}

static inline int64_t ps__count_add(int64_t *p, int64_t n)
{
    return _InterlockedExchangeAdd64((volatile __int64 *)p, (__int64)n) + n;
}

#else
#error "portsock needs GCC/clang __atomic builtins or MSVC"
#endif

#endif /* PS_ATOMIC_H */
