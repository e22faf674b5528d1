/* Internal to the POSIX backend: system headers and the translations its
 * files share. */
#ifndef PS_POSIX_H
#define PS_POSIX_H

/* accept4, SOCK_CLOEXEC and MSG_NOSIGNAL are GNU extensions on glibc. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
/* A 64-bit off_t on 32-bit targets too (glibc's default there is 32 bits):
 * ps_sendfile's offsets and fseeko past 2 GiB (found by linux-x86). */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "../sys.h"
#include "../atomic.h"

/* Linux and the BSDs take SOCK_CLOEXEC / SOCK_NONBLOCK in socket() and
 * accept4(); elsewhere (macOS) they are set with fcntl/ioctl afterwards. */
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK) &&                                            \
    (defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
     defined(__DragonFly__))
#define PS__HAVE_ATOMIC_CLOEXEC 1
#endif

/* PS_AF_* -> AF_* (-1 if unknown) and back (PS_EAFNOSUPPORT if unknown). */
int ps__posix_family_to_native(int family);
int ps__posix_family_from_native(int af);
/* PS_MSG_* and the core's PS__MSG_DONTWAIT -> MSG_*; inline, as every
 * send and receive takes it (the common cases: no flags, or DONTWAIT). */
static inline int ps__posix_msg_flags(int flags)
{
    if (!flags)
        return 0;
    if (flags == PS__MSG_DONTWAIT)
        return MSG_DONTWAIT;
    /* Per call: the socket's own mode may be anybody's (timeout.c). */
    return ps__msg_flags_to_native(flags, MSG_PEEK, MSG_WAITALL, MSG_OOB) |
           ((flags & PS__MSG_DONTWAIT) ? MSG_DONTWAIT : 0);
}
/* The current errno as a PS_E... code. */
int ps__posix_error(void);
/* The same after a try of an operation: EINTR is PS__EINTR, for the core
 * to try again with the time left. */
int ps__posix_try_error(void);
/* Non-blocking (on != 0) or blocking mode, with one system call. */
int ps__posix_set_nonblocking(int fd, int on);
/* FD_CLOEXEC and, where the platform has it, SO_NOSIGPIPE: what a socket
 * needs when it could not be created with SOCK_CLOEXEC / MSG_NOSIGNAL. */
int ps__posix_socket_defaults(int fd);

/* Seconds (< 0: no limit) as poll()'s milliseconds, rounded up. */
int ps__posix_timeout_ms(double timeout);
/* poll()'s revents as PS_POLL* bits. */
int ps__posix_poll_events(int revents);

/* kqueue where the system has it: macOS and the BSDs. */
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__)
#define PS__HAVE_KQUEUE 1
#endif

/* The kernel selectors (selector_epoll.c, selector_kqueue.c). */
const ps__selector_ops *ps__posix_epoll_ops(void);
const ps__selector_ops *ps__posix_kqueue_ops(void);

/* Path counters (PS_DIAG_*), indexed by counter. */
#define PS__POSIX_DIAG_SLOTS 8
extern uint64_t ps__posix_diag[PS__POSIX_DIAG_SLOTS];

/* Set by PS_DIAG_FORCE_WAIT_TIMEOUTS: positive timeouts by non-blocking
 * sockets and poll, not the kernel's socket timeouts (timeout.c). */
extern int ps__posix_force_wait_timeouts;

#endif
