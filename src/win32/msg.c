/* Scatter/gather on SOCKETs: WSARecvMsg / WSASendMsg for datagrams,
 * WSARecv / WSASend with WSABUF arrays for streams.
 *
 * Windows refuses WSARecvMsg on stream sockets (datagram and raw only);
 * Wine accepts it, so a test under Wine could not catch the mistake: the
 * path is chosen by design from the socket's type, never by trying. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

PS__WIN_EXTENSION(ps__wsarecvmsg, WSAID_WSARECVMSG);
PS__WIN_EXTENSION(ps__wsasendmsg, WSAID_WSASENDMSG);

/* WSABUFs kept on the stack; more (up to PS_IOV_MAX) are allocated. */
#define PS__WSABUF_STACK 64

typedef struct ps__bufs {
    WSABUF stack[PS__WSABUF_STACK];
    WSABUF *b;
    DWORD count;
    size_t total; /* bytes the WSABUFs hold */
} ps__bufs;

/* ps_iovec -> WSABUF, at most `budget` bytes in all. A WSABUF length is a
 * ULONG and Winsock counts a call's bytes in 32 bits: a longer buffer is
 * cut, and buffers past the budget are left out; the call then moves fewer
 * bytes than asked, which every caller handles (a short count). With no
 * bytes at all, one empty WSABUF: Winsock wants at least one. */
static int ps__bufs_make(ps__bufs *v, const ps_msg *msg, size_t budget)
{
    size_t i;
    v->b = v->stack;
    v->count = 0;
    v->total = 0;
    if (msg->iovlen > PS__WSABUF_STACK &&
        !(v->b = (WSABUF *)ps__malloc(msg->iovlen * sizeof *v->b)))
        return PS_ENOMEM;
    for (i = 0; i < msg->iovlen && v->total < budget; i++) {
        size_t len = msg->iov[i].len;
        if (len > budget - v->total)
            len = budget - v->total;
        if (len > (size_t)ULONG_MAX)
            len = (size_t)ULONG_MAX;
        v->b[v->count].buf = (CHAR *)msg->iov[i].base;
        v->b[v->count].len = (ULONG)len;
        v->count++;
        v->total += len;
    }
    if (v->count == 0) {
        v->b[0].buf = NULL;
        v->b[0].len = 0;
        v->count = 1;
    }
    return 0;
}

static void ps__bufs_free(ps__bufs *v)
{
    if (v->b != v->stack)
        ps__free(v->b);
}

/* The bytes msg's buffers hold (the core checked it fits a ptrdiff_t). */
static size_t ps__msg_total(const ps_msg *msg)
{
    size_t i, total = 0;
    for (i = 0; i < msg->iovlen; i++)
        total += msg->iov[i].len;
    return total;
}

/* A stream: WSARecv into the buffers. No source address, no control data,
 * no flags come back (as POSIX recvmsg on TCP). */
static ptrdiff_t ps__recv_stream(SOCKET s, ps_msg *msg, int native)
{
    ps__bufs v;
    DWORD got = 0, wflags;
    int rc, err;
    if (msg->addr)
        memset(msg->addr, 0, sizeof *msg->addr);
    msg->controllen = 0;
    msg->flags = 0;
    /* Nothing asked, nothing read: POSIX returns 0 at once, where a
     * zero-byte WSARecv would wait for data (an idiom of IOCP servers). */
    if (ps__msg_total(msg) == 0)
        return 0;
    if ((rc = ps__bufs_make(&v, msg, PS__RECV_MAX)) < 0)
        return rc;
    wflags = (DWORD)native;
    rc = WSARecv(s, v.b, v.count, &got, &wflags, NULL, NULL);
    if (rc == SOCKET_ERROR && (native & MSG_WAITALL) && WSAGetLastError() == WSAEOPNOTSUPP) {
        /* MSG_WAITALL works on blocking sockets only (see io.c): what is
         * there, as POSIX gives a timed socket. */
        wflags = (DWORD)(native & ~MSG_WAITALL);
        got = 0;
        rc = WSARecv(s, v.b, v.count, &got, &wflags, NULL, NULL);
    }
    err = rc == SOCKET_ERROR ? WSAGetLastError() : 0;
    ps__bufs_free(&v);
    if (rc != SOCKET_ERROR)
        return (ptrdiff_t)got;
    /* After shutdown(SD_RECEIVE), or a graceful close of a message-
     * oriented peer: end of stream, as POSIX says it. */
    if (err == WSAESHUTDOWN || err == WSAEDISCON)
        return 0;
    return ps__sys_error_from_native(err);
}

