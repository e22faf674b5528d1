/*
 * portsock: one socket API for POSIX and Windows (Winsock 2), modelled on the
 * socket object of Python's `socket` module.
 *
 * Conventions that hold for every function below:
 *  - A function that can fail returns int (or ptrdiff_t / int64_t for byte
 *    counts): >= 0 is success, < 0 is a PS_E... code whose value is the same
 *    on every platform. Nothing is reported through errno or a global.
 *  - A NULL pointer, an unknown constant or an absurd length gives PS_EINVAL;
 *    a socket whose native handle is no longer valid gives PS_EBADF (POSIX) or
 *    PS_ENOTSOCK (Windows). No function crashes or leaks on bad input.
 *  - Sockets are created non-inheritable, never raise SIGPIPE, and retry EINTR
 *    with the time that is left.
 *  - Every socket has a timeout, as in Python: PS_TIMEOUT_NONE blocks, 0.0
 *    never blocks (PS_EAGAIN), > 0 fails with PS_ETIMEDOUT after that many
 *    seconds. Each call keeps the timeout it started with, whatever other
 *    threads, signals or other objects on the same socket do (see
 *    "Timeouts and modes" and "Threads").
 *
 * This header includes only <stddef.h>, <stdint.h> and <stdio.h>; it can be
 * included anywhere, in any order, on every platform.
 */
#ifndef PORTSOCK_H
#define PORTSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; ps_version() gives the library's. */
#define PS_VERSION_MAJOR 0
#define PS_VERSION_MINOR 1
#define PS_VERSION_PATCH 0

/* PS_API marks the exported functions. A static build (or a consumer of
 * one) defines PORTSOCK_STATIC; the DLL build defines PORTSOCK_BUILDING. */
#if defined(_WIN32) && !defined(PORTSOCK_STATIC)
#ifdef PORTSOCK_BUILDING
#define PS_API __declspec(dllexport)
#else
#define PS_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && defined(PORTSOCK_BUILDING)
#define PS_API __attribute__((visibility("default")))
#else
#define PS_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PS_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PS_PRINTF_LIKE(fmt, args)
#endif

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct ps_socket ps_socket;     /* opaque socket object */
typedef struct ps_file ps_file;         /* opaque buffered stream from ps_makefile() */
typedef struct ps_selector ps_selector; /* opaque readiness set */

#ifdef _WIN32
/* The native handle: a SOCKET. */
typedef uintptr_t ps_native;
/* No native handle: INVALID_SOCKET. */
#define PS_INVALID_NATIVE ((ps_native) ~(uintptr_t)0)
#else
/* The native handle: a file descriptor. */
typedef int ps_native;
/* No native handle: -1. */
#define PS_INVALID_NATIVE (-1)
#endif

/* Any socket address (IPv4, IPv6, AF_UNIX). The bytes are the platform's own
 * sockaddr; read and write them only through the ps_addr_* functions. */
typedef struct ps_addr {
    union {
        unsigned char bytes[128];
        uint64_t align_;
    } storage;    /* the platform's sockaddr, aligned for any of them */
    uint32_t len; /* 0 = empty */
} ps_addr;

/* One result of ps_getaddrinfo, in a list freed with ps_freeaddrinfo. */
typedef struct ps_addrinfo {
    int family;               /* PS_AF_INET or PS_AF_INET6 */
    int type;                 /* PS_SOCK_STREAM or PS_SOCK_DGRAM */
    int protocol;             /* the native protocol number, for ps_socket_open */
    ps_addr addr;             /* the address, with the service's port */
    char *canonname;          /* NULL unless PS_AI_CANONNAME */
    struct ps_addrinfo *next; /* the next result, or NULL */
} ps_addrinfo;

/* One buffer of a scatter/gather call. */
typedef struct ps_iovec {
    void *base; /* the buffer */
    size_t len; /* its length in bytes */
} ps_iovec;

/* The most buffers one ps_sendmsg / ps_recvmsg takes, on every platform
 * (Linux's IOV_MAX); more is PS_EINVAL. */
#define PS_IOV_MAX 1024

/* A message for ps_sendmsg / ps_recvmsg: buffers, address, ancillary data. */
typedef struct ps_msg {
    ps_addr *addr;     /* send: destination or NULL; recv: source or NULL */
    ps_iovec *iov;     /* scatter/gather buffers */
    size_t iovlen;     /* at most PS_IOV_MAX */
    void *control;     /* ancillary data in the platform's layout: see ps_cmsg_* */
    size_t controllen; /* recv: capacity going in, length used coming out */
    int flags;         /* recv, out: PS_MSG_TRUNC / PS_MSG_CTRUNC */
} ps_msg;

#define PS_TIMEOUT_NONE (-1.0)    /* block without limit */
#define PS_TIMEOUT_DEFAULT (-2.0) /* where a call takes one: ps_getdefaulttimeout() */

/* ps_listen reads this as min(SOMAXCONN, 128), like Python's listen(). */
#define PS_BACKLOG_DEFAULT (-0x7fff)

/* Address families. The values are portsock's own, mapped inside. */
#define PS_AF_UNSPEC 0
#define PS_AF_INET 1
#define PS_AF_INET6 2
#define PS_AF_UNIX 3

/* Socket types. */
#define PS_SOCK_STREAM 1
#define PS_SOCK_DGRAM 2

/* ps_shutdown's how. */
#define PS_SHUT_RD 0
#define PS_SHUT_WR 1
#define PS_SHUT_RDWR 2

/* Flags for send and receive calls (bits). */
#define PS_MSG_PEEK 0x01
#define PS_MSG_WAITALL 0x02
#define PS_MSG_OOB 0x04
#define PS_MSG_TRUNC 0x08  /* recvmsg out-flag: a datagram was longer than the buffers */
#define PS_MSG_CTRUNC 0x10 /* recvmsg out-flag: control data did not fit */

/* ps_getaddrinfo flags (bits). */
#define PS_AI_PASSIVE 0x01
#define PS_AI_CANONNAME 0x02
#define PS_AI_NUMERICHOST 0x04
#define PS_AI_NUMERICSERV 0x08

/* ps_getnameinfo flags (bits). */
#define PS_NI_NUMERICHOST 0x01
#define PS_NI_NUMERICSERV 0x02
#define PS_NI_NAMEREQD 0x04
#define PS_NI_DGRAM 0x08

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* One list gives the codes, their names and their messages. Values are
 * negative, distinct and never renumbered: new codes go at the end. */
