/* The data calls: recv/recvfrom and send/sendto on SOCKETs. */
#include "win32.h"

#include <limits.h>
#include <string.h>

int ps__win_msg_flags(int flags)
{
    return ps__msg_flags_to_native(flags, MSG_PEEK, MSG_WAITALL, MSG_OOB);
}

/* Winsock takes int lengths: one receive takes at most INT_MAX bytes
 * (PS__RECV_MAX), and the caller sees a short count, as for any partial
 * transfer. */
static int ps__clamp(size_t len)
{
    return len > (size_t)PS__RECV_MAX ? PS__RECV_MAX : (int)len;
}

/* SOCK_STREAM / SOCK_DGRAM of s, -1 when it cannot be read. */
static int ps__type_of(SOCKET s)
{
    int st = 0;
    int len = (int)sizeof st;
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&st, &len) == SOCKET_ERROR)
        return -1;
    return st;
}

/* 1 when s belongs to another address family than the address a. */
static int ps__other_family(SOCKET s, const ps_addr *a)
{
    WSAPROTOCOL_INFOW info;
    ADDRESS_FAMILY af;
    int len = (int)sizeof info;
    memset(&info, 0, sizeof info);
    if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) == SOCKET_ERROR)
        return 0;
    memcpy(&af, a->storage.bytes, sizeof af);
    return info.iAddressFamily != (int)af;
}

static int ps__recv_once(SOCKET s, char *buf, int n, int flags, SOCKADDR_STORAGE *ss, int *sslen)
{
    if (ss)
        return recvfrom(s, buf, n, flags, (struct sockaddr *)ss, sslen);
    return recv(s, buf, n, flags);
}

PS__HOT ptrdiff_t ps__sys_recv(ps_native h, void *buf, size_t len, int flags, ps_addr *from)
{
    SOCKET s = PS__SOCK(h);
    SOCKADDR_STORAGE ss;
    int sslen = (int)sizeof ss;
    int n = ps__clamp(len);
    int native = ps__win_msg_flags(flags);
    int rc, err;
    memset(&ss, 0, sizeof ss);
    rc = ps__recv_once(s, (char *)buf, n, native, from ? &ss : NULL, &sslen);
    if (rc == SOCKET_ERROR && (native & MSG_WAITALL) && WSAGetLastError() == WSAEOPNOTSUPP) {
        /* Windows supports MSG_WAITALL only on blocking stream sockets; a
         * socket with a timeout is non-blocking underneath. POSIX returns
         * what is there in both cases (a datagram is whole anyway), and so
         * does the retry without the flag. */
        sslen = (int)sizeof ss;
        rc = ps__recv_once(s, (char *)buf, n, native & ~MSG_WAITALL, from ? &ss : NULL, &sslen);
    }
    if (rc == SOCKET_ERROR) {
        err = WSAGetLastError();
        switch (err) {
        case WSAEMSGSIZE:
            /* A datagram longer than the buffer: Winsock filled the buffer
             * with its first n bytes (and dropped the rest), then reported
             * the truncation as an error. POSIX returns the count, and so
             * does portsock. A stream receive never gives WSAEMSGSIZE. */
            rc = n;
            break;
        case WSAESHUTDOWN:
            /* Receiving after shutdown(SD_RECEIVE): POSIX reports end of
             * stream, Winsock an error. */
        case WSAEDISCON:
            /* The peer of a message-oriented socket closed gracefully. */
            rc = 0;
            break;
        default: return ps__sys_error_from_native(err);
        }
    }
    if (from) {
        memset(from, 0, sizeof *from);
        /* sslen stays as passed in when the source is not known: leave
         * `from` empty rather than hand out a zeroed sockaddr as a source. */
        if (ss.ss_family != 0 && sslen > 0 && (size_t)sslen <= sizeof from->storage) {
            memcpy(from->storage.bytes, &ss, (size_t)sslen);
            from->len = (uint32_t)sslen;
        }
    }
    return rc;
}

PS__HOT ptrdiff_t ps__sys_send(ps_native h, const void *buf, size_t len, int flags,
                               const ps_addr *to)
{
    SOCKET s = PS__SOCK(h);
    int n = len > PS__SEND_MAX ? PS__SEND_MAX : (int)len;
    int native = ps__win_msg_flags(flags);
    int rc;
    /* No SIGPIPE on Windows: a broken connection is only an error code. */
    if (to)
        rc = sendto(s, (const char *)buf, n, native, (const struct sockaddr *)to->storage.bytes,
                    (int)to->len);
    else
        rc = send(s, (const char *)buf, n, native);
    if (rc != SOCKET_ERROR)
        return rc;
    return ps__win_send_error(s, WSAGetLastError(), to);
}

int ps__win_send_error(SOCKET s, int err, const ps_addr *to)
{
    /* Sending after shutdown(SD_SEND) is EPIPE on POSIX, WSAESHUTDOWN here:
     * the same event, so the same portable code. */
    if (err == WSAESHUTDOWN)
        return PS_EPIPE;
    /* A datagram without destination on an unconnected socket: Windows
     * says WSAENOTCONN, Wine WSAEINVAL, POSIX EDESTADDRREQ, which is what
     * the caller needs to hear. */
    if (!to && (err == WSAENOTCONN || err == WSAEINVAL) && ps__type_of(s) == SOCK_DGRAM)
        return PS_EDESTADDRREQ;
    /* A destination of another family than the socket: POSIX says
     * EAFNOSUPPORT; Winsock's answer depends on the pair and the version
     * (Wine 8: WSAEOPNOTSUPP for IPv6 on IPv4, WSAENETUNREACH the other way
     * round). Looked at only after a failure: what Winsock accepts stays
     * accepted. */
    if (to && err != WSAEWOULDBLOCK && ps__other_family(s, to))
        return PS_EAFNOSUPPORT;
    return ps__sys_error_from_native(err);
}
