/*
 * The backend interface: the only functions a platform backend implements
 * (src/posix/ and src/win32/, file for file). The platform-free core calls
 * nothing else of the OS.
 *
 * Contract for every function here unless it says otherwise:
 *  - Arguments are already checked by the core (no NULL where a pointer is
 *    required, constants are portsock's known PS_... values).
 *  - Results are portable: >= 0 success, < 0 a PS_E... code translated from
 *    errno / WSAGetLastError() at the point of failure.
 *  - EINTR is retried inside, except in ps__sys_wait, which returns 0, and in
 *    the calls that say they return PS__EINTR, so that the caller recomputes
 *    its deadline.
 *  - At most one blocking wait per call, and only when the native socket is
 *    in blocking mode (or in ps__sys_wait).
 *  - A function that can be the first OS call of a program (socket creation,
 *    adoption, name resolution) starts the socket layer itself, lazily and
 *    thread-safely (WSAStartup on Windows).
 */
#ifndef PS_SYS_H
#define PS_SYS_H

#include "portsock.h"
#include "alloc.h"

#include <string.h>

/* A try that a signal interrupted: the core tries again with the time left
 * (never a public code). Returned by the data, accept, connect and
 * sendfile calls instead of retrying inside, because only the core knows
 * the operation's deadline. */
#define PS__EINTR (-1000)

/* The few functions every send and receive runs through. GCC and clang
 * place them together (.text.hot), so that a call touches one or two code
 * pages instead of one per source file: where each system call flushes the
 * TLB (page-table isolation without PCID, as on the benchmark machine's
 * virtual CPUs) and the kernel's network code evicts user code from the
 * caches, every page and cache line touched afterwards is a miss, and those
 * misses were most of portsock's cost per call (docs/benchmarks.md). */
#if defined(__GNUC__) || defined(__clang__)
#define PS__HOT __attribute__((hot))
#else
#define PS__HOT
#endif

/* ---- the socket layer ---- */

/* Starts the socket layer once more (counted) / undoes one such start. */
int ps__sys_init(void);
void ps__sys_cleanup(void);

/* ---- errors ---- */

/* errno or WSA code -> PS_E... (0 -> 0, unmapped -> ps__error_keep_native). */
int ps__sys_error_from_native(int native);
/* The platform's own number for a PS_E... code, for APIs that must hand out
 * native numbers (connect_ex); the number inside a kept native error. 0 when
 * the platform has none. */
int ps__sys_native_from_error(int err);
/* Writes the OS's own text for the native error number n into buf (size >=
 * 64), NUL-terminated and never empty, whatever n is. */
void ps__sys_strerror(int n, char *buf, size_t size);

/* A copy of s from ps__malloc (NULL when out of memory), for the strings a
 * backend hands to the core (a resolver's canonical name). */
static inline char *ps__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = (char *)ps__malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

/* PS_MSG_PEEK / PS_MSG_WAITALL / PS_MSG_OOB -> the native bits given:
 * the one translation of the data flags, here so that each backend only
 * names its MSG_... values. */
static inline int ps__msg_flags_to_native(int flags, int peek, int waitall, int oob)
{
    return ((flags & PS_MSG_PEEK) ? peek : 0) | ((flags & PS_MSG_WAITALL) ? waitall : 0) |
           ((flags & PS_MSG_OOB) ? oob : 0);
}

/* The public encoding of an unmapped native error (see PS_ESYSERR), here so
 * that both the core and the backends' error tables use the one formula. */
static inline int ps__error_keep_native(int native)
{
    return native > 0 && native <= PS_ESYSERR_NATIVE_MAX ? PS_ESYSERR - native : PS_EUNKNOWN;
}
/* The native number inside err, or 0 when err keeps none. */
static inline int ps__error_native(int err)
{
    return err < PS_ESYSERR && err >= PS_ESYSERR - PS_ESYSERR_NATIVE_MAX ? PS_ESYSERR - err : 0;
}

/* ---- sockets ---- */

/* Creates a non-inheritable socket that never raises SIGPIPE, in
 * non-blocking mode when nonblocking != 0 (else blocking, without kernel
 * timeouts). family and type are PS_AF_* and
 * PS_SOCK_*; protocol is passed to the OS as is. */