#define PS_ERROR_LIST(X)                                                      \
    X(EAGAIN, -1, "resource temporarily unavailable (operation would block)") \
    X(ETIMEDOUT, -2, "timed out")                                             \
    X(EBADF, -3, "bad file descriptor (closed or invalid socket)")            \
    X(EINVAL, -4, "invalid argument")                                         \
    X(ENOMEM, -5, "out of memory")                                            \
    X(ENOTSUP, -6, "operation not supported on this platform or socket")      \
    X(EADDRINUSE, -7, "address already in use")                               \
    X(EADDRNOTAVAIL, -8, "address not available")                             \
    X(EAFNOSUPPORT, -9, "address family not supported")                       \
    X(EPROTONOSUPPORT, -10, "protocol not supported")                         \
    X(ECONNREFUSED, -11, "connection refused")                                \
    X(ECONNRESET, -12, "connection reset by peer")                            \
    X(ECONNABORTED, -13, "connection aborted")                                \
    X(EPIPE, -14, "broken pipe (connection closed for writing)")              \
    X(ENOTCONN, -15, "socket is not connected")                               \
    X(EISCONN, -16, "socket is already connected")                            \
    X(EINPROGRESS, -17, "operation in progress")                              \
    X(EALREADY, -18, "operation already in progress")                         \
    X(ENETUNREACH, -19, "network is unreachable")                             \
    X(EHOSTUNREACH, -20, "host is unreachable")                               \
    X(EMSGSIZE, -21, "message too long")                                      \
    X(EACCES, -22, "permission denied")                                       \
    X(EMFILE, -23, "too many open files")                                     \
    X(ENOBUFS, -24, "no buffer space available")                              \
    X(ENOTSOCK, -25, "not a socket")                                          \
    X(EAI_NONAME, -26, "name or service not known")                           \
    X(EAI_AGAIN, -27, "temporary failure in name resolution")                 \
    X(EAI_FAIL, -28, "non-recoverable failure in name resolution")            \
    X(EAI_SERVICE, -29, "service not supported for this socket type")         \
    X(EAI_FAMILY, -30, "address family not supported by name resolution")     \
    X(EUNKNOWN, -31, "unknown error")                                         \
    X(ENETDOWN, -32, "network is down")                                       \
    X(ENETRESET, -33, "network dropped connection on reset")                  \
    X(EPROTOTYPE, -34, "protocol wrong type for socket")                      \
    X(ENOPROTOOPT, -35, "protocol not available (unknown option)")            \
    X(EDESTADDRREQ, -36, "destination address required")                      \
    X(ESHUTDOWN, -37, "cannot send after socket shutdown")                    \
    X(EHOSTDOWN, -38, "host is down")                                         \
    X(EPERM, -39, "operation not permitted")                                  \
    X(ENOENT, -40, "no such file or directory")                               \
    X(ENFILE, -41, "too many open files in system")                           \
    X(ENAMETOOLONG, -42, "file name too long")                                \
    X(EAI_SOCKTYPE, -43, "socket type not supported by name resolution")      \
    X(EEXIST, -44, "already registered")                                      \
    X(EBUSY, -45, "resource busy (still in use)")

/* The PS_E... codes of PS_ERROR_LIST, as an enum. */
enum ps_error_code {
#define PS__ERROR_ENUM(name, value, text) PS_##name = (value),
    PS_ERROR_LIST(PS__ERROR_ENUM)
#undef PS__ERROR_ENUM
        PS__ERROR_LAST_ = -45
};

/* An OS error that has no PS_E... code keeps its number. The native number n
 * (errno on POSIX; a WSA or Win32 error code on Windows) comes back as the
 * code PS_ESYSERR - n, for 1 <= n <= PS_ESYSERR_NATIVE_MAX: errno 95 as
 * -100095, WSAELOOP (10062) as -110062. These codes lie below -100000, far
 * from every PS_E... code (-1 and down, new ones added at the end, never
 * near -100000) on every platform, and ps_error_native() recovers n from
 * them. A native number outside that range (0 and below, or above the
 * maximum) gives PS_EUNKNOWN. Codes with a name are never encoded: a mapped
 * error is always its PS_E... code. */
#define PS_ESYSERR (-100000)
#define PS_ESYSERR_NATIVE_MAX 999999999

/* "connection refused" for PS_ECONNREFUSED; never NULL ("unknown error" for
 * a value that is no PS_E... code, "success" for 0 and above). For an OS
 * error kept as PS_ESYSERR - n, the OS's own text for n (strerror_r on POSIX,
 * FormatMessage on Windows); that text lives in a buffer of the calling
 * thread, valid until the thread's next ps_strerror of such a code. */
PS_API const char *ps_strerror(int err);
/* "ECONNREFUSED" for PS_ECONNREFUSED; never NULL ("EUNKNOWN" for a value that
 * is no code, "OK" for 0 and above). For an OS error kept as
 * PS_ESYSERR - n, "PS_ESYSERR(n)", such as "PS_ESYSERR(95)", in a buffer of
 * the calling thread valid until its next ps_errname of such a code. */
PS_API const char *ps_errname(int err);
/* Translates the OS's own error number to a PS_E... code: errno on POSIX,
 * a WSA code (WSAGetLastError) or Win32 error code on Windows. 0 gives 0; a
 * number portsock has no code for gives PS_ESYSERR - native (see PS_ESYSERR),
 * or PS_EUNKNOWN when it is outside the range that encoding holds. */
PS_API int ps_error_from_native(int native);
/* The OS's error number inside err: n for err == PS_ESYSERR - n (an OS error
 * portsock has no code for), else 0 (a PS_E... code, success, or any other
 * value). ps_error_native(ps_error_from_native(n)) == n for every unmapped n
 * in range. */
PS_API int ps_error_native(int err);

/* ------------------------------------------------------------------------ */
/* Library lifetime                                                         */
/* ------------------------------------------------------------------------ */

/* "0.1.0". */
PS_API const char *ps_version(void);
/* Optional. Starts the platform's socket layer (WSAStartup on Windows; a no-op
 * on POSIX) and counts the calls. Every other function starts it lazily and
 * thread-safely when needed, so programs need not call this. */
PS_API int ps_init(void);
/* Undoes one ps_init(). The socket layer stays up while lazily started. */
PS_API void ps_cleanup(void);

/* Replaces the allocator behind every allocation portsock makes (sockets,
 * streams, selectors, address lists it builds, internal buffers), as
 * libuv's uv_replace_allocator. The four functions must behave as the C
 * library's malloc, realloc, calloc and free. Call it before any other
 * thread uses portsock: the switch itself is not synchronised with
 * allocations running in other threads.
 * Errors: PS_EINVAL if any pointer is NULL (nothing changes); PS_EBUSY
 * while any allocation made with the present functions is still alive (an
 * open socket, stream, selector, address list...): memory must be freed by
 * the allocator that made it. The same on every platform. Memory the OS
 * allocates (getaddrinfo's own lists inside the system resolver, Winsock's
 * buffers) does not go through it. */
