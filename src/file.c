/* ps_file: the buffered stream behind ps_makefile(). Reads and writes go
 * through the socket's own timeout; a call that times out leaves every byte
 * where the next call will find it. */
#include "core.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PS__FILE_DEFAULT_BUFSIZE 65536
#define PS__FILE_LINE_BUFSIZE 8192

#if defined(_MSC_VER)
#define PS__NOINLINE __declspec(noinline)
#elif defined(__GNUC__) || defined(__clang__)
#define PS__NOINLINE __attribute__((noinline))
#else
#define PS__NOINLINE
#endif

struct ps_file {
    ps_socket *s;
    int readable, writable, line_buffered;
    size_t bufsize; /* the nominal size of each buffer */
    /* Read buffer: unread bytes are rbuf[rpos..rend). */
    char *rbuf;
    size_t rcap, rpos, rend;
    /* Write buffer: wbuf[0..wlen) waits to be sent. wcap can exceed bufsize
     * after ps_file_printf took a long text whole. */
    char *wbuf;
    size_t wcap, wlen;
    /* The error that cut the last ps_file_write short after it had taken
     * bytes (it returned the count): the next write-side call returns it. */
    int werr;
};

/* mode: 'r', 'w' and 'b' in any order (as Python's makefile), each at most
 * once, at least one of 'r' and 'w'. */
static int ps__mode_parse(const char *mode, int *readable, int *writable)
{
    int r = 0, w = 0, b = 0;
    for (; *mode; mode++) {
        int *seen = *mode == 'r' ? &r : *mode == 'w' ? &w : *mode == 'b' ? &b : NULL;
        if (!seen || *seen)
            return PS_EINVAL;
        *seen = 1;
    }
    if (!r && !w)
        return PS_EINVAL;
    *readable = r;
    *writable = w;
    return 0;
}

int ps_makefile(ps_socket *s, const char *mode, size_t bufsize, ps_file **out)
{
    ps_file *f;
    int readable, writable;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (!s || !mode || ps__mode_parse(mode, &readable, &writable) < 0 || bufsize > INT_MAX)
        return PS_EINVAL;
    f = (ps_file *)ps__calloc(1, sizeof *f);
    if (!f)
        return PS_ENOMEM;
    f->s = s;
    f->readable = readable;
    f->writable = writable;
    f->line_buffered = bufsize == 1;
    f->bufsize = bufsize == 0   ? PS__FILE_DEFAULT_BUFSIZE
                 : bufsize == 1 ? PS__FILE_LINE_BUFSIZE
                                : bufsize;
    s->refs++;
    *out = f;
    return 0;
}

/* Grows a buffer to hold at least `need` bytes. */
static int ps__reserve(char **buf, size_t *cap, size_t need)
{
    char *p;
    size_t n = *cap ? *cap : need;
    if (need <= *cap)
        return 0;
    while (n < need)
        n = n > ((size_t)-1) / 2 ? need : n * 2;
    p = (char *)ps__realloc(*buf, n);
    if (!p)
        return PS_ENOMEM;
    *buf = p;
    *cap = n;
    return 0;
}

/* The error a short ps_file_write kept, once. */
static int ps__pending_write_error(ps_file *f)
{
    int rc = f->werr;
    f->werr = 0;
    return rc;
}

/* Sends what is buffered; on failure the unsent rest stays, in order. */
static int ps__flush(ps_file *f)
{
    size_t sent = 0;
    int rc;
    if (f->wlen == 0)
        return 0;
    rc = ps_sendall(f->s, f->wbuf, f->wlen, 0, &sent);
    if (sent > 0) {
        memmove(f->wbuf, f->wbuf + sent, f->wlen - sent);
        f->wlen -= sent;
    }
    return rc;
}

/* Receives once into the read buffer, making room for `want` unread bytes
 * in all. Pending writes go out first: a peer cannot answer a request that
 * still sits in our buffer. Returns the count received, 0 at EOF. */
