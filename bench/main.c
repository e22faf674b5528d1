/*
 * bench: portsock against the raw OS calls doing the same work, in one
 * process, raw and portsock variants alternating round after round.
 *
 *   bench [--scenario NAME]... [--rounds R] [--quick] [--no-pin] [--cpu N]
 *         [--idle N] [--tsv FILE]
 *
 * Scenarios: pingpong, bulk, connect, readline, selector (default: all).
 * Every ratio is a speed ratio portsock/raw: >= 1.00 means portsock is at
 * least as fast (for a cost such as a wait's time, raw time / portsock time).
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <sched.h>
#include <sys/utsname.h>
#include <time.h>
#endif

typedef struct bench_scenario {
    const char *name;
    void (*run)(void);
} bench_scenario;

static const bench_scenario bench_scenarios[] = {
    {"pingpong", bench_pingpong}, {"bulk", bench_bulk},         {"connect", bench_connect},
    {"readline", bench_readline}, {"selector", bench_selector},
};
#define BENCH_NSCENARIOS (sizeof bench_scenarios / sizeof bench_scenarios[0])

static void bench_usage(FILE *out)
{
    fprintf(out, "usage: bench [--scenario NAME]... [--rounds R] [--quick] [--no-pin] [--cpu N]\n"
                 "             [--idle N] [--tsv FILE]\n"
                 "  --scenario NAME  pingpong, bulk, connect, readline or selector (repeatable;\n"
                 "                   default: all)\n"
                 "  --rounds R       measured rounds per scenario (default 7), after a warm-up\n"
                 "  --quick          small sizes, for a smoke run\n"
                 "  --no-pin         let the threads of a scenario run on any CPU\n"
                 "  --cpu N          the CPU to pin to (default: the least busy one, Linux; else\n"
                 "                   the last one allowed)\n"
                 "  --idle N         selector: idle connections (default 10000; 1000 on Windows)\n"
                 "  --tsv FILE       also write the results as tab-separated lines\n");
}

/* How busy the chosen CPU was before the run (0..1), or -1 when not measured. */
static double bench_cpu_busy = -1.0;

#ifdef __linux__
/* Busy and total jiffies of each CPU from /proc/stat; returns how many CPUs. */
static int bench_cpu_times(unsigned long long *busy, unsigned long long *total, int max)
{
    char line[512];
    int n = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f) && n < max) {
        unsigned long long v[8] = {0};
        int cpu;
        if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]) < 5 ||
            cpu != n)
            continue;
        /* user nice system idle iowait irq softirq steal */
        busy[n] = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        total[n] = busy[n] + v[3] + v[4];
        n++;
    }
    fclose(f);
    return n;
}
#endif

/* The CPU every thread runs on unless --no-pin: on Linux the one of the
 * allowed CPUs that was least busy over the last half second (on a shared
 * machine another process may hold one of them), else the last one allowed
 * (CPU 0 tends to take more of the machine's interrupts). */
static int bench_default_cpu(void)
{
#ifdef _WIN32
    DWORD_PTR proc = 0, sys = 0;
    int cpu;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys) || proc == 0)
        return 0;
    for (cpu = (int)(8 * sizeof proc) - 1; cpu > 0; cpu--) {
        if (proc & ((DWORD_PTR)1 << cpu))
            break;
    }
    return cpu;
#else
    cpu_set_t set;
    int cpu, last = 0;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    for (cpu = CPU_SETSIZE - 1; cpu > 0; cpu--) {
        if (CPU_ISSET(cpu, &set))
            break;
    }
    last = cpu;
#ifdef __linux__
    {
        enum { MAXCPU = 256 };
        static unsigned long long b0[MAXCPU], t0[MAXCPU], b1[MAXCPU], t1[MAXCPU];
        struct timespec half = {0, 500000000L};
        int n0 = bench_cpu_times(b0, t0, MAXCPU), n1, best = -1;
        double best_load = 2.0;
        nanosleep(&half, NULL);
        n1 = bench_cpu_times(b1, t1, MAXCPU);
        for (cpu = (n0 < n1 ? n0 : n1) - 1; cpu >= 0; cpu--) {
            double load;
            if (!CPU_ISSET(cpu, &set) || t1[cpu] <= t0[cpu])
                continue;
            load = (double)(b1[cpu] - b0[cpu]) / (double)(t1[cpu] - t0[cpu]);
            /* Ties (within 5%) go to the higher-numbered CPU. */
            if (load < best_load - 0.05) {
                best_load = load;
                best = cpu;
            }
        }
        if (best >= 0) {
            bench_cpu_busy = best_load;
            return best;
        }
    }