/* Control data of a datagram is received into a buffer of this size at
 * least; a smaller one of the caller's gets the whole messages that fit
 * (see ps__recv_dgram). */
#define PS__CONTROL_MIN 1024

/* A datagram: WSARecvMsg, with source and control data.
 *
 * Winsock reports a datagram longer than the buffers as WSAEMSGSIZE with
 * the buffers filled (and the rest dropped); POSIX returns the bytes
 * stored with MSG_TRUNC, and so does portsock. Windows sets MSG_TRUNC as
 * well; Wine does not, and gives WSAEMSGSIZE also when only the control
 * data did not fit (MSG_CTRUNC), without saying how many data bytes
 * arrived. So the control data never meets a small buffer: it is received
 * into one of PS__CONTROL_MIN bytes, and the whole messages that fit the
 * caller's buffer are copied there (PS_MSG_CTRUNC for the rest, as POSIX
 * says it); WSAEMSGSIZE then means the data was cut. */
static ptrdiff_t ps__recv_dgram(SOCKET s, ps_msg *msg, int native)
{
    SOCKADDR_STORAGE ss;
    union {
        WSACMSGHDR align;
        unsigned char bytes[PS__CONTROL_MIN];
    } own;
    ps__bufs v;
    WSAMSG wm;
    DWORD got = 0;
    size_t capacity = msg->controllen;
    int copy = capacity < sizeof own.bytes;
    int rc, err, trunc = 0, ctrunc = 0;
    if ((rc = ps__win_extension(&ps__wsarecvmsg, s)) < 0)
        return rc;
    if ((rc = ps__bufs_make(&v, msg, PS__RECV_MAX)) < 0)
        return rc;
    memset(&ss, 0, sizeof ss);
    memset(&wm, 0, sizeof wm);
    wm.name = msg->addr ? (LPSOCKADDR)&ss : NULL;
    wm.namelen = msg->addr ? (INT)sizeof ss : 0;
    wm.lpBuffers = v.b;
    wm.dwBufferCount = v.count;
    wm.Control.buf = copy ? (CHAR *)own.bytes : (CHAR *)msg->control;
    wm.Control.len = copy                           ? (ULONG)sizeof own.bytes
                     : capacity > (size_t)ULONG_MAX ? ULONG_MAX
                                                    : (ULONG)capacity;
    /* WSARecvMsg takes MSG_PEEK alone as an input flag (its page): a
     * datagram is whole anyway (MSG_WAITALL means nothing) and has no
     * urgent data: MSG_OOB is dropped, as Linux ignores it on UDP. */
    wm.dwFlags = (ULONG)(native & MSG_PEEK);
    /* The control buffer is zeroed first: a call that fails with
     * WSAEMSGSIZE (a datagram cut short) may leave it as it was, and what
     * is read from it afterwards must not be stale bytes. */
    memset(wm.Control.buf, 0, wm.Control.len);
    rc = ps__wsarecvmsg.fn.recvmsg(s, &wm, &got, NULL, NULL);
    err = rc == SOCKET_ERROR ? WSAGetLastError() : 0;
    ps__bufs_free(&v);
    msg->controllen = 0;
    if (rc == SOCKET_ERROR) {
        switch (err) {
        case WSAEMSGSIZE:
            got = (DWORD)v.total;
            trunc = 1;
            break;
        case WSAESHUTDOWN:
        case WSAEDISCON:
            /* After shutdown(SD_RECEIVE): nothing more, as POSIX says. */
            if (msg->addr)
                memset(msg->addr, 0, sizeof *msg->addr);
            return 0;
        default: return ps__sys_error_from_native(err);
        }
    }
    ctrunc = (wm.dwFlags & MSG_CTRUNC) != 0;
    if (wm.Control.len > 0 && (size_t)wm.Control.len <= (copy ? sizeof own.bytes : capacity)) {
        if (copy)
            msg->controllen = ps__win_cmsg_copy(msg->control, capacity, own.bytes,
                                                (size_t)wm.Control.len, &ctrunc);
        else
            msg->controllen = (size_t)wm.Control.len;
    }
    msg->flags =
        ((trunc || (wm.dwFlags & MSG_TRUNC)) ? PS_MSG_TRUNC : 0) | (ctrunc ? PS_MSG_CTRUNC : 0);
    if (msg->addr) {
        memset(msg->addr, 0, sizeof *msg->addr);
        /* A source Winsock did not fill in stays empty, not a zeroed
         * sockaddr that looks like one. */
        if (ss.ss_family != 0 && wm.namelen > 0 &&
            (size_t)wm.namelen <= sizeof msg->addr->storage) {
            memcpy(msg->addr->storage.bytes, &ss, (size_t)wm.namelen);
            msg->addr->len = (uint32_t)wm.namelen;
        }
    }
    return (ptrdiff_t)got;
}