PS_API int ps_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                            void *(*calloc_fn)(size_t, size_t), void (*free_fn)(void *));

/* ------------------------------------------------------------------------ */
/* Sockets: creation, identity, lifetime                                    */
/* ------------------------------------------------------------------------ */

/* Creates a socket of family PS_AF_INET / PS_AF_INET6 / PS_AF_UNIX and type
 * PS_SOCK_STREAM / PS_SOCK_DGRAM; protocol 0 picks the default. The socket is
 * non-inheritable and takes the default timeout (ps_getdefaulttimeout).
 * Errors: PS_EINVAL (NULL out, a family or type that is no PS_... constant),
 * PS_EAFNOSUPPORT (a family this system or call cannot make a socket of:
 * AF_UNIX where the system has none, PS_AF_UNSPEC), PS_EPROTONOSUPPORT,
 * PS_EMFILE, PS_ENFILE, PS_ENOBUFS, PS_ENOMEM. */
PS_API int ps_socket_open(ps_socket **out, int family, int type, int protocol);

/* Closes the native socket and frees s. s must not be used afterwards, even
 * when this returns an error (the object is freed in every case). With
 * streams from ps_makefile still open, the native socket stays open for
 * them until the last one closes. PS_EINVAL for NULL. */
PS_API int ps_close(ps_socket *s);

/* Frees s without closing its native handle, which it returns (as Python's
 * detach()). s must not be used afterwards; streams still open on it keep
 * using the handle and never close it. The handle is left as Python leaves
 * it: non-blocking exactly when s's timeout is not PS_TIMEOUT_NONE, and
 * without the kernel send/receive timeouts portsock may have set on it
 * (Linux). PS_INVALID_NATIVE for NULL. */
PS_API ps_native ps_detach(ps_socket *s);

/* The native handle: a file descriptor on POSIX, a SOCKET on Windows. On
 * Windows it is no C runtime descriptor: _fdopen() and friends fail on it
 * (docs/windows-caveats.md). PS_INVALID_NATIVE for NULL.
 * Its mode while s has a timeout: 0.0 is non-blocking everywhere;
 * PS_TIMEOUT_NONE blocking everywhere; a positive timeout is, on Linux,
 * blocking with SO_RCVTIMEO / SO_SNDTIMEO set to it (non-blocking instead
 * when s shares its socket with another object, after ps_dup or
 * ps_socket_from_native, when the timeout exceeds about 31 years, or under
 * PS_DIAG_FORCE_WAIT_TIMEOUTS), and non-blocking without kernel timeouts on
 * the other POSIX systems and on Windows. Python's fileno() is non-blocking
 * for every timeout. Changing the mode through the handle does not change
 * s's timeout: s's calls keep to it (Windows: except as
 * docs/windows-caveats.md says for handles duplicated outside portsock). */
PS_API ps_native ps_fileno(const ps_socket *s);

/* The socket's family (PS_AF_...) and type (PS_SOCK_...); PS_EINVAL for NULL. */
PS_API int ps_family(const ps_socket *s);
PS_API int ps_type(const ps_socket *s);

/* Adopts a native socket (as Python's socket(fileno=h)): detects its family
 * and type, and puts it in the mode of the default timeout. The object
 * counts as sharing its socket (as after ps_dup): its calls keep their own
 * timeout whatever mode others set. Kernel timeouts (SO_RCVTIMEO /
 * SO_SNDTIMEO) set by another user of h stay on POSIX, where they belong to
 * that user and portsock's calls never rely on them; Windows clears them,
 * since Microsoft documents a socket whose timeout expired in a blocking
 * call as indeterminate. On success the object owns h. Errors:
 * PS_ENOTSOCK (h is something else), PS_EBADF (invalid h), PS_ENOTSUP (a
 * socket type portsock has no name for), PS_EAFNOSUPPORT (a family portsock
 * has no name for). */
PS_API int ps_socket_from_native(ps_socket **out, ps_native h);

/* A second, non-inheritable socket object on the same connection, with the
 * same family, type and timeout. Closing one leaves the other working.
 * POSIX: F_DUPFD_CLOEXEC; Windows: WSADuplicateSocketW + WSASocketW. Both
 * are one socket underneath, with one native blocking mode; each object's
 * own timeout still governs its calls (unlike Python, where the mode is
 * shared): from now on neither uses kernel timeouts, each timed call on
 * POSIX tries with MSG_DONTWAIT, and on Windows, which has no such flag,
 * a timed call waits for readiness before it tries (as CPython does). */
PS_API int ps_dup(ps_socket *s, ps_socket **out);

/* Whether a child process inherits the native socket (FD_CLOEXEC clear /
 * HANDLE_FLAG_INHERIT set): 1 or 0, or an error. Sockets are created,
 * accepted, duplicated and paired non-inheritable. */
PS_API int ps_get_inheritable(ps_socket *s);
PS_API int ps_set_inheritable(ps_socket *s, int inheritable);

/* Two connected sockets. family PS_AF_UNIX uses the system's socketpair
 * (POSIX; PS_EAFNOSUPPORT on Windows without AF_UNIX or for datagrams);
 * PS_AF_INET / PS_AF_INET6 connect two loopback sockets (Python offers that
 * only on Windows; portsock everywhere), checking that the accepted
 * connection is its own; PS_AF_UNSPEC picks AF_UNIX where it works, else
 * IPv4 loopback, else IPv6: any failure of the AF_UNIX attempt falls back
 * (on Windows a pair needs a path in the temporary folder, which a user
 * name outside ASCII or a long path can make impossible). Windows' AF_UNIX
 * pair is a listener on such a path, one connection, and the path removed.
 * Both sockets take the default timeout. PS_EINVAL for NULL pair or a
 * family or type that is no PS_... constant. */
PS_API int ps_socketpair(ps_socket *pair[2], int family, int type);

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

#define PS_OPT_REUSEADDR 1 /* bool; on Windows SO_REUSEADDR lets others steal the port */
#define PS_OPT_REUSEPORT 2 /* bool; PS_ENOTSUP where the OS has no SO_REUSEPORT */
#define PS_OPT_KEEPALIVE 3 /* bool */
#define PS_OPT_NODELAY 4   /* bool, TCP only */
#define PS_OPT_RCVBUF 5    /* bytes, > 0 (Linux reports twice the value set) */
#define PS_OPT_SNDBUF 6    /* bytes, > 0 (as above) */
#define PS_OPT_BROADCAST 7 /* bool, datagram */
#define PS_OPT_LINGER 8    /* seconds >= 0, or -1 for off; 0 makes ps_close reset */
#define PS_OPT_V6ONLY 9    /* bool, IPv6 sockets only */
#define PS_OPT_PKTINFO 10  /* bool, datagram: receive each datagram's destination */
#define PS_OPT_ERROR 11    /* get only: the pending error as a PS_E... code (0 if none), cleared */
#define PS_OPT_TYPE 12     /* get only: PS_SOCK_STREAM or PS_SOCK_DGRAM */

