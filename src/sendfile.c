/* ps_sendfile: the kernel's fast path where the backend has one, a read +
 * send loop everywhere else, one deadline over both, and the file position
 * always left just after the last byte really sent. */
#include "core.h"

#include <stdlib.h>

#define PS__COPY_CHUNK 65536

/* Remaining bytes of a request: count 0 means "to EOF". */
static uint64_t ps__left(uint64_t count, uint64_t sent)
{
    return count == 0 ? UINT64_MAX : count - sent;
}

typedef struct ps__file_call {
    FILE *f;
    uint64_t offset, count; /* count 0: to EOF */
    uint64_t *sent;
    const char *buf; /* the copy path's chunk */
    size_t len;
    int nonblocking; /* the socket's native mode as portsock set it */
    /* Kernel-timed socket: sendfile(2) waits by the socket-wide
     * SO_SNDTIMEO, which no call may narrow (timeout.c), so only the first
     * try is the kernel's: the rest of the time goes to the copy path,
     * whose sends keep the deadline. */
    int kernel_timed;
    int tries;
} ps__file_call;

static ptrdiff_t ps__try_sendfile(ps_socket *s, void *ctx, int dontwait)
{
    ps__file_call *c = (ps__file_call *)ctx;
    int64_t n;
    (void)dontwait; /* sendfile follows the socket's mode: PS__RUN_MODE_BOUND */
    if (c->kernel_timed && c->tries++ > 0)
        return PS_ENOTSUP;
    n = ps__sys_sendfile(s->h, c->f, c->offset + *c->sent, ps__left(c->count, *c->sent),
                         c->nonblocking);
    return (ptrdiff_t)n;
}

static ptrdiff_t ps__try_send_chunk(ps_socket *s, void *ctx, int dontwait)
{
    ps__file_call *c = (ps__file_call *)ctx;
    return ps__sys_send(s->h, c->buf, c->len, dontwait ? PS__MSG_DONTWAIT : 0, NULL);
}

static int64_t ps__sendfile_kernel(ps_socket *s, ps__file_call *c, ps__deadline *d)
{
    while (ps__left(c->count, *c->sent) > 0) {
        ptrdiff_t n = ps__run(s, PS__WAIT_WRITE | PS__RUN_MODE_BOUND, ps__try_sendfile, c, d);
        if (n <= 0)
            return n; /* 0 at EOF, PS_ENOTSUP to copy instead, or the error */
        *c->sent += (uint64_t)n;
    }
    return 0;
}

static int64_t ps__sendfile_copy(ps_socket *s, ps__file_call *c, ps__deadline *d)
{
    char *buf = (char *)ps__malloc(PS__COPY_CHUNK);
    int64_t rc = 0;
    if (!buf)
        return PS_ENOMEM;
    if (ps__sys_fseek64(c->f, c->offset + *c->sent) < 0)
        rc = PS_EINVAL;
    while (rc == 0 && ps__left(c->count, *c->sent) > 0) {
        uint64_t want = ps__left(c->count, *c->sent);
        size_t len = fread(buf, 1, want < PS__COPY_CHUNK ? (size_t)want : PS__COPY_CHUNK, c->f);
        size_t done = 0;
        if (len == 0) {
            rc = ferror(c->f) ? PS_EUNKNOWN : 0;
            break;
        }
        while (done < len) {
            ptrdiff_t n;
            c->buf = buf + done;
            c->len = len - done;
            n = ps__run(s, PS__WAIT_WRITE, ps__try_send_chunk, c, d);
            if (n < 0) {
                rc = n;
                break;
            }
            done += (size_t)n;
            *c->sent += (uint64_t)n;
        }
    }
    ps__free(buf);
    return rc;
}

int64_t ps_sendfile_ex(ps_socket *s, FILE *f, uint64_t offset, uint64_t count, int flags, int *path,
                       uint64_t *sent_out)
{
    ps__deadline d = PS__DEADLINE_INIT;
    ps__file_call c;
    uint64_t sent = 0;
    int64_t rc = PS_ENOTSUP;
    int used = PS_SENDFILE_PATH_NONE;
    if (path)
        *path = PS_SENDFILE_PATH_NONE;
    if (sent_out)
        *sent_out = 0;
    if (!s || !f || (flags & ~PS_SENDFILE_COPY_ONLY) || offset > INT64_MAX)
        return PS_EINVAL;
    /* As Python: a stream socket that may wait (blocking or a timeout). */
    if (s->type != PS_SOCK_STREAM || ps__load_double(&s->timeout) == 0.0)
        return PS_EINVAL;
    /* Writes still in f's buffer belong to the file. */
    if (fflush(f) != 0)
        return PS_EINVAL;
    c.f = f;
    c.offset = offset;
    c.count = count;
    c.sent = &sent;
    c.kernel_timed = ps__load_double(&s->timeout) > 0.0 && ps__load_int(&s->kernel_timed);
    c.nonblocking = ps__mode_nonblocking(ps__load_double(&s->timeout), c.kernel_timed);
    c.tries = 0;
    if (!(flags & PS_SENDFILE_COPY_ONLY)) {
        rc = ps__sendfile_kernel(s, &c, &d);
        if (sent > 0)
            used = PS_SENDFILE_PATH_KERNEL;
    }
    if (rc == PS_ENOTSUP) {
        uint64_t before = sent;
        rc = ps__sendfile_copy(s, &c, &d);
        if (sent > before)
            used = PS_SENDFILE_PATH_COPY;
    }
    if (path)
        *path = used;
    if (sent_out)
        *sent_out = sent;
    /* The position says what really went out, on failure too. */
    if (ps__sys_fseek64(f, offset + sent) < 0 && rc == 0)
        rc = PS_EINVAL;
    if (rc < 0)
        return rc;
    return (int64_t)sent;
}

int64_t ps_sendfile(ps_socket *s, FILE *f, uint64_t offset, uint64_t count)
{
    return ps_sendfile_ex(s, f, offset, count, 0, NULL, NULL);
}