int ps__sys_socket(ps_native *out, int family, int type, int protocol, int nonblocking);
/* Closes h (close / closesocket). */
int ps__sys_close(ps_native h);
/* Reads the PS_AF_* family and PS_SOCK_* type of a native socket;
 * PS_ENOTSOCK when h is something else, PS_EBADF when it is invalid. Makes
 * an adopted socket safe for portsock (no SIGPIPE). */
int ps__sys_socket_info(ps_native h, int *family, int *type);
/* Puts h in the native mode that carries out a portsock timeout:
 * PS_TIMEOUT_NONE blocking, 0.0 non-blocking, and > 0 as the backend
 * chooses: non-blocking, with the core waiting in ps__sys_wait on
 * PS_EAGAIN ("wait-timed"), or blocking with the kernel's own send and
 * receive timeouts set to it ("kernel-timed": each try then waits by itself
 * and PS_EAGAIN means the time ran out or the mode changed underneath).
 * old and old_kernel describe h's present state as portsock set it, so that
 * only what changes is changed; old NaN means unknown (an adopted or
 * duplicated handle): the blocking mode is set whatever it was, and kernel
 * timeouts are cleared only when old_kernel says portsock set them (others
 * belong to whoever shares the socket; the core copes with them). shared
 * != 0 forbids kernel timing (the socket's other users could change them)
 * and so does a timeout above PS__KERNEL_TIMEOUT_MAX. Returns 1 when h is
 * now kernel-timed, 0 when not, or an error. */
int ps__sys_set_timeout(ps_native h, double old, int old_kernel, double timeout, int shared);
/* The longest timeout handed to the kernel (about 31 years: a time_t of 32
 * bits holds it); longer ones are waited for, in pieces where needed. */
#define PS__KERNEL_TIMEOUT_MAX 1e9
/* 1 when h is in non-blocking mode for this timeout and kernel timing
 * (ps__sys_set_timeout's choice): 0.0, and a timeout the core waits for. */
static inline int ps__mode_nonblocking(double timeout, int kernel_timed)
{
    return timeout == 0.0 || (timeout > 0.0 && !kernel_timed);
}
/* 1 when h is in non-blocking mode, 0 when blocking, or an error; asked
 * only after a blocking try gave PS_EAGAIN (Windows, which cannot read the
 * mode back, says 1: its blocking calls time out with WSAETIMEDOUT). */
int ps__sys_is_nonblocking(ps_native h);
/* 1 when the data calls (recv, send, recvmsg, sendmsg) honour
 * PS__MSG_DONTWAIT per call whatever h's mode (POSIX MSG_DONTWAIT), 0 when
 * they follow h's mode (Winsock has no such flag). */
int ps__sys_dontwait_per_call(void);
/* The platform's SOMAXCONN. */
int ps__sys_somaxconn(void);

/* A non-inheritable duplicate of h (POSIX: F_DUPFD_CLOEXEC; Windows:
 * WSADuplicateSocketW + WSASocketW). */
int ps__sys_dup(ps_native h, ps_native *out);
/* 1 when a child process would inherit h, else 0; or an error. */
int ps__sys_get_inheritable(ps_native h);
int ps__sys_set_inheritable(ps_native h, int on);
/* A connected pair of non-inheritable AF_UNIX sockets of PS_SOCK_* type, in
 * non-blocking mode when nonblocking != 0. PS_EAFNOSUPPORT where the
 * platform has no AF_UNIX pairs of that type (the core then emulates). */
int ps__sys_socketpair(ps_native pair[2], int type, int nonblocking);

/* Sets / reads a portable PS_OPT_* option; family and type are the socket's
 * own (PS_AF_*, PS_SOCK_*). PS_ENOTSUP where the platform cannot honour it. */
int ps__sys_setopt(ps_native h, int family, int type, int opt, int value);
int ps__sys_getopt(ps_native h, int family, int type, int opt, int *value);
int ps__sys_setsockopt_native(ps_native h, int level, int name, const void *v, size_t len);
int ps__sys_getsockopt_native(ps_native h, int level, int name, void *v, size_t *len);
/* What a listening socket needs before bind so that a restarted server can
 * bind at once but no other process can take its port: SO_REUSEADDR on
 * POSIX; on Windows SO_EXCLUSIVEADDRUSE when exclusive, else nothing (a
 * plain bind). */
