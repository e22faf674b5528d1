/* errno <-> PS_E...: flat tables, one case a line. */
#include "posix.h"

#include <stdio.h>
#include <string.h>

int ps__sys_error_from_native(int native)
{
    switch (native) {
    case 0: return 0;
    case EAGAIN: return PS_EAGAIN;
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK: return PS_EAGAIN;
#endif
    case ETIMEDOUT: return PS_ETIMEDOUT;
    case EBADF: return PS_EBADF;
    case EINVAL: return PS_EINVAL;
    case EFAULT: return PS_EINVAL;
    case ENOMEM: return PS_ENOMEM;
    case ENOTSUP: return PS_ENOTSUP;
#if EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP: return PS_ENOTSUP;
#endif
#ifdef ESOCKTNOSUPPORT
    case ESOCKTNOSUPPORT: return PS_ENOTSUP;
#endif
    case EADDRINUSE: return PS_EADDRINUSE;
    case EADDRNOTAVAIL: return PS_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return PS_EAFNOSUPPORT;
#ifdef EPFNOSUPPORT
    case EPFNOSUPPORT: return PS_EAFNOSUPPORT;
#endif
    case EPROTONOSUPPORT: return PS_EPROTONOSUPPORT;
    case ECONNREFUSED: return PS_ECONNREFUSED;
    case ECONNRESET: return PS_ECONNRESET;
    case ECONNABORTED: return PS_ECONNABORTED;
#ifdef EPROTO
    case EPROTO: return PS_ECONNABORTED; /* accept(): the connection failed in the queue */
#endif
    case EPIPE: return PS_EPIPE;
    case ENOTCONN: return PS_ENOTCONN;
    case EISCONN: return PS_EISCONN;
    case EINPROGRESS: return PS_EINPROGRESS;
    case EALREADY: return PS_EALREADY;
    case ENETUNREACH: return PS_ENETUNREACH;
    case EHOSTUNREACH: return PS_EHOSTUNREACH;
    case EMSGSIZE: return PS_EMSGSIZE;
    case EACCES: return PS_EACCES;
    case EPERM: return PS_EPERM;
    case EMFILE: return PS_EMFILE;
    case ENFILE: return PS_ENFILE;
    case ENOBUFS: return PS_ENOBUFS;
    case ENOTSOCK: return PS_ENOTSOCK;
    case ENETDOWN: return PS_ENETDOWN;
    case ENETRESET: return PS_ENETRESET;
    case EPROTOTYPE: return PS_EPROTOTYPE;
    case ENOPROTOOPT: return PS_ENOPROTOOPT;
    case EDESTADDRREQ: return PS_EDESTADDRREQ;
#ifdef ESHUTDOWN
    case ESHUTDOWN: return PS_ESHUTDOWN;
#endif
#ifdef EHOSTDOWN
    case EHOSTDOWN: return PS_EHOSTDOWN;
#endif
    case ENOENT: return PS_ENOENT;
    case ENOTDIR: return PS_ENOENT; /* a directory in an AF_UNIX path is missing */
    case ENAMETOOLONG: return PS_ENAMETOOLONG;
    case EBUSY: return PS_EBUSY;
    case EROFS:
        return PS_EACCES; /* an AF_UNIX path cannot be created there */
    /* EIO, ELOOP, ...: the number stays (PS_ESYSERR - n). */
    default: return ps__error_keep_native(native);
    }
}

int ps__sys_native_from_error(int err)
{
    switch (err) {
    case PS_EAGAIN: return EAGAIN;
    case PS_ETIMEDOUT: return ETIMEDOUT;
    case PS_EBADF: return EBADF;
    case PS_EINVAL: return EINVAL;
    case PS_ENOMEM: return ENOMEM;
    case PS_ENOTSUP: return EOPNOTSUPP;
    case PS_EADDRINUSE: return EADDRINUSE;
    case PS_EADDRNOTAVAIL: return EADDRNOTAVAIL;
    case PS_EAFNOSUPPORT: return EAFNOSUPPORT;
    case PS_EPROTONOSUPPORT: return EPROTONOSUPPORT;
    case PS_ECONNREFUSED: return ECONNREFUSED;
    case PS_ECONNRESET: return ECONNRESET;
    case PS_ECONNABORTED: return ECONNABORTED;
    case PS_EPIPE: return EPIPE;
    case PS_ENOTCONN: return ENOTCONN;
    case PS_EISCONN: return EISCONN;
    case PS_EINPROGRESS: return EINPROGRESS;
    case PS_EALREADY: return EALREADY;
    case PS_ENETUNREACH: return ENETUNREACH;
    case PS_EHOSTUNREACH: return EHOSTUNREACH;
    case PS_EMSGSIZE: return EMSGSIZE;
    case PS_EACCES: return EACCES;
    case PS_EPERM: return EPERM;
    case PS_EMFILE: return EMFILE;
    case PS_ENFILE: return ENFILE;
    case PS_ENOBUFS: return ENOBUFS;
    case PS_ENOTSOCK: return ENOTSOCK;
    case PS_ENETDOWN: return ENETDOWN;
    case PS_ENETRESET: return ENETRESET;
    case PS_EPROTOTYPE: return EPROTOTYPE;
    case PS_ENOPROTOOPT: return ENOPROTOOPT;
    case PS_EDESTADDRREQ: return EDESTADDRREQ;
#ifdef ESHUTDOWN
    case PS_ESHUTDOWN: return ESHUTDOWN;
#endif
#ifdef EHOSTDOWN
    case PS_EHOSTDOWN: return EHOSTDOWN;
#endif
    case PS_ENOENT: return ENOENT;
    case PS_ENAMETOOLONG: return ENAMETOOLONG;
    case PS_EBUSY: return EBUSY;
    default: return ps__error_native(err); /* a kept errno, else 0 */
    }
}

/* strerror_r is the GNU one (returns the text) under _GNU_SOURCE and the
 * POSIX one (returns 0 and fills buf) elsewhere: _Generic picks the reader
 * for whichever this libc declares (its first operand is not evaluated, so
 * strerror_r runs once). */
static const char *ps__strerror_gnu(char *text, char *buf)
{
    (void)buf;
    return text;
}

static const char *ps__strerror_posix(int rc, char *buf)
{
    return rc == 0 ? buf : NULL;
}

void ps__sys_strerror(int n, char *buf, size_t size)
{
    const char *text;
    buf[0] = '\0';
    text = _Generic(strerror_r(n, buf, size), char *: ps__strerror_gnu, default: ps__strerror_posix)(
        strerror_r(n, buf, size), buf);
    if (!text || !*text)
        snprintf(buf, size, "system error %d", n);
    else if (text != buf)
        snprintf(buf, size, "%s", text);
}

int ps__posix_error(void)
{
    return ps__sys_error_from_native(errno);
}

PS__HOT int ps__posix_try_error(void)
{
    return errno == EINTR ? PS__EINTR : ps__sys_error_from_native(errno);
}