/* Sets or reads one portable option. Errors: PS_EINVAL (NULL, unknown opt,
 * a value out of range, setting a get-only option), PS_ENOTSUP (the
 * platform, or this kind of socket, cannot honour the option: never a
 * silent no-op). Booleans read back as 0 or 1. */
PS_API int ps_setopt(ps_socket *s, int opt, int value);
PS_API int ps_getopt(ps_socket *s, int opt, int *value);

/* setsockopt / getsockopt with the platform's own level and name numbers.
 * *len is the buffer's size going in and the length used coming out. */
PS_API int ps_setsockopt_native(ps_socket *s, int level, int name, const void *v, size_t len);
PS_API int ps_getsockopt_native(ps_socket *s, int level, int name, void *v, size_t *len);

/* ------------------------------------------------------------------------ */
/* Connections                                                              */
/* ------------------------------------------------------------------------ */

/* Binds s to a. Errors: PS_EINVAL (NULL, empty address), PS_EAFNOSUPPORT
 * (address of another family), PS_EADDRINUSE, PS_EADDRNOTAVAIL, PS_EACCES. */
PS_API int ps_bind(ps_socket *s, const ps_addr *a);

/* Listens with the given backlog: PS_BACKLOG_DEFAULT for min(SOMAXCONN, 128),
 * a negative value counts as 0, as in Python. PS_ENOTSUP on a datagram
 * socket. */
PS_API int ps_listen(ps_socket *s, int backlog);

/* Accepts one connection into *conn (non-inheritable, with the default
 * timeout whatever the listener's mode); peer, if not NULL, receives the
 * client's address. Honours s's timeout. Windows: non-inheritable is not
 * atomic (there is no accept4): the accepted socket copies the listener's
 * flag, which portsock's listeners have clear, and it is cleared after
 * accept only when set; a handle of a layered provider that the kernel
 * does not know is kept as it is (no child can inherit it). */
PS_API int ps_accept(ps_socket *s, ps_socket **conn, ps_addr *peer);

/* Connects s to a. With a timeout, the timeout bounds the whole call.
 * Errors: PS_ECONNREFUSED, PS_ETIMEDOUT, PS_ENETUNREACH, PS_EHOSTUNREACH,
 * PS_EISCONN, PS_EAFNOSUPPORT, PS_EINVAL; on a non-blocking socket
 * PS_EINPROGRESS (then PS_EALREADY while pending). */
PS_API int ps_connect(ps_socket *s, const ps_addr *a);

/* As ps_connect, but reports a failure as the OS's own error number, as
 * Python's connect_ex() does: 0 on success, errno on POSIX (ECONNREFUSED,
 * EINPROGRESS, ...), the WSA code on Windows (WSAECONNREFUSED,
 * WSAEWOULDBLOCK, ...); ps_error_from_native() makes it portable. When the
 * timeout expires it returns the platform's ETIMEDOUT / WSAETIMEDOUT. An
 * error portsock finds before calling the OS (bad arguments) is returned as
 * its negative PS_E... code. */
PS_API int ps_connect_ex(ps_socket *s, const ps_addr *a);

/* The local and the remote address of s. PS_ENOTCONN from getpeername on an
 * unconnected socket. */
PS_API int ps_getsockname(ps_socket *s, ps_addr *out);
PS_API int ps_getpeername(ps_socket *s, ps_addr *out);

/* Shuts down reading (PS_SHUT_RD), writing (PS_SHUT_WR) or both. After
 * PS_SHUT_WR the peer's ps_recv returns 0. PS_ENOTCONN when unconnected.
 * A later ps_recv after PS_SHUT_RD returns 0 everywhere. Windows: on TCP,
 * PS_SHUT_RD (SD_RECEIVE) resets the connection when unread data is
 * queued or more arrives later (Microsoft's shutdown page), where Linux
 * keeps it open and the peer may go on sending; shut down reading on
 * Windows only when the peer has nothing more to send. */
PS_API int ps_shutdown(ps_socket *s, int how);

/* Flags of ps_create_server (bits). */
#define PS_SERVER_DUALSTACK 0x01  /* an IPv6 server that also accepts IPv4 clients */
#define PS_SERVER_REUSE_PORT 0x02 /* SO_REUSEPORT; PS_ENOTSUP where the OS has none */
/* Windows: a plain bind, without SO_EXCLUSIVEADDRUSE (CPython's choice): a
 * restarted server binds at once even while connections of its previous
 * run are still closing, but another process of the same user could take
 * the port with SO_REUSEADDR. No effect on POSIX. */
#define PS_SERVER_NOT_EXCLUSIVE 0x04

/* Python's socket.create_connection(): resolves host and port, tries each
 * address in order with `timeout` per attempt (PS_TIMEOUT_DEFAULT for the
 * default timeout), binding to `source` first when it is not NULL, and
 * returns the first socket that connects; the new socket keeps `timeout`.
 * Every resolved address is tried (no cap). When every attempt fails it
 * returns the last connect failure, as CPython 3.11 raises the last
 * attempt's error; a bind failure only when no attempt reached connect, and
 * a socket failure (a family the machine lacks) only when none reached
 * bind: "connection refused" from one address says more about the target
 * than "no IPv6 here" from the next. */
PS_API int ps_create_connection(ps_socket **out, const char *host, const char *port, double timeout,
                                const ps_addr *source);

/* The same over addresses the caller resolved: tries addrs[0..n-1] in order,
 * and reports a failure by the same rule. */
PS_API int ps_create_connection_addrs(ps_socket **out, const ps_addr *addrs, size_t n,
                                      double timeout, const ps_addr *source);

/* Python's socket.create_server(): a listening TCP socket on a. On POSIX it
 * sets SO_REUSEADDR: a restarted server can bind at once, and no other
 * listener can share the port. Windows has no option that gives both.
 * portsock promises that no other socket takes the port: it sets
 * SO_EXCLUSIVEADDRUSE (SO_REUSEADDR there would let another socket steal
 * it; since Windows Server 2003 only one of the same user). The price,
 * which Microsoft documents: the port may not be bindable again, with
 * PS_EADDRINUSE, while connections the previous listener accepted are
 * still closing; a server that must restart at once asks for
 * PS_SERVER_NOT_EXCLUSIVE, a plain bind as CPython does (which already
 * passes TIME_WAIT on Windows). An IPv6 server is IPv6-only unless
 * PS_SERVER_DUALSTACK (PS_EINVAL on an IPv4 address). backlog as for
 * ps_listen. */