int ps__sys_server_prepare(ps_native h, int exclusive);

int ps__sys_bind(ps_native h, const ps_addr *a);
int ps__sys_listen(ps_native h, int backlog);
/* Accepts one connection; *conn is non-inheritable, in non-blocking mode
 * exactly when nonblocking != 0 (whatever the platform inherits from the
 * listener; kernel timeouts may be inherited: the core resets them). peer
 * may be NULL. listener_nonblocking is h's own native mode as the core last
 * set it: where accepted sockets inherit the listener's mode, the backend
 * need not set it again when it is already the one asked for. PS_EAGAIN
 * when none is pending (or the kernel timeout ran out), PS__EINTR when a
 * signal came. */
int ps__sys_accept(ps_native h, ps_native *conn, ps_addr *peer, int nonblocking,
                   int listener_nonblocking);
/* Starts or completes a connect. On a non-blocking h a connect under way is
 * PS_EINPROGRESS (Windows' WSAEWOULDBLOCK too), and so is, on a
 * kernel-timed h, one whose time ran out. *native receives the OS's own
 * error number (0 on success), for connect_ex. A signal gives PS__EINTR: the
 * connect goes on, and the core waits for it (never restarts it). */
int ps__sys_connect(ps_native h, const ps_addr *a, int *native);
/* The pending error of h (SO_ERROR), cleared: its PS_E... code (0 if none),
 * and in *native the OS's own number. When SO_ERROR cannot be read at all
 * *native is 0 and the return value says why. */
int ps__sys_socket_error(ps_native h, int *native);
int ps__sys_getsockname(ps_native h, ps_addr *out);
int ps__sys_getpeername(ps_native h, ps_addr *out);
/* how is PS_SHUT_RD / PS_SHUT_WR / PS_SHUT_RDWR. */
int ps__sys_shutdown(ps_native h, int how);

/* ---- data ---- */

/* A flag of the core's for the data calls below, beside the PS_MSG_* bits:
 * this try must not block, whatever h's mode (see ps__sys_dontwait_per_call). */
#define PS__MSG_DONTWAIT 0x40000000

/* Receives up to len bytes (len may exceed INT_MAX: the backend clamps it
 * to what one system call takes). from, if not NULL, receives the source.
 * flags are PS_MSG_* bits. A datagram longer than len gives len. PS__EINTR
 * when a signal came (here and in every data call below). */
ptrdiff_t ps__sys_recv(ps_native h, void *buf, size_t len, int flags, ps_addr *from);
/* Sends up to len bytes (clamped as above) to `to`, or to the connected peer
 * when to is NULL. Never raises SIGPIPE. */
ptrdiff_t ps__sys_send(ps_native h, const void *buf, size_t len, int flags, const ps_addr *to);

/* ---- C runtime streams ---- */

/* h as a C runtime file descriptor (POSIX: h itself); PS_ENOTSUP where a
 * socket is none (Windows). */
int ps__sys_descriptor(ps_native h);
/* A stdio FILE on a non-inheritable duplicate of h; PS_ENOTSUP on Windows. */
int ps__sys_fdopen(ps_native h, const char *mode, FILE **out);

/* ---- scatter/gather and ancillary data ---- */

/* msg is checked: iovlen <= PS_IOV_MAX, no NULL base with a length, total
 * length <= PTRDIFF_MAX. type is the socket's PS_SOCK_*, for backends that
 * need different calls for streams and datagrams. recvmsg sets msg->flags
 * (PS_MSG_TRUNC / PS_MSG_CTRUNC), msg->controllen and msg->addr->len. */
ptrdiff_t ps__sys_recvmsg(ps_native h, ps_msg *msg, int flags, int type);
ptrdiff_t ps__sys_sendmsg(ps_native h, const ps_msg *msg, int flags, int type);

/* The control-message helpers of portsock.h, on the platform's layout;
 * pointers are checked by the core. */