ptrdiff_t ps__sys_recvmsg(ps_native h, ps_msg *msg, int flags, int type)
{
    int native = ps__win_msg_flags(flags);
    if (type == PS_SOCK_STREAM) {
        ps__win_diag_count(PS_DIAG_RECVMSG_STREAM);
        return ps__recv_stream(PS__SOCK(h), msg, native);
    }
    ps__win_diag_count(PS_DIAG_RECVMSG_DGRAM);
    return ps__recv_dgram(PS__SOCK(h), msg, native);
}

ptrdiff_t ps__sys_sendmsg(ps_native h, const ps_msg *msg, int flags, int type)
{
    SOCKET s = PS__SOCK(h);
    int native = ps__win_msg_flags(flags);
    ps__bufs v;
    DWORD sent = 0;
    int rc, err;
    if (type == PS_SOCK_STREAM) {
        /* WSASend has no room for control data, and no control message
         * of a stream means anything to Winsock. msg->addr is ignored, as
         * by sendto() on a connected stream. */
        if (msg->controllen > 0)
            return PS_ENOTSUP;
        if ((rc = ps__bufs_make(&v, msg, PS__SEND_MAX)) < 0)
            return rc;
        rc = WSASend(s, v.b, v.count, &sent, (DWORD)native, NULL, NULL);
    } else {
        WSAMSG wm;
        /* A datagram cannot be cut short: what Winsock cannot take whole
         * is too long (no real datagram comes near). */
        if (ps__msg_total(msg) > (size_t)INT_MAX || msg->controllen > (size_t)ULONG_MAX)
            return PS_EMSGSIZE;
        if ((rc = ps__win_extension(&ps__wsasendmsg, s)) < 0)
            return rc;
        if ((rc = ps__bufs_make(&v, msg, (size_t)INT_MAX)) < 0)
            return rc;
        memset(&wm, 0, sizeof wm);
        if (msg->addr) {
            /* WSAMSG has no const; WSASendMsg only reads the address. */
            wm.name = (LPSOCKADDR)(void *)msg->addr->storage.bytes;
            wm.namelen = (INT)msg->addr->len;
        }
        wm.lpBuffers = v.b;
        wm.dwBufferCount = v.count;
        if (msg->controllen > 0) {
            wm.Control.buf = (CHAR *)msg->control;
            wm.Control.len = (ULONG)msg->controllen;
        }
        rc = ps__wsasendmsg.fn.sendmsg(s, &wm, (DWORD)native, &sent, NULL, NULL);
    }
    err = rc == SOCKET_ERROR ? WSAGetLastError() : 0;
    ps__bufs_free(&v);
    if (rc != SOCKET_ERROR)
        return (ptrdiff_t)sent;
    return ps__win_send_error(s, err, type == PS_SOCK_STREAM ? NULL : msg->addr);
}