PS_API int ps_create_server(ps_socket **out, const ps_addr *a, int backlog, int flags);

/* ------------------------------------------------------------------------ */
/* Data                                                                     */
/* ------------------------------------------------------------------------ */

/* Receives up to len bytes. Returns the count, 0 at orderly EOF on a stream
 * (or for an empty datagram, or len 0). A datagram longer than len gives its
 * first len bytes and len on every platform (Winsock's WSAEMSGSIZE is
 * translated). Lengths above INT_MAX are accepted everywhere.
 * Errors: PS_EINVAL (NULL buf with len > 0, len > PTRDIFF_MAX, unknown flag),
 * PS_EAGAIN (non-blocking, nothing there), PS_ETIMEDOUT, PS_ECONNRESET,
 * PS_ENOTCONN. */
PS_API ptrdiff_t ps_recv(ps_socket *s, void *buf, size_t len, int flags);

/* As ps_recv; from, if not NULL, receives the sender's address. */
PS_API ptrdiff_t ps_recvfrom(ps_socket *s, void *buf, size_t len, int flags, ps_addr *from);

/* Sends up to len bytes; returns how many the system took. Never raises
 * SIGPIPE: a closed connection gives PS_EPIPE (or PS_ECONNRESET). */
PS_API ptrdiff_t ps_send(ps_socket *s, const void *buf, size_t len, int flags);

/* Sends all len bytes, looping over partial sends. *sent (if not NULL)
 * receives the count sent, on failure too. With a timeout, the timeout bounds
 * the whole call. Returns 0 or an error. */
PS_API int ps_sendall(ps_socket *s, const void *buf, size_t len, int flags, size_t *sent);

/* Sends one datagram to `to` (or, with a NULL `to`, to the connected peer). */
PS_API ptrdiff_t ps_sendto(ps_socket *s, const void *buf, size_t len, int flags, const ps_addr *to);

/* ------------------------------------------------------------------------ */
/* Scatter/gather, ancillary data, sendfile                                 */
/* ------------------------------------------------------------------------ */

/* Receives into msg->iov (scatter), with the source in msg->addr (if not
 * NULL) and ancillary data in msg->control. msg->flags reports PS_MSG_TRUNC
 * (a datagram was longer than the buffers: the first bytes are there) and
 * PS_MSG_CTRUNC (control data was cut) on every platform. Timeouts as for
 * ps_recv. Windows: WSARecvMsg for datagrams, WSARecv with buffer arrays for
 * streams (where WSARecvMsg is refused). Errors as ps_recv, and PS_EINVAL
 * for more than PS_IOV_MAX buffers, a NULL base with a non-zero length, or
 * a controllen above INT_MAX (or non-zero with a NULL control): refused
 * before any system call, so nothing is consumed. */
PS_API ptrdiff_t ps_recvmsg(ps_socket *s, ps_msg *msg, int flags);

/* Sends msg->iov gathered into one message (to msg->addr if not NULL), with
 * ancillary data from msg->control (built with ps_cmsg_put_*). Returns the
 * bytes sent. Windows: WSASendMsg for datagrams, WSASend for streams.
 * PS_EINVAL as for ps_recvmsg (nothing is sent). */
PS_API ptrdiff_t ps_sendmsg(ps_socket *s, const ps_msg *msg, int flags);

/* Kinds of ancillary message. */
#define PS_CMSG_OTHER 0
#define PS_SCM_RIGHTS 1   /* descriptors passed over AF_UNIX (POSIX only) */
#define PS_IP_PKTINFO 2   /* an IPv4 datagram's destination / a send's source */
#define PS_IPV6_PKTINFO 3 /* the same for IPv6 */

typedef struct ps_cmsg ps_cmsg; /* one control message inside msg->control */

/* Bytes one control message with datalen bytes of data takes. */
PS_API size_t ps_cmsg_space(size_t datalen);
/* The first / next control message, or NULL. Iteration checks every length
 * against msg->controllen: a malformed or cut buffer ends the iteration, it
 * is never read out of bounds. */
PS_API const ps_cmsg *ps_cmsg_first(const ps_msg *msg);
PS_API const ps_cmsg *ps_cmsg_next(const ps_msg *msg, const ps_cmsg *c);
/* PS_SCM_RIGHTS, PS_IP_PKTINFO, PS_IPV6_PKTINFO or PS_CMSG_OTHER. */
PS_API int ps_cmsg_kind(const ps_cmsg *c);
/* The message's native level and type, and its data. */
PS_API int ps_cmsg_native(const ps_cmsg *c, int *level, int *type, const void **data, size_t *len);
/* The destination address of a received datagram (port 0). */
PS_API int ps_cmsg_get_pktinfo(const ps_cmsg *c, ps_addr *dst);
/* Copies up to max received descriptors to fds and returns how many the
 * message holds (call again with a larger array when that is more than
 * max). The caller owns every descriptor a received message holds, and
 * closes them; they arrive non-inheritable. PS_ENOTSUP on Windows. */
PS_API int ps_cmsg_get_fds(const ps_cmsg *c, ps_native *fds, size_t max);
/* Appends a PKTINFO message choosing the source address of a send (IPv4 or
 * IPv6 by src's family) to msg->control, whose size is capacity;
 * msg->controllen grows. PS_ENOBUFS when it does not fit. */
PS_API int ps_cmsg_put_pktinfo(ps_msg *msg, size_t capacity, const ps_addr *src);
/* Appends an SCM_RIGHTS message passing n descriptors (POSIX AF_UNIX);
 * n is 1 to 253 (Linux's SCM_MAX_FD, the same limit everywhere), else
 * PS_EINVAL; PS_ENOTSUP on Windows. */
PS_API int ps_cmsg_put_fds(ps_msg *msg, size_t capacity, const ps_native *fds, size_t n);

/* Sends a file's bytes from offset: count bytes, or to EOF when count is 0,
 * as Python's socket.sendfile(). Linux, FreeBSD and macOS use sendfile(2),
 * Windows TransmitFile (for blocking sockets), and a read + send loop
 * wherever the fast path is missing (the other BSDs) or refuses. Open f in
 * binary mode ("rb"): on Windows the read + send loop would otherwise
 * translate line ends that TransmitFile sends as they are. The socket's
 * timeout bounds the whole call. Returns the bytes sent (0 for an empty file or an offset
 * past its end) or an error; in every case the file position is left at
 * offset + the bytes really sent, so a retry from the current position
 * neither loses nor repeats a byte. Errors: PS_EINVAL (NULL, a datagram or a
 * non-blocking socket), PS_ETIMEDOUT, PS_EPIPE, PS_ECONNRESET, ...
 * Windows: client editions run at most two TransmitFile calls at once,
 * system-wide, and queue the rest, so a blocking ps_sendfile may wait
 * behind other processes' transfers; give the socket a timeout (the copy
 * loop then serves the call, within its deadline) where that matters. A
 * TransmitFile that fails part way reports the bytes it sent; only one
 * refused before it started falls back to the copy loop. */