size_t ps__sys_cmsg_space(size_t datalen);
const ps_cmsg *ps__sys_cmsg_first(const ps_msg *msg);
const ps_cmsg *ps__sys_cmsg_next(const ps_msg *msg, const ps_cmsg *c);
int ps__sys_cmsg_kind(const ps_cmsg *c);
int ps__sys_cmsg_native(const ps_cmsg *c, int *level, int *type, const void **data, size_t *len);
int ps__sys_cmsg_get_pktinfo(const ps_cmsg *c, ps_addr *dst);
int ps__sys_cmsg_get_fds(const ps_cmsg *c, ps_native *fds, size_t max);
int ps__sys_cmsg_put_pktinfo(ps_msg *msg, size_t capacity, const ps_addr *src);
int ps__sys_cmsg_put_fds(ps_msg *msg, size_t capacity, const ps_native *fds, size_t n);
/* The most descriptors one SCM_RIGHTS message carries, part of this
 * contract so that the core checks one number on every platform: Linux's
 * SCM_MAX_FD, the smallest limit among the POSIX systems (a backend without
 * SCM_RIGHTS answers PS_ENOTSUP after that check). */
#define PS__CMSG_FDS_MAX 253

/* ---- files ---- */

/* One step of the kernel's file sending: up to count bytes of f's file from
 * offset, without moving f's position. nonblocking tells h's native mode
 * (Winsock cannot read it back). Returns the bytes sent, 0 at end of file,
 * PS_EAGAIN when h would block, PS__EINTR, or PS_ENOTSUP when the fast path
 * cannot serve this file or socket here (the core then copies). Never
 * raises SIGPIPE. */
int64_t ps__sys_sendfile(ps_native h, FILE *f, uint64_t offset, uint64_t count, int nonblocking);
/* fseek to a 64-bit offset (Windows' fseek takes a 32-bit long). */
int ps__sys_fseek64(FILE *f, uint64_t offset);

/* ---- readiness and time ---- */

#define PS__WAIT_READ 1
#define PS__WAIT_WRITE 2

/* Waits at most timeout seconds (< 0: without limit) until h is ready for
 * one of the events; an error or hang-up counts as ready (the retried
 * operation reports it). Returns 1 when ready, 0 when the time ran out or a
 * signal interrupted the wait, or an error. */
int ps__sys_wait(ps_native h, int events, double timeout);
/* One entry of ps__sys_poll; events and revents are PS_POLL* bits. */
typedef struct ps__pollitem {
    ps_native h; /* PS_INVALID_NATIVE: ignored */
    int events;
    int revents;
} ps__pollitem;

/* One poll over n sockets: POSIX poll; on Windows WSAPoll, or select() with
 * fd_sets sized to the call when any item waits for PS_POLLOUT (old
 * WSAPoll versions miss failed connects) or PS_DIAG_FORCE_POLL_SELECT is on. Returns how
 * many items have revents != 0, 0 when the time ran out or a signal came,
 * or an error. With n == 0 it sleeps for the timeout. */
int ps__sys_poll(ps__pollitem *items, size_t n, double timeout);
/* The poll selector's native array (struct pollfd, WSAPOLLFD), kept between
 * its waits. */
typedef struct ps__pollset ps__pollset;
/* An item that has events after a ps__sys_pollset_wait: its index in items
 * and its PS_POLL* revents. */
typedef struct ps__pollready {
    size_t index;
    int revents;
} ps__pollready;
/* ps__sys_poll over items[0..n) for the poll selector: the native array is
 * kept in *set (NULL at first, allocated here) and rebuilt from items only
 * when `changed` is non-zero, so a wait on unchanged registrations neither
 * allocates nor translates them. The caller passes changed != 0 from its
 * first item on, and keeps it until a call has succeeded. Returns how many
 * items have events (or 0, or an error, as ps__sys_poll), listed in
 * ready[] (the caller's, with room for n) in ascending index order, so that
 * the caller need not look at every item. items[].revents may be written.
 * The set holds only the backend's native array: what is platform-free
 * (the items, the ready list) is the caller's. */
int ps__sys_pollset_wait(ps__pollset **set, ps__pollitem *items, size_t n, int changed,
                         double timeout, ps__pollready *ready);
/* Frees a set; NULL is ignored. */
void ps__sys_pollset_free(ps__pollset *set);

/* A monotonic clock in seconds. */
double ps__sys_monotonic(void);

/* ---- addresses ---- */

/* An IP address taken apart; bytes hold 4 (IPv4) or 16 (IPv6) bytes in
 * network order. */
