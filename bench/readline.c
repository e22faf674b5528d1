/*
 * readline: 2,000,000 lines of 40 to 80 bytes (60 on average, '\n'
 * included) sent over a loopback TCP connection by a writer thread (raw
 * send of 64 KiB pieces of a text made beforehand, the same for every
 * variant), read line by line into a 256-byte buffer:
 *
 *   raw fgets on fdopen       POSIX only: stdio on the socket's descriptor
 *                             (glibc reads a socket 4 KiB at a time)
 *   portsock ps_file_readline ps_makefile(s, "rb", 0) (a 64 KiB buffer)
 *   raw recv + line splitter  recv into a 64 KiB buffer, memchr for '\n',
 *                             each line copied out and NUL-terminated as
 *                             fgets does
 *   raw recv, no line work    the same recvs, bytes counted only: what the
 *                             writer and the kernel cost, the floor no
 *                             line reader can go below
 *
 * Each reader counts lines and bytes and folds every line into a checksum,
 * checked against what was sent. Lines per second.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#define RL_LINE_MAX 256
#define RL_CHUNK 65536

typedef struct rl_ctx {
    long lines;     /* in a full sample */
    char *text;     /* all of them */
    size_t *ends;   /* ends[i]: offset just past line i */
    uint64_t *sums; /* sums[i]: checksum of lines 0..i */
} rl_ctx;

typedef struct rl_result {
    long lines;
    uint64_t bytes, sum;
} rl_result;

/* A small integer hash (also in bench_python.py): the same text on both sides. */
static uint32_t rl_mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Cheap enough not to weigh on the measurement, and it sees every line's
 * length and two of its bytes. */
static inline uint64_t rl_fold(uint64_t sum, const char *line, size_t len)
{
    return sum * 31u + len + ((uint64_t)(unsigned char)line[0] << 8) +
           ((uint64_t)(unsigned char)line[len - 1] << 16);
}

static void rl_make(rl_ctx *c)
{
    char base[256];
    size_t pos = 0, k;
    uint64_t sum = 0;
    long i;
    for (k = 0; k < sizeof base; k++)
        base[k] = (char)(33 + (k * 7) % 94);
    c->text = (char *)malloc((size_t)c->lines * 80);
    c->ends = (size_t *)malloc((size_t)c->lines * sizeof *c->ends);
    c->sums = (uint64_t *)malloc((size_t)c->lines * sizeof *c->sums);
    if (!c->text || !c->ends || !c->sums)
        bench_die("out of memory");
    for (i = 0; i < c->lines; i++) {
        uint32_t h = rl_mix((uint32_t)i);
        size_t len = 40 + h % 41, off = (h >> 8) % 128;
        memcpy(c->text + pos, base + off, len - 1);
        c->text[pos + len - 1] = '\n';
        sum = rl_fold(sum, c->text + pos, len);
        pos += len;
        c->ends[i] = pos;
        c->sums[i] = sum;
    }
}

typedef struct rl_writer {
    const char *text;
    size_t len;
    rsock s;
} rl_writer;

static void rl_writer_thread(void *p)
{
    rl_writer *w = (rl_writer *)p;
    size_t done = 0;
    while (done < w->len) {
        size_t piece = w->len - done < RL_CHUNK ? w->len - done : RL_CHUNK;
        ptrdiff_t n = rsend(w->s, w->text + done, piece);
        if (n < 0 && rinterrupted())
            continue;
        BENCH_CHECK(n > 0, "send");
        done += (size_t)n;
    }
    rclose(w->s); /* EOF for the reader */
}

typedef void (*rl_reader)(rsock s, rl_result *res);

#ifndef _WIN32
static void rl_read_fgets(rsock s, rl_result *res)
{
    char line[RL_LINE_MAX];
    FILE *fp = fdopen(s, "r");
    BENCH_CHECK(fp != NULL, "fdopen");
    while (fgets(line, sizeof line, fp)) {
        size_t len = strlen(line);
        res->lines++;
        res->bytes += len;
        res->sum = rl_fold(res->sum, line, len);
    }
    fclose(fp); /* closes s */
}
#endif

static void rl_read_portsock(rsock s, rl_result *res)
{
    char line[RL_LINE_MAX];
    ps_socket *ps;
    ps_file *f;
    ptrdiff_t len;
    BENCH_PS(ps_socket_from_native(&ps, (ps_native)s));
    BENCH_PS(ps_makefile(ps, "rb", 0, &f));
    while ((len = ps_file_readline(f, line, sizeof line)) > 0) {
        res->lines++;
        res->bytes += (uint64_t)len;
        res->sum = rl_fold(res->sum, line, (size_t)len);
    }
    BENCH_PS(len);
    ps_file_close(f);
    ps_close(ps);
}