PS_API int64_t ps_sendfile(ps_socket *s, FILE *f, uint64_t offset, uint64_t count);

/* ps_sendfile_ex flags, and the paths it reports. */
#define PS_SENDFILE_COPY_ONLY 0x01 /* skip the kernel fast path (for tests) */
#define PS_SENDFILE_PATH_NONE 0    /* nothing needed sending */
#define PS_SENDFILE_PATH_KERNEL 1  /* sendfile(2) / TransmitFile */
#define PS_SENDFILE_PATH_COPY 2    /* read + send */

/* ps_sendfile with flags. *path (if not NULL) tells which path carried the
 * bytes (the copy path, if the fast path gave up part way through), *sent
 * (if not NULL) how many went out, on failure too. */
PS_API int64_t ps_sendfile_ex(ps_socket *s, FILE *f, uint64_t offset, uint64_t count, int flags,
                              int *path, uint64_t *sent);

/* ------------------------------------------------------------------------ */
/* Streams (Python's makefile)                                              */
/* ------------------------------------------------------------------------ */

/* A buffered stream on s, as Python's makefile(). mode holds 'r', 'w' or
 * both, and an optional 'b', in any order as Python takes them ("r", "w",
 * "rw", "wr", "rb", "br", "rwb", ...; there is no text translation either
 * way). A letter twice, any other letter, or neither 'r' nor 'w' is
 * PS_EINVAL. bufsize is the buffer size in bytes: 0 picks a
 * default (64 KiB), 1 means a small buffer and line-buffered writes (each
 * write that contains '\n' flushes), as for text protocols.
 *
 * Lifetime, as in Python: closing a stream never closes the socket; after
 * ps_close(s) the streams keep working, and the native socket closes when
 * the last of them closes. A socket and its streams are used from one
 * thread at a time (as a stdio FILE).
 *
 * Timeouts follow the socket's (set before or after makefile). Unlike
 * CPython, a stream operation that times out (PS_ETIMEDOUT, or PS_EAGAIN on
 * a non-blocking socket) loses nothing: bytes received stay buffered, bytes
 * taken are sent by a later write or flush, and the next call carries on
 * where the failed one stopped. Reading from a write-only stream or writing
 * to a read-only one is PS_EBADF. */
PS_API int ps_makefile(ps_socket *s, const char *mode, size_t bufsize, ps_file **out);

/* Reads exactly n bytes unless EOF comes first; returns the count (0 at EOF).
 * On a timeout or error nothing is consumed: every byte received so far
 * stays buffered for the next call, which returns them. Before it waits for
 * data, the stream flushes what was written to it. */
PS_API ptrdiff_t ps_file_read(ps_file *f, void *buf, size_t n);

/* Like fgets: reads up to size-1 bytes, stopping after a '\n' (kept),
 * NUL-terminates, and returns the length; 0 at EOF. A line longer than the
 * buffer comes back in pieces of size-1 bytes, nothing dropped. size must be
 * at least 2. On a timeout nothing is consumed. */
PS_API ptrdiff_t ps_file_readline(ps_file *f, char *buf, size_t size);

/* Buffers and sends n bytes. Returns the bytes taken: all of them, unless a
 * timeout or an error cut it short; then the count taken (taken bytes are
 * sent once, in order, by later writes or flushes), or the error when none
 * was taken. The error that cut a write short is not lost: the next
 * ps_file_write or ps_file_flush returns it once, taking and sending nothing
 * (as a short write(2) is followed by the call that fails), and
 * ps_file_close returns it if neither did. */
PS_API ptrdiff_t ps_file_write(ps_file *f, const void *buf, size_t n);

/* Formats like printf and takes the whole text into the stream; returns
 * its length. When the stream then had to send and that timed out or failed,
 * returns that error with the text still taken: it goes out with the next
 * flush, so do not print it again. */
PS_API int ps_file_printf(ps_file *f, const char *fmt, ...) PS_PRINTF_LIKE(2, 3);

/* Sends everything buffered for writing. On a timeout the rest stays
 * buffered for the next flush. */
PS_API int ps_file_flush(ps_file *f);

/* Flushes and frees f, whatever the flush returned (its error is returned).
 * The socket stays open, unless ps_close was called and this was its last
 * stream. */
PS_API int ps_file_close(ps_file *f);

/* The bytes f holds for reading: received from the socket but not yet
 * returned by ps_file_read or ps_file_readline. A program that waits for
 * the socket's readiness (ps_poll, a selector) must read these first: they
 * are no longer in the socket, so it does not become readable for them.
 * Makes no system call. 0 for a write-only stream; PS_EINVAL for NULL. */
PS_API ptrdiff_t ps_file_pending(const ps_file *f);

/* POSIX: the socket's file descriptor, usable with read() and fdopen().
 * Windows: PS_ENOTSUP - a SOCKET is no C runtime descriptor, and a makefile
 * stream has none (docs/windows-caveats.md). Bytes already buffered in f are
 * not visible through the descriptor. */
PS_API int ps_file_fd(ps_file *f);

/* POSIX: a stdio FILE on a duplicate of the socket's descriptor (fgets and
 * fprintf work on it; fclose closes only the duplicate). Use it with a
 * blocking socket: stdio does not know PS_EAGAIN. Windows: PS_ENOTSUP - no C
 * runtime stream can be made honestly from a SOCKET. */
PS_API int ps_fdopen(ps_socket *s, const char *mode, FILE **out);

/* ------------------------------------------------------------------------ */
/* Readiness                                                                */
/* ------------------------------------------------------------------------ */

#define PS_POLLIN 0x01   /* readable: data, a connection to accept, or EOF */
#define PS_POLLOUT 0x02  /* writable (a pending connect has finished) */
#define PS_POLLERR 0x04  /* out only: an error is pending (PS_OPT_ERROR reads it) */
#define PS_POLLHUP 0x08  /* out only: the connection is closed */
#define PS_POLLNVAL 0x10 /* out only: the native handle is not a valid socket */

/* One socket for ps_poll, with the events wanted and the events seen. */
typedef struct ps_pollfd {
    ps_socket *sock; /* NULL: the entry is ignored, revents 0 */
    short events;    /* PS_POLLIN | PS_POLLOUT */
    short revents;   /* set by ps_poll */
} ps_pollfd;