typedef struct ps__ip {
    int family; /* PS_AF_INET or PS_AF_INET6 */
    unsigned char bytes[16];
    uint16_t port;
    uint32_t scope_id;
    uint32_t flowinfo;
} ps__ip;

/* PS_AF_* of a (PS_EINVAL when empty or of an unknown family). */
int ps__sys_addr_family(const ps_addr *a);
int ps__sys_addr_from_ip(ps_addr *out, const ps__ip *ip);
/* PS_EAFNOSUPPORT for an AF_UNIX address, PS_EINVAL for empty/unknown. */
int ps__sys_addr_to_ip(const ps_addr *a, ps__ip *ip);
/* Builds an AF_UNIX address from a path of len bytes (no NUL inside);
 * PS_EINVAL when it does not fit sun_path with its NUL, PS_EAFNOSUPPORT where
 * the platform has no AF_UNIX. */
int ps__sys_addr_from_unix(ps_addr *out, const char *path, size_t len);
/* Points *path at an AF_UNIX address's sun_path inside a, and *max at the
 * bytes of it that a's length covers (at most sun_path's size); the path
 * ends at its first NUL within them, which the core looks for. An unnamed
 * socket has max 0 or a NUL first. */
int ps__sys_addr_unix_path(const ps_addr *a, const char **path, size_t *max);
/* Interface name <-> index, for IPv6 scope ids. PS_EINVAL when unknown.
 * indextoname writes the NUL-terminated name into name, which has room for
 * PS__IF_NAME_MAX bytes (Windows' IF_NAMESIZE, 256, and its NUL). */
#define PS__IF_NAME_MAX 257
int ps__sys_if_nametoindex(const char *name, uint32_t *index);
int ps__sys_if_indextoname(uint32_t index, char name[PS__IF_NAME_MAX]);

/* ---- names ---- */

/* As ps_getaddrinfo, with arguments checked: builds the portable list at
 * *res (nodes and canonname from ps__malloc/ps__calloc), appending as it
 * goes. On failure *res holds what was built so far, which the core frees
 * with ps_freeaddrinfo: the one place that frees such a list. */
int ps__sys_getaddrinfo(const char *host, const char *service, int family, int type, int flags,
                        ps_addrinfo **res);
int ps__sys_getnameinfo(const ps_addr *a, char *host, size_t hostlen, char *serv, size_t servlen,
                        int flags);
int ps__sys_gethostname(char *buf, size_t size);

/* ---- diagnostics ---- */

/* The backend's path counters and knobs (PS_DIAG_* of portsock.h). */
uint64_t ps__sys_diag_count(int counter);
int ps__sys_diag_force(int knob, int on);

/* ---- selector backends ---- */

/* One socket registered with a selector; owned by the core. */
typedef struct ps__selreg {
    ps_socket *sock;
    ps_native h;
    void *data;
    int events; /* PS_POLLIN | PS_POLLOUT */
    struct ps_selector *sel;
    struct ps__selreg *prev, *next; /* the selector's list of registrations */
    size_t slot;                    /* backend's own index, if it wants one */
    unsigned long mark;             /* backend's own use while waiting */
} ps__selreg;

/* A selector backend: the kernel's readiness interface behind ps_selector. */
typedef struct ps__selector_ops {
    int kind; /* PS_SELECTOR_* */
    int (*open)(void **state);
    int (*add)(void *state, ps__selreg *reg);
    /* Called when the events or the user data change: reg->events still
     * holds the old events, `events` are the new ones (maybe the same);
     * reg->data holds the new data. */
    int (*modify)(void *state, ps__selreg *reg, int events);
    int (*remove)(void *state, ps__selreg *reg);
    /* One wait: fills out[] (sock, data, events) for up to max ready
     * registrations; returns the count, 0 when the time ran out or a signal
     * came, or an error. */
    int (*wait)(void *state, ps_event *out, size_t max, double timeout);
    void (*close)(void *state);
} ps__selector_ops;

/* The backend's own selector of that kind (PS_SELECTOR_DEFAULT: its best),
 * or NULL when it has none (the core's poll selector serves then). */
const ps__selector_ops *ps__sys_selector_ops(int kind);

#endif /* PS_SYS_H */
