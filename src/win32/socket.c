/* Socket creation, modes and the connection calls on SOCKETs. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

/* mswsock.h / mstcpip.h define these in most SDKs, but not all. */
#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif
#ifndef SIO_UDP_NETRESET
#define SIO_UDP_NETRESET _WSAIOW(IOC_VENDOR, 15)
#endif

int ps__win_family_to_native(int family)
{
    switch (family) {
    case PS_AF_INET: return AF_INET;
    case PS_AF_INET6: return AF_INET6;
    case PS_AF_UNIX: return AF_UNIX; /* 1: Windows 10 1803 and later */
    default: return -1;
    }
}

int ps__win_family_from_native(int af)
{
    switch (af) {
    case AF_INET: return PS_AF_INET;
    case AF_INET6: return PS_AF_INET6;
    case AF_UNIX: return PS_AF_UNIX;
    default: return PS_EAFNOSUPPORT;
    }
}

int ps__win_type_to_native(int type)
{
    switch (type) {
    case PS_SOCK_STREAM: return SOCK_STREAM;
    case PS_SOCK_DGRAM: return SOCK_DGRAM;
    default: return -1;
    }
}

int ps__win_type_from_native(int st)
{
    switch (st) {
    case SOCK_STREAM: return PS_SOCK_STREAM;
    case SOCK_DGRAM: return PS_SOCK_DGRAM;
    default: return PS_ENOTSUP;
    }
}

/* A UDP socket on Windows fails its next recv/recvfrom with WSAECONNRESET
 * when an earlier datagram drew an ICMP "port unreachable" (and with
 * WSAENETRESET after "TTL expired"): one peer that went away would break a
 * server socket for everybody. POSIX reports such errors only on connected
 * datagram sockets; turning them off gives the same behaviour as an
 * unconnected POSIX socket, which is what a server needs. */
static int ps__udp_reset_off(SOCKET s, DWORD code, int optional)
{
    BOOL off = FALSE;
    DWORD bytes = 0;
    int err;
    if (WSAIoctl(s, code, &off, sizeof off, NULL, 0, &bytes, NULL, NULL) == 0)
        return 0;
    err = WSAGetLastError();
    /* SIO_UDP_NETRESET came later than SIO_UDP_CONNRESET: a stack that does
     * not know it does not produce that error either. */
    if (optional && (err == WSAEINVAL || err == WSAEOPNOTSUPP))
        return 0;
    return ps__sys_error_from_native(err);
}

int ps__win_datagram_defaults(SOCKET s)
{
    int rc = ps__udp_reset_off(s, SIO_UDP_CONNRESET, 0);
    if (rc == 0)
        rc = ps__udp_reset_off(s, SIO_UDP_NETRESET, 1);
    return rc;
}

int ps__win_set_nonblocking(SOCKET s, int on)
{
    u_long value = on != 0;
    if (ioctlsocket(s, FIONBIO, &value) == SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}

int ps__win_clear_kernel_timeouts(SOCKET s)
{
    DWORD zero = 0; /* milliseconds; 0 waits for ever */
    if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&zero, (int)sizeof zero) ==
            SOCKET_ERROR ||
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (const char *)&zero, (int)sizeof zero) ==
            SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}

/* Windows waits for every timeout with select (the core's wait-timed
 * path): Microsoft documents a socket whose SO_RCVTIMEO / SO_SNDTIMEO
 * expired as left in an indeterminate state, so the kernel's own timeouts
 * are never used. A positive timeout is non-blocking mode, like 0.0. */