/* Waits until one of the sockets is ready or timeout seconds pass
 * (PS_TIMEOUT_NONE: no limit, 0: just look). Returns how many entries have
 * revents != 0 (0 when the time ran out). A failed non-blocking connect is
 * reported (PS_POLLERR / PS_POLLHUP) on every platform, and a socket whose
 * native handle was closed underneath as PS_POLLNVAL. A hang-up shows as
 * PS_POLLIN (the next recv returns 0), with PS_POLLHUP too where the
 * system says so (poll, WSAPoll; not Windows' select path). Signals do not end
 * the wait early. Errors: PS_EINVAL (NULL fds with n > 0, unknown event
 * bits, invalid timeout), PS_ENOMEM. */
PS_API int ps_poll(ps_pollfd *fds, size_t n, double timeout);

/* One ready socket, as ps_selector_wait reports it. */
typedef struct ps_event {
    ps_socket *sock; /* the ready socket */
    void *data;      /* as given to ps_selector_add / ps_selector_modify */
    int events;      /* PS_POLL... bits */
} ps_event;

/* Selector backends. PS_SELECTOR_DEFAULT is the best one here: epoll on
 * Linux, kqueue on macOS and the BSDs, PS_SELECTOR_AFD on Windows where it
 * opens (else PS_SELECTOR_POLL), PS_SELECTOR_POLL elsewhere. On Windows
 * PS_SELECTOR_POLL runs on WSAPoll, or on select() with fd_sets sized to
 * the call while a socket waits for PS_POLLOUT (old WSAPoll versions miss
 * failed connects): no 64-socket limit either way. */
#define PS_SELECTOR_DEFAULT 0
#define PS_SELECTOR_POLL 1
#define PS_SELECTOR_EPOLL 2
#define PS_SELECTOR_KQUEUE 3
/* Windows: one poll request of the AFD driver (the kernel side of Winsock)
 * outstanding per idle registered socket, completed on an I/O completion
 * port (the technique of libuv, wepoll and Rust's mio), so that a wait
 * costs what the ready sockets cost, as epoll does. The driver's poll
 * request is undocumented (ntdll's NtDeviceIoControlFile on the AFD device,
 * loaded at run time); where it is missing, opening this backend is
 * PS_ENOTSUP and PS_SELECTOR_DEFAULT falls back to PS_SELECTOR_POLL. Under
 * Wine 8 every socket event and poll request costs in proportion to the
 * pending requests, that is to the idle registered sockets (see
 * docs/windows-caveats.md, docs/benchmarks.md). */
#define PS_SELECTOR_AFD 4

/* Opens a readiness set, as Python's selectors.DefaultSelector(). */
PS_API int ps_selector_open(ps_selector **out);
/* Opens one with a given backend; PS_ENOTSUP where this platform lacks it. */
PS_API int ps_selector_open_backend(ps_selector **out, int backend);
/* The backend a selector runs on (PS_SELECTOR_POLL / _EPOLL / _KQUEUE /
 * _AFD): what PS_SELECTOR_DEFAULT chose. */
PS_API int ps_selector_backend(const ps_selector *sel);

/* Registers s for events (PS_POLLIN and/or PS_POLLOUT) with a user
 * pointer. A socket belongs to at most one selector: registering it again
 * is PS_EEXIST. ps_close and ps_detach remove a socket from its selector
 * first, so a selector never holds a dangling socket. */
PS_API int ps_selector_add(ps_selector *sel, ps_socket *s, int events, void *data);
/* Changes the events and the user pointer; PS_ENOENT when s is not
 * registered with sel. */
PS_API int ps_selector_modify(ps_selector *sel, ps_socket *s, int events, void *data);
/* Unregisters s; PS_ENOENT when it is not registered with sel. */
PS_API int ps_selector_remove(ps_selector *sel, ps_socket *s);
/* Waits up to timeout seconds (PS_TIMEOUT_NONE: no limit, 0: just look) and
 * fills at most max entries of out, one per ready socket; returns how many.
 * An empty selector sleeps for the timeout and returns 0, as Python's
 * selectors do. The cost follows the ready sockets with epoll, kqueue and
 * AFD, the registered ones with poll. */
PS_API int ps_selector_wait(ps_selector *sel, ps_event *out, size_t max, double timeout);
/* Unregisters every socket (they stay open) and frees sel. */
PS_API void ps_selector_close(ps_selector *sel);

/* ------------------------------------------------------------------------ */
/* Timeouts and modes                                                       */
/* ------------------------------------------------------------------------ */

/* PS_TIMEOUT_NONE (block), 0.0 (never block) or > 0 seconds. Any finite
 * positive value is honoured, however long (up to DBL_MAX: a wait without
 * practical end, in pieces where the OS needs them). Any other value (NaN,
 * negative, infinite) is PS_EINVAL and changes nothing.
 * A call keeps the timeout that was set when it began: ps_settimeout from
 * another thread affects only calls that start after it. Whatever shares
 * the socket (another thread's calls and signals, ps_dup, an adopted
 * duplicate, a mode set through ps_fileno's handle), a call never ends
 * before its own deadline nor waits (more than scheduling slack) past it,
 * and a call on a socket without timeout never returns PS_EAGAIN because
 * someone else made the socket non-blocking. Exceptions, where the OS has
 * no per-call non-blocking flag: an accept (or the kernel's sendfile) that
 * finds the socket in blocking mode after its wait, and loses the
 * connection (or buffer space) it waited for to another thread, waits for
 * the next one; on Windows see docs/windows-caveats.md for handles
 * duplicated outside portsock. */
PS_API int ps_settimeout(ps_socket *s, double seconds);
/* The timeout in seconds, PS_TIMEOUT_NONE when blocking. For NULL it
 * returns (double)PS_EINVAL (-22.0), a value no timeout has (a double
 * cannot carry an error otherwise; Python has no such case). */
PS_API double ps_gettimeout(const ps_socket *s);
/* 1 sets PS_TIMEOUT_NONE, 0 sets 0.0. */
PS_API int ps_setblocking(ps_socket *s, int blocking);
/* 0 when the timeout is 0.0, else 1 (as Python's getblocking()). */
PS_API int ps_getblocking(const ps_socket *s);
/* The timeout new sockets start with (created, accepted, adopted, paired),
 * as Python's socket.setdefaulttimeout(): 0, or PS_EINVAL for a value
 * ps_settimeout would refuse, which leaves the default unchanged. Safe from
 * any thread, at any time: a socket takes the default once, when it is made. */
PS_API int ps_setdefaulttimeout(double seconds);
/* The default timeout (PS_TIMEOUT_NONE until set). */
PS_API double ps_getdefaulttimeout(void);

/* ------------------------------------------------------------------------ */
/* Addresses and names                                                      */
/* ------------------------------------------------------------------------ */

