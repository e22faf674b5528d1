/* recv and send on file descriptors. */
#include "posix.h"

#include <limits.h>
#include <stdint.h>

#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* Linux has MSG_NOSIGNAL; macOS sets SO_NOSIGPIPE on the socket instead. */
#ifdef MSG_NOSIGNAL
#define PS__NOSIGNAL MSG_NOSIGNAL
#else
#define PS__NOSIGNAL 0
#endif

PS__HOT ptrdiff_t ps__sys_recv(ps_native h, void *buf, size_t len, int flags, ps_addr *from)
{
    int native = ps__posix_msg_flags(flags);
    ssize_t n;
    if (len > SSIZE_MAX)
        len = SSIZE_MAX;
    if (from) {
        struct sockaddr *sa = (struct sockaddr *)from->storage.bytes;
        socklen_t alen = sizeof from->storage;
        n = recvfrom(h, buf, len, native, sa, &alen);
        /* Stream sockets leave the source empty (length 0). */
        if (n >= 0)
            from->len = (uint32_t)alen;
    } else {
        n = recv(h, buf, len, native);
    }
    return n < 0 ? ps__posix_try_error() : (ptrdiff_t)n;
}

PS__HOT ptrdiff_t ps__sys_send(ps_native h, const void *buf, size_t len, int flags,
                               const ps_addr *to)
{
    int native = ps__posix_msg_flags(flags) | PS__NOSIGNAL;
    ssize_t n;
    if (len > SSIZE_MAX)
        len = SSIZE_MAX;
    if (to)
        n = sendto(h, buf, len, native, (const struct sockaddr *)to->storage.bytes,
                   (socklen_t)to->len);
    else
        n = send(h, buf, len, native);
    return n < 0 ? ps__posix_try_error() : (ptrdiff_t)n;
}