static ptrdiff_t ps__fill(ps_file *f, size_t want)
{
    size_t have = f->rend - f->rpos;
    size_t need = want > f->bufsize ? want : f->bufsize; /* unread + free space */
    ptrdiff_t n;
    int rc;
    if (f->writable && (rc = ps__flush(f)) < 0)
        return rc;
    if (need <= have)
        need = have + 1; /* always room for at least one new byte */
    if (f->rcap - f->rpos < need && f->rpos > 0) {
        memmove(f->rbuf, f->rbuf + f->rpos, have);
        f->rpos = 0;
        f->rend = have;
    }
    if (f->rcap - f->rpos < need && (rc = ps__reserve(&f->rbuf, &f->rcap, f->rpos + need)) < 0)
        return rc;
    n = ps_recv(f->s, f->rbuf + f->rend, f->rcap - f->rend, 0);
    if (n > 0)
        f->rend += (size_t)n;
    return n;
}

/* Puts bytes a failed read had taken back in front of the buffer. */
static int ps__unread(ps_file *f, const char *data, size_t n)
{
    size_t have = f->rend - f->rpos;
    int rc;
    if (n == 0)
        return 0;
    if (f->rpos >= n) {
        f->rpos -= n;
        memcpy(f->rbuf + f->rpos, data, n);
        return 0;
    }
    if ((rc = ps__reserve(&f->rbuf, &f->rcap, n + have)) < 0)
        return rc;
    memmove(f->rbuf + n, f->rbuf + f->rpos, have);
    memcpy(f->rbuf, data, n);
    f->rpos = 0;
    f->rend = n + have;
    return 0;
}

ptrdiff_t ps_file_read(ps_file *f, void *buf, size_t n)
{
    char *out = (char *)buf;
    size_t done = 0;
    ptrdiff_t got;
    int rc;
    if (!f || (!buf && n > 0) || n > (size_t)PTRDIFF_MAX)
        return PS_EINVAL;
    if (!f->readable)
        return PS_EBADF;
    while (done < n) {
        size_t have = f->rend - f->rpos;
        if (have > 0) {
            size_t take = have < n - done ? have : n - done;
            memcpy(out + done, f->rbuf + f->rpos, take);
            f->rpos += take;
            done += take;
            continue;
        }
        if (n - done >= f->bufsize) {
            /* A large read skips the buffer, as stdio does. */
            if (f->writable && (rc = ps__flush(f)) < 0)
                got = rc;
            else
                got = ps_recv(f->s, out + done, n - done, 0);
            if (got > 0)
                done += (size_t)got;
        } else {
            got = ps__fill(f, 0);
        }
        if (got == 0)
            break;
        if (got < 0) {
            rc = ps__unread(f, out, done);
            return rc < 0 ? rc : got;
        }
    }
    return (ptrdiff_t)done;
}

/* ps_file_readline past its fast path: fills the buffer until a '\n', max
 * bytes or the end of the stream. The first `scanned` unread bytes are
 * known to hold no '\n'. Kept out of line, so that the fast path saves no
 * registers for it. */
static PS__NOINLINE ptrdiff_t ps__readline_slow(ps_file *f, char *buf, size_t max, size_t scanned)
{
    for (;;) {
        /* rbuf is NULL until the first fill: no arithmetic on it before. */
        const char *start = f->rbuf ? f->rbuf + f->rpos : NULL;
        size_t have = f->rend - f->rpos, look = have < max ? have : max, len = 0;
        const char *nl =
            look > scanned ? (const char *)memchr(start + scanned, '\n', look - scanned) : NULL;
        ptrdiff_t got;
        if (nl)
            len = (size_t)(nl - start) + 1;
        else if (have >= max)
            len = max;
        if (len == 0) {
            scanned = look;
            got = ps__fill(f, max);
            if (got < 0)
                return got;
            if (got > 0)
                continue;
            len = have; /* EOF: the last piece, maybe without '\n', or 0 */
        }
        /* Not `start`: the fill may have moved the buffer. */
        if (len > 0)
            memcpy(buf, f->rbuf + f->rpos, len);
        buf[len] = '\0';
        f->rpos += len;
        return (ptrdiff_t)len;
    }
}

ptrdiff_t ps_file_readline(ps_file *f, char *buf, size_t size)
{
    size_t max, buffered, look;
    const char *start, *nl;
    if (!f || !buf || size < 2 || size - 1 > (size_t)PTRDIFF_MAX)
        return PS_EINVAL;
    if (!f->readable)
        return PS_EBADF;
    max = size - 1;
    buffered = f->rend - f->rpos;
    if (buffered == 0)
        return ps__readline_slow(f, buf, max, 0);
    /* The common case, the whole line already buffered: one memchr and one
     * copy. */
    start = f->rbuf + f->rpos;
    look = buffered < max ? buffered : max;
    nl = (const char *)memchr(start, '\n', look);
    if (!nl)
        return ps__readline_slow(f, buf, max, look);
    look = (size_t)(nl - start) + 1;
    memcpy(buf, start, look);
    buf[look] = '\0';
    f->rpos += look;
    return (ptrdiff_t)look;
}