/* Builds an address from a numeric host ("127.0.0.1", "::1", "fe80::1%2")
 * and a port. No name resolution. PS_EINVAL for anything else. */
PS_API int ps_addr_set(ps_addr *out, const char *numeric_host, uint16_t port);

/* Parses "1.2.3.4:80", "[::1]:80", "[fe80::1%eth0]:80" or "unix:/path"
 * (AF_UNIX where the platform has it, else PS_EAFNOSUPPORT). Host names are
 * not resolved: "localhost:80" is PS_EINVAL (use ps_getaddrinfo). */
PS_API int ps_addr_parse(ps_addr *out, const char *text);

/* Writes a in the form ps_addr_parse reads, NUL-terminated; an IPv6 scope
 * as its interface's name where the index has one ("[fe80::1%eth0]:80"; on
 * Windows names such as "loopback_0"), else as the number. Returns the
 * length (without the NUL), PS_EINVAL for an empty or unknown address, or
 * PS_ENOBUFS when buf is too small (nothing past buf[size-1] is written). */
PS_API int ps_addr_format(const ps_addr *a, char *buf, size_t size);

/* The address's family (PS_AF_...) and port (0..65535); PS_EINVAL for an
 * empty or unknown address, PS_EAFNOSUPPORT for the port of an AF_UNIX one. */
PS_API int ps_addr_family(const ps_addr *a);
PS_API int ps_addr_port(const ps_addr *a);

/* Resolves host and service (either may be NULL, not both) for the given
 * family (PS_AF_UNSPEC for any), type (0 for any) and PS_AI_... flags into a
 * list freed with ps_freeaddrinfo. Errors: PS_EAI_NONAME, PS_EAI_AGAIN,
 * PS_EAI_FAIL, PS_EAI_SERVICE, PS_EAI_FAMILY, PS_EAI_SOCKTYPE, PS_EINVAL,
 * PS_ENOMEM. A numeric service goes to the system as it is: a number above
 * 65535 is not refused but taken modulo 65536 by glibc and by Wine ("65537"
 * gives port 1, "131072" port 0, which binds a random port); Microsoft's
 * getaddrinfo page does not say what Windows does. Check the range first
 * where it comes from a user (psnc does). */
PS_API int ps_getaddrinfo(const char *host, const char *service, int family, int type, int flags,
                          ps_addrinfo **res);
PS_API void ps_freeaddrinfo(ps_addrinfo *res);

/* The host and service names of an IP address (PS_NI_... flags). host or
 * serv may be NULL (with length 0), not both. PS_EAFNOSUPPORT for an AF_UNIX
 * address, PS_ENOBUFS when a name does not fit. */
PS_API int ps_getnameinfo(const ps_addr *a, char *host, size_t hostlen, char *serv, size_t servlen,
                          int flags);

/* This machine's host name, NUL-terminated; PS_ENOBUFS if it does not fit. */
PS_API int ps_gethostname(char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

/* What may run at once (portsock takes no locks of its own; these hold
 * because each call reads the socket's state once and changes no shared
 * state for its own deadline):
 *  - On one socket object: one thread receiving while another sends (full
 *    duplex, as Python allows); several threads in ps_accept on one
 *    listener, or in ps_recv / ps_recvfrom on one datagram socket (each
 *    call gets its own connection or datagram, or its own timeout);
 *    ps_settimeout / ps_setblocking while other threads' calls wait (those
 *    keep the timeout they began with); ps_gettimeout, ps_getblocking,
 *    ps_fileno, ps_family, ps_type at any time.
 *  - Two receives (or two sends) on one stream at once are safe but their
 *    bytes interleave as the kernel hands them out, as in Python.
 *  - Different objects, also on one socket (ps_dup, adopted duplicates):
 *    anything, each with its own timeout.
 *  - Process-wide calls: ps_init, ps_cleanup (paired), ps_setdefaulttimeout,
 *    ps_getdefaulttimeout, ps_diag_count and ps_diag_force are safe from
 *    any thread at any time; a socket takes the default timeout once, when
 *    it is created, accepted, adopted or paired.
 * Undefined: ps_close or ps_detach of an object while another thread uses
 * it (or could: the object is freed), two ps_settimeout calls on one object
 * at once (the timeout ends as one of them, the native mode maybe as the
 * other), a ps_file or ps_selector used by two threads at once (each is
 * one thread's at a time, as a stdio FILE). */

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                              */
/* ------------------------------------------------------------------------ */

/* Counters of internal paths that differ between platforms, so that tests
 * and benchmarks can see which one ran; per process, and approximate when
 * threads take the same path at once. */
#define PS_DIAG_POLL_NATIVE 1    /* waits of ps_poll / the poll selector in poll() or WSAPoll */
#define PS_DIAG_POLL_SELECT 2    /* ... in select() (Windows: when failed connects must show) */
#define PS_DIAG_RECVMSG_STREAM 3 /* ps_recvmsg on streams: recvmsg (POSIX), WSARecv (Windows) */
#define PS_DIAG_RECVMSG_DGRAM 4  /* ps_recvmsg on datagrams: recvmsg / WSARecvMsg */

/* A counter's value (0 for an unknown counter). */
PS_API uint64_t ps_diag_count(int counter);

/* Knobs that force a path a machine would not take by itself, to test a
 * workaround where the bug it works around does not show. */
#define PS_DIAG_FORCE_POLL_SELECT 1 /* Windows: every poll wait in select(), not WSAPoll */
/* Linux: sockets whose timeout is set from now on are non-blocking and
 * waited for with poll, as on other systems, instead of using the kernel's
 * SO_RCVTIMEO / SO_SNDTIMEO (so that tests cover both ways). */
#define PS_DIAG_FORCE_WAIT_TIMEOUTS 2
/* Every platform: ps_socketpair's AF_UNIX attempt fails (PS_ENAMETOOLONG,
 * as for a temporary folder whose path sun_path cannot hold on Windows), so
 * that the loopback fallback of PS_AF_UNSPEC pairs is tested everywhere. */
#define PS_DIAG_FORCE_UNIX_PAIR_FAILURE 3
/* Windows: the AFD selector cannot open (PS_ENOTSUP, as on a system or an
 * emulator without AFD polling), so that the default selector's fallback to
 * the poll selector is tested. PS_ENOTSUP elsewhere, which has no AFD. */
#define PS_DIAG_FORCE_NO_AFD 4

/* Sets a knob (on != 0) for the whole process; PS_ENOTSUP where the
 * platform has no such path, PS_EINVAL for an unknown knob. */
PS_API int ps_diag_force(int knob, int on);

#ifdef __cplusplus
}
#endif

#endif /* PORTSOCK_H */