int ps__sys_set_timeout(ps_native h, double old, int old_kernel, double timeout, int shared)
{
    int nonblocking = ps__mode_nonblocking(timeout, 0);
    int unknown = old != old; /* NaN: an adopted or duplicated handle */
    (void)shared;
    /* An adopted socket may carry SO_RCVTIMEO / SO_SNDTIMEO from its
     * creator: cleared, since a blocking call that ran into one would
     * leave the socket indeterminate and portsock's own deadlines rule. */
    if (old_kernel || unknown) {
        int rc = ps__win_clear_kernel_timeouts(PS__SOCK(h));
        if (rc < 0)
            return rc;
    }
    if (unknown || nonblocking != ps__mode_nonblocking(old, 0)) {
        int rc = ps__win_set_nonblocking(PS__SOCK(h), nonblocking);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* FIONBIO cannot be read back. A blocking call that runs out of an
 * SO_RCVTIMEO fails with WSAETIMEDOUT, so WSAEWOULDBLOCK always means
 * non-blocking mode. */
int ps__sys_is_nonblocking(ps_native h)
{
    (void)h;
    return 1;
}

/* Winsock has no per-call MSG_DONTWAIT: every call follows the socket's
 * mode, so the core waits before a timed call on a shared socket. */
int ps__sys_dontwait_per_call(void)
{
    return 0;
}

/* Sockets from socket() are inheritable on Windows: a child process started
 * with bInheritHandles (system(), _spawn, CreateProcess by other threads)
 * would keep our connections open. */
int ps__win_no_inherit(SOCKET s)
{
    if (!SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0))
        return ps__sys_error_from_native((int)GetLastError());
    return 0;
}

/* An accepted socket: the flag is cleared only when it is set. Accepted
 * sockets copy the listener's flag, so a listener made here hands on a
 * clear one, and SetHandleInformation on a socket handle can fail under a
 * layered service provider (whose handles are not the base provider's):
 * a connection that is already non-inheritable is never dropped for that.
 * Only a socket known to be inheritable that cannot be fixed is. */
static int ps__accepted_no_inherit(SOCKET s)
{
    DWORD flags = 0;
    /* A handle the kernel does not know (a provider's own) is no handle
     * CreateProcess could hand on either. */
    if (!GetHandleInformation((HANDLE)s, &flags) || !(flags & HANDLE_FLAG_INHERIT))
        return 0;
    return ps__win_no_inherit(s);
}

SOCKET ps__win_open(int af, int st, int protocol, WSAPROTOCOL_INFOW *info)
{
    /* WSA_FLAG_OVERLAPPED gives the same kind of socket as socket() does,
     * usable with overlapped I/O and TransmitFile; blocking calls work on it
     * as usual. WSA_FLAG_NO_HANDLE_INHERIT makes it non-inheritable
     * atomically: no CreateProcess in another thread can slip in between
     * creation and SetHandleInformation. */
    SOCKET s =
        WSASocketW(af, st, protocol, info, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s != INVALID_SOCKET || WSAGetLastError() != WSAEINVAL)
        return s;
    /* Windows 7 before SP1 and Vista refuse the flag with WSAEINVAL: create
     * without it, then clear the flag (not atomic, the best they allow). A
     * WSAEINVAL for another reason comes back from the second try. */
    s = WSASocketW(af, st, protocol, info, 0, WSA_FLAG_OVERLAPPED);
    if (s != INVALID_SOCKET && ps__win_no_inherit(s) < 0) {
        int err = (int)GetLastError();
        closesocket(s);
        WSASetLastError(err);
        return INVALID_SOCKET;
    }
    return s;
}

int ps__sys_socket(ps_native *out, int family, int type, int protocol, int nonblocking)
{
    int af = ps__win_family_to_native(family);
    int st = ps__win_type_to_native(type);
    int rc = ps__win_start();
    SOCKET s;
    if (rc < 0)
        return rc;
    if (af < 0)
        return PS_EAFNOSUPPORT;
    if (st < 0)
        return PS_EINVAL;
    s = ps__win_open(af, st, protocol, NULL);
    if (s == INVALID_SOCKET) {
        int err = WSAGetLastError();
        /* Windows' AF_UNIX has streams only: for the other types the family
         * is as unavailable as where AF_UNIX is missing altogether. */
        if (af == AF_UNIX && (err == WSAESOCKTNOSUPPORT || err == WSAEPROTOTYPE))
            return PS_EAFNOSUPPORT;
        return ps__sys_error_from_native(err);
    }
    if (st == SOCK_DGRAM && (af == AF_INET || af == AF_INET6))
        rc = ps__win_datagram_defaults(s);
    if (rc == 0 && nonblocking)
        rc = ps__win_set_nonblocking(s, 1);
    if (rc < 0) {
        closesocket(s);
        return rc;
    }
    *out = PS__NATIVE(s);
    return 0;
}

/* Microsoft's closesocket page: with SO_LINGER on and a non-zero time, a
 * non-blocking socket (every socket with a timeout here) whose close cannot
 * finish at once fails with WSAEWOULDBLOCK, and the handle stays open with
 * no disconnect started. POSIX close() lingers whatever the mode, so the
 * same is done here: blocking mode, then the close again, which waits up
 * to the linger time as a blocking socket's does. Should that fail too,
 * linger goes off (a graceful close in the background) and the handle is
 * released all the same: ps_close never leaves a socket open behind a
 * freed object. */
int ps__sys_close(ps_native h)
{
    SOCKET s = PS__SOCK(h);
    struct linger off;
    int err;
    if (closesocket(s) == 0)
        return 0;
    err = WSAGetLastError();
    if (err != WSAEWOULDBLOCK)
        return ps__sys_error_from_native(err);
    if (ps__win_set_nonblocking(s, 0) == 0 && closesocket(s) == 0)
        return 0;
    off.l_onoff = 0;
    off.l_linger = 0;
    setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&off, (int)sizeof off);
    if (closesocket(s) == SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}

int ps__sys_socket_info(ps_native h, int *family, int *type)
{
    WSAPROTOCOL_INFOW info;
    int len = (int)sizeof info;
    int fam, st;
    int rc = ps__win_start();
    if (rc < 0)
        return rc;
    /* One call gives family and type, and works on an unbound socket, where
     * getsockname fails with WSAEINVAL. */
    memset(&info, 0, sizeof info);
    if (getsockopt(PS__SOCK(h), SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) == SOCKET_ERROR)
        return ps__win_last_error();
    st = ps__win_type_from_native(info.iSocketType);
    if (st < 0)
        return st;
    fam = ps__win_family_from_native(info.iAddressFamily);
    if (fam < 0)
        return fam;
    if (st == PS_SOCK_DGRAM && fam != PS_AF_UNIX) {
        rc = ps__win_datagram_defaults(PS__SOCK(h));
        if (rc < 0)
            return rc;
    }
    *family = fam;
    *type = st;
    return 0;
}

int ps__sys_somaxconn(void)
{
    /* SOMAXCONN is 0x7fffffff in winsock2.h: not a count but a request for
     * "a reasonable maximum", which the stack caps at 200. */
    return 200;
}

int ps__sys_bind(ps_native h, const ps_addr *a)
{
    if (bind(PS__SOCK(h), (const struct sockaddr *)a->storage.bytes, (int)a->len) == SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}

int ps__sys_listen(ps_native h, int backlog)
{
    if (listen(PS__SOCK(h), backlog) == SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}

int ps__sys_accept(ps_native h, ps_native *conn, ps_addr *peer, int nonblocking,
                   int listener_nonblocking)
{
    SOCKADDR_STORAGE ss;
    int len = (int)sizeof ss;
    SOCKET c;
    int rc;
    /* No address buffer unless the caller wants the peer: Wine answers one
     * with a getpeername of its own, a wineserver round trip. */
    c = peer ? accept(PS__SOCK(h), (struct sockaddr *)&ss, &len) : accept(PS__SOCK(h), NULL, NULL);
    if (c == INVALID_SOCKET)
        return ps__win_last_error();
    /* An accepted socket copies the listener's properties, inheritability
     * and non-blocking mode included (the listener may be an adopted socket
     * that is inheritable): clear the one, and set the other only when the
     * listener's differs from the mode asked for (each is a system call, a
     * wineserver round trip under Wine). The core's view of the listener's
     * mode is the one ps__sys_set_timeout already trusts. */
    rc = ps__accepted_no_inherit(c);
    if (rc == 0 && nonblocking != listener_nonblocking)
        rc = ps__win_set_nonblocking(c, nonblocking);
    if (rc < 0) {
        closesocket(c);
        return rc;
    }
    if (peer) {
        memset(peer, 0, sizeof *peer);
        if (len > 0 && (size_t)len <= sizeof peer->storage) {
            memcpy(peer->storage.bytes, &ss, (size_t)len);
            peer->len = (uint32_t)len;
        }
    }
    *conn = PS__NATIVE(c);
    return 0;
}

int ps__sys_connect(ps_native h, const ps_addr *a, int *native)
{
    int err;
    if (connect(PS__SOCK(h), (const struct sockaddr *)a->storage.bytes, (int)a->len) == 0) {
        *native = 0;
        return 0;
    }
    err = WSAGetLastError();
    *native = err;
    /* A non-blocking connect under way is WSAEWOULDBLOCK on Windows where
     * POSIX says EINPROGRESS; connect_ex still hands out the OS's number. */
    if (err == WSAEWOULDBLOCK)
        return PS_EINPROGRESS;
    return ps__sys_error_from_native(err);
}

int ps__sys_socket_error(ps_native h, int *native)
{
    int err = 0;
    int len = (int)sizeof err;
    if (getsockopt(PS__SOCK(h), SOL_SOCKET, SO_ERROR, (char *)&err, &len) == SOCKET_ERROR) {
        /* No pending error could be read: *native stays 0 (there is no
         * error of the socket to hand out), the result says why. */
        *native = 0;
        return ps__win_last_error();
    }
    *native = err;
    return ps__sys_error_from_native(err);
}

/* Winsock fails getsockname on a socket that is not bound yet (WSAEINVAL);
 * POSIX systems return the family's unspecified address, port 0 (an
 * AF_UNIX socket: the family alone). Same question, same answer here. */
static int ps__unbound_name(SOCKET s, ps_addr *out)
{
    WSAPROTOCOL_INFOW info;
    int len = (int)sizeof info;
    memset(&info, 0, sizeof info);
    if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) == SOCKET_ERROR)
        return ps__win_last_error();
    switch (info.iAddressFamily) {
    case AF_INET: out->len = (uint32_t)sizeof(struct sockaddr_in); break;
    case AF_INET6: out->len = (uint32_t)sizeof(struct sockaddr_in6); break;
    case AF_UNIX: out->len = (uint32_t)sizeof(ADDRESS_FAMILY); break;
    default: return PS_EINVAL;
    }
    {
        ADDRESS_FAMILY af = (ADDRESS_FAMILY)info.iAddressFamily;
        memcpy(out->storage.bytes, &af, sizeof af);
    }
    return 0;
}

int ps__sys_getsockname(ps_native h, ps_addr *out)
{
    int len = (int)sizeof out->storage;
    int err;
    memset(out, 0, sizeof *out);
    if (getsockname(PS__SOCK(h), (struct sockaddr *)out->storage.bytes, &len) == 0) {
        out->len = (uint32_t)len;
        return 0;
    }
    err = WSAGetLastError();
    if (err == WSAEINVAL)
        return ps__unbound_name(PS__SOCK(h), out);
    return ps__sys_error_from_native(err);
}

int ps__sys_getpeername(ps_native h, ps_addr *out)
{
    int len = (int)sizeof out->storage;
    memset(out, 0, sizeof *out);
    if (getpeername(PS__SOCK(h), (struct sockaddr *)out->storage.bytes, &len) == SOCKET_ERROR)
        return ps__win_last_error();
    out->len = (uint32_t)len;
    return 0;
}

int ps__sys_shutdown(ps_native h, int how)
{
    int native = how == PS_SHUT_RD ? SD_RECEIVE : how == PS_SHUT_WR ? SD_SEND : SD_BOTH;
    if (shutdown(PS__SOCK(h), native) == SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}