ptrdiff_t ps_file_write(ps_file *f, const void *buf, size_t n)
{
    const char *p = (const char *)buf;
    size_t taken = 0;
    int rc = 0;
    if (!f || (!buf && n > 0) || n > (size_t)PTRDIFF_MAX)
        return PS_EINVAL;
    if (!f->writable)
        return PS_EBADF;
    if ((rc = ps__pending_write_error(f)) < 0)
        return rc;
    while (taken < n) {
        size_t room;
        if (f->wlen >= f->bufsize && (rc = ps__flush(f)) < 0)
            break;
        if (f->wlen == 0 && n - taken >= f->bufsize) {
            /* A large write skips the buffer. */
            size_t sent = 0;
            rc = ps_sendall(f->s, p + taken, n - taken, 0, &sent);
            taken += sent;
            break;
        }
        /* ps_file_printf may have made a smaller buffer first. */
        if (f->wcap < f->bufsize && (rc = ps__reserve(&f->wbuf, &f->wcap, f->bufsize)) < 0)
            break;
        room = f->bufsize > f->wlen ? f->bufsize - f->wlen : 0;
        if (room > n - taken)
            room = n - taken;
        memcpy(f->wbuf + f->wlen, p + taken, room);
        f->wlen += room;
        taken += room;
    }
    if (rc == 0 && f->line_buffered && memchr(p, '\n', n))
        rc = ps__flush(f);
    /* Taken bytes are the caller's answer even when sending them failed; the
     * error waits for the next call, as a short write(2) is followed by the
     * call that fails. */
    if (taken > 0 && rc < 0) {
        f->werr = rc;
        return (ptrdiff_t)taken;
    }
    return taken > 0 ? (ptrdiff_t)taken : rc;
}

int ps_file_printf(ps_file *f, const char *fmt, ...)
{
    va_list ap;
    size_t len;
    int n, rc;
    if (!f || !fmt)
        return PS_EINVAL;
    if (!f->writable)
        return PS_EBADF;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return PS_EINVAL;
    len = (size_t)n;
    /* The text is taken whole, so a timeout never leaves half a line. */
    if ((rc = ps__reserve(&f->wbuf, &f->wcap, f->wlen + len + 1)) < 0)
        return rc;
    va_start(ap, fmt);
    vsnprintf(f->wbuf + f->wlen, len + 1, fmt, ap);
    va_end(ap);
    f->wlen += len;
    if (f->wlen >= f->bufsize || (f->line_buffered && memchr(f->wbuf + f->wlen - len, '\n', len)))
        if ((rc = ps__flush(f)) < 0)
            return rc;
    return n;
}

int ps_file_flush(ps_file *f)
{
    int rc;
    if (!f)
        return PS_EINVAL;
    if (!f->writable)
        return 0;
    if ((rc = ps__pending_write_error(f)) < 0)
        return rc;
    return ps__flush(f);
}

int ps_file_close(ps_file *f)
{
    int rc, released;
    if (!f)
        return PS_EINVAL;
    rc = f->writable ? ps__flush(f) : 0;
    if (rc == 0 && f->werr < 0)
        rc = f->werr; /* a short write's error nobody has seen yet */
    released = ps__socket_release(f->s);
    ps__free(f->rbuf);
    ps__free(f->wbuf);
    ps__free(f);
    return rc < 0 ? rc : released;
}

ptrdiff_t ps_file_pending(const ps_file *f)
{
    return f ? (ptrdiff_t)(f->rend - f->rpos) : PS_EINVAL;
}

int ps_file_fd(ps_file *f)
{
    return f ? ps__sys_descriptor(f->s->h) : PS_EINVAL;
}

int ps_fdopen(ps_socket *s, const char *mode, FILE **out)
{
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (!s || !mode || !*mode)
        return PS_EINVAL;
    return ps__sys_fdopen(s->h, mode, out);
}