static void rl_read_split(rsock s, rl_result *res)
{
    char line[RL_LINE_MAX];
    char *buf = (char *)malloc(RL_CHUNK);
    size_t pos = 0, end = 0;
    if (!buf)
        bench_die("out of memory");
    for (;;) {
        char *nl = (char *)memchr(buf + pos, '\n', end - pos);
        size_t len;
        if (!nl) {
            ptrdiff_t n;
            /* Keep the partial line, refill behind it. */
            memmove(buf, buf + pos, end - pos);
            end -= pos;
            pos = 0;
            if (end == RL_CHUNK)
                bench_die("readline: a line longer than the buffer");
            n = rrecv(s, buf + end, RL_CHUNK - end);
            if (n < 0 && rinterrupted())
                continue;
            BENCH_CHECK(n >= 0, "recv");
            if (n == 0)
                break; /* every line ends with '\n': nothing is left over */
            end += (size_t)n;
            continue;
        }
        len = (size_t)(nl - (buf + pos)) + 1;
        if (len >= RL_LINE_MAX)
            bench_die("readline: a line longer than the line buffer");
        memcpy(line, buf + pos, len);
        line[len] = '\0';
        pos += len;
        res->lines++;
        res->bytes += len;
        res->sum = rl_fold(res->sum, line, len);
    }
    free(buf);
    rclose(s);
}

static void rl_read_bytes_only(rsock s, rl_result *res)
{
    char *buf = (char *)malloc(RL_CHUNK);
    if (!buf)
        bench_die("out of memory");
    for (;;) {
        ptrdiff_t n = rrecv(s, buf, RL_CHUNK);
        if (n < 0 && rinterrupted())
            continue;
        BENCH_CHECK(n >= 0, "recv");
        if (n == 0)
            break;
        res->bytes += (uint64_t)n;
    }
    free(buf);
    rclose(s);
}

static double rl_run(rl_ctx *c, double scale, rl_reader read)
{
    rsock pair[2];
    rl_writer w;
    bench_thread t;
    rl_result res = {0, 0, 0};
    long lines = (long)((double)c->lines * scale);
    double t0, t1;
    if (lines < 1)
        lines = 1;
    rpair_tcp(pair);
    w.text = c->text;
    w.len = c->ends[lines - 1];
    w.s = pair[0];
    t0 = bench_now();
    bench_thread_start(&t, rl_writer_thread, &w);
    read(pair[1], &res);
    t1 = bench_now();
    bench_thread_join(&t);
    if (read == rl_read_bytes_only && res.bytes == (uint64_t)w.len) {
        res.lines = lines; /* not split into lines: only the bytes are checked */
        res.sum = c->sums[lines - 1];
    }
    if (res.lines != lines || res.bytes != (uint64_t)w.len || res.sum != c->sums[lines - 1])
        bench_die("readline: read %ld lines, %llu bytes, checksum %llx; sent %ld, %llu, %llx",
                  res.lines, (unsigned long long)res.bytes, (unsigned long long)res.sum, lines,
                  (unsigned long long)w.len, (unsigned long long)c->sums[lines - 1]);
    return (double)lines / (t1 - t0);
}

#ifndef _WIN32
static double v_fgets(void *c, double s)
{
    return rl_run((rl_ctx *)c, s, rl_read_fgets);
}
#endif
static double v_portsock(void *c, double s)
{
    return rl_run((rl_ctx *)c, s, rl_read_portsock);
}
static double v_split(void *c, double s)
{
    return rl_run((rl_ctx *)c, s, rl_read_split);
}
static double v_bytes_only(void *c, double s)
{
    return rl_run((rl_ctx *)c, s, rl_read_bytes_only);
}

void bench_readline(void)
{
#ifndef _WIN32
    static const bench_variant v[] = {
        {"raw fgets on fdopen", "lines/s", 1, -1, v_fgets},
        {"portsock ps_file_readline", "lines/s", 1, 0, v_portsock},
        {"raw recv + line splitter", "lines/s", 1, -1, v_split},
        {"raw recv, no line work (the floor)", "lines/s", 1, -1, v_bytes_only},
    };
#else
    static const bench_variant v[] = {
        {"raw recv + line splitter", "lines/s", 1, -1, v_split},
        {"portsock ps_file_readline", "lines/s", 1, 0, v_portsock},
        {"raw recv, no line work (the floor)", "lines/s", 1, -1, v_bytes_only},
    };
#endif
    rl_ctx c;
    char title[160];
    c.lines = bench_opt.quick ? 200000 : 2000000;
    rl_make(&c);
    snprintf(title, sizeof title,
             "%ld lines of 40-80 bytes (%.1f MB) over loopback TCP, read line by line", c.lines,
             (double)c.ends[c.lines - 1] / 1e6);
    bench_rounds("readline", title, v, sizeof v / sizeof v[0], &c, 0.25);
#ifndef _WIN32
    bench_note("portsock ps_file_readline vs raw recv + line splitter: %.3f",
               bench_last_ratio(1, 2));
    bench_tsv_ratio("readline", "portsock ps_file_readline", "raw recv + line splitter",
                    bench_last_ratio(1, 2));
    bench_note("portsock ps_file_readline vs the floor: %.3f", bench_last_ratio(1, 3));
#else
    bench_note("portsock ps_file_readline vs the floor: %.3f", bench_last_ratio(1, 2));
#endif
    free(c.text);
    free(c.ends);
    free(c.sums);
}