#endif
    return last;
#endif
}

static void bench_print_header(void)
{
    printf("portsock %s benchmark", ps_version());
#ifdef _WIN32
    {
        /* Wine says so through an export of ntdll. */
        typedef const char *(__cdecl * wine_version_fn)(void);
        HMODULE ntdll = GetModuleHandleA("ntdll.dll");
        FARPROC p = ntdll ? GetProcAddress(ntdll, "wine_get_version") : NULL;
        wine_version_fn wv;
        memcpy(&wv, &p, sizeof wv);
        if (wv)
            printf(" - Windows build under Wine %s", wv());
        else
            printf(" - Windows");
    }
#else
    {
        struct utsname u;
        if (uname(&u) == 0)
            printf(" - %s %s %s", u.sysname, u.release, u.machine);
    }
#endif
    printf("\n");
#if defined(__clang__)
    printf("compiler: clang %s\n", __clang_version__);
#elif defined(__GNUC__)
    printf("compiler: gcc %s\n", __VERSION__);
#endif
    if (bench_opt.pin && bench_cpu_busy >= 0.0)
        printf("pinned: every thread of a scenario on CPU %d (the least busy: %.0f%% in the "
               "half second before)",
               bench_opt.cpu, 100.0 * bench_cpu_busy);
    else if (bench_opt.pin)
        printf("pinned: every thread of a scenario on CPU %d", bench_opt.cpu);
    else
        printf("not pinned (--no-pin)");
    printf("; %d rounds after a warm-up%s\n", bench_opt.rounds,
           bench_opt.quick ? "; --quick sizes (a smoke run, not a measurement)" : "");
    printf("ratio = portsock speed / raw speed, median of the per-round ratios: "
           ">= 1.00 means portsock is at least as fast\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int want[BENCH_NSCENARIOS] = {0}, any = 0, a;
    size_t i;
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        bench_die("WSAStartup failed");
#endif
    BENCH_PS(ps_init());
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a];
        const char *val = a + 1 < argc ? argv[a + 1] : NULL;
        if (strcmp(arg, "--scenario") == 0 && val) {
            for (i = 0; i < BENCH_NSCENARIOS; i++) {
                if (strcmp(val, bench_scenarios[i].name) == 0)
                    break;
            }
            if (i == BENCH_NSCENARIOS) {
                fprintf(stderr, "bench: no scenario %s\n", val);
                bench_usage(stderr);
                return 2;
            }
            want[i] = any = 1;
            a++;
        } else if (strcmp(arg, "--rounds") == 0 && val) {
            bench_opt.rounds = atoi(val);
            if (bench_opt.rounds < 1 || bench_opt.rounds > 1000) {
                fprintf(stderr, "bench: --rounds takes 1..1000\n");
                return 2;
            }
            a++;
        } else if (strcmp(arg, "--cpu") == 0 && val) {
            bench_opt.cpu = atoi(val);
            a++;
        } else if (strcmp(arg, "--idle") == 0 && val) {
            bench_opt.idle = atol(val);
            a++;
        } else if (strcmp(arg, "--tsv") == 0 && val) {
            bench_opt.tsv = fopen(val, "w");
            if (!bench_opt.tsv)
                bench_die("cannot write %s", val);
            a++;
        } else if (strcmp(arg, "--quick") == 0) {
            bench_opt.quick = 1;
        } else if (strcmp(arg, "--no-pin") == 0) {
            bench_opt.pin = 0;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            bench_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "bench: unknown argument %s\n", arg);
            bench_usage(stderr);
            return 2;
        }
    }
    if (bench_opt.cpu < 0)
        bench_opt.cpu = bench_default_cpu();
    bench_pin_self();
    bench_print_header();
    for (i = 0; i < BENCH_NSCENARIOS; i++) {
        if (!any || want[i])
            bench_scenarios[i].run();
    }
    if (bench_opt.tsv)
        fclose(bench_opt.tsv);
    ps_cleanup();
#ifdef _WIN32
    WSACleanup();
#endif
    return 0;
}
