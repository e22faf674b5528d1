/* The kernel's file sending: sendfile(2) on Linux, FreeBSD and macOS. */
#include "posix.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/sendfile.h>
#elif defined(__FreeBSD__) || defined(__APPLE__)
#include <sys/uio.h>
#endif

/* Linux's sendfile moves at most this much in one call. */
#define PS__SENDFILE_MAX 0x7ffff000

int ps__sys_fseek64(FILE *f, uint64_t offset)
{
    if (offset > (uint64_t)INT64_MAX || (off_t)offset < 0 || (uint64_t)(off_t)offset != offset)
        return PS_EINVAL;
    return fseeko(f, (off_t)offset, SEEK_SET) == 0 ? 0 : ps__posix_error();
}

#if defined(__linux__)
/* sendfile(2) has no MSG_NOSIGNAL: a peer that closed would raise SIGPIPE,
 * even from a call that returns a count (bytes went out before the error).
 * The calling thread blocks SIGPIPE for the call and takes back one the
 * call raised (a SIGPIPE that was pending before stays pending); errno is
 * kept for the caller. */
static ssize_t ps__sendfile_quiet(int out, int in, off_t *off, size_t len)
{
    static const struct timespec now = {0, 0};
    sigset_t pipe_only, old, pending;
    int was_pending, err;
    ssize_t n;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
    n = sendfile(out, in, off, len);
    err = errno;
    if (!was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE))
        sigtimedwait(&pipe_only, NULL, &now);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = err;
    return n;
}
#endif

int64_t ps__sys_sendfile(ps_native h, FILE *f, uint64_t offset, uint64_t count, int nonblocking)
{
    int fd = fileno(f);
    size_t len = count > PS__SENDFILE_MAX ? PS__SENDFILE_MAX : (size_t)count;
    (void)nonblocking; /* sendfile(2) follows the socket's own mode */
    if (fd < 0 || (uint64_t)(off_t)offset != offset)
        return PS_ENOTSUP;
#if defined(__linux__)
    {
        off_t off = (off_t)offset;
        ssize_t n = ps__sendfile_quiet(h, fd, &off, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            return PS__EINTR;
        /* Files that cannot be mapped (pipes, some file systems) refuse. */
        if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
            return PS_ENOTSUP;
        return ps__posix_error();
    }
#elif defined(__FreeBSD__) || defined(__APPLE__)
    {
        /* Both report the bytes sent even when the call fails (EAGAIN, EINTR). */
#if defined(__APPLE__)
        off_t sent = (off_t)len;
        int rc = sendfile(fd, h, (off_t)offset, &sent, NULL, 0);
#else
        off_t sent = 0;
        int rc = sendfile(fd, h, (off_t)offset, len, NULL, &sent, 0);
#endif
        if (sent > 0)
            return (int64_t)sent;
        if (rc == 0)
            return 0;
        if (errno == EINTR)
            return PS__EINTR;
        if (errno == ENOTSOCK || errno == EINVAL || errno == EOPNOTSUPP || errno == ENOTSUP)
            return PS_ENOTSUP;
        return ps__posix_error();
    }
#else
    (void)h;
    (void)len;
    return PS_ENOTSUP;
#endif
}
