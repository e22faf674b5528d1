/* The kernel's file sending: TransmitFile, and 64-bit seeks on FILEs. */
#include "win32.h"

#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

PS__WIN_EXTENSION(ps__transmitfile, WSAID_TRANSMITFILE);

/* The most one TransmitFile sends, per Microsoft: 2^31 - 2 bytes (its
 * count is a DWORD, but larger counts fail). The core asks again for the
 * rest. */
#define PS__TRANSMIT_MAX 0x7ffffffeu

int ps__sys_fseek64(FILE *f, uint64_t offset)
{
    /* fseek takes a long, 32 bits on Windows. */
    if (offset > (uint64_t)INT64_MAX)
        return PS_EINVAL;
    if (_fseeki64(f, (__int64)offset, SEEK_SET) == 0)
        return 0;
    return errno == EBADF ? PS_EBADF : PS_EINVAL;
}

/* A TransmitFile failure as the result of one step: the connection's own
 * errors as they are (the copy loop would only meet them again); anything
 * else - a file or handle TransmitFile cannot read, a provider without it -
 * is PS_ENOTSUP, so that the core's copy loop serves the call. */
static int64_t ps__transmit_error(int err)
{
    switch (err) {
    case WSAESHUTDOWN: return PS_EPIPE; /* as send() after SD_SEND */
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAENETRESET:
    case WSAENOTCONN:
    case WSAETIMEDOUT:
    case WSAENETDOWN:
    case WSAENOBUFS: return ps__sys_error_from_native(err);
    default: return PS_ENOTSUP;
    }
}

/* TransmitFile runs only on a socket portsock put in blocking mode
 * (timeout None), where it may wait until the bytes are out, as a blocking
 * send would. On any other socket - a timeout, whose deadline the core
 * keeps - it is never tried: an overlapped TransmitFile ignores the
 * socket's non-blocking mode and would run until the peer has taken every
 * byte, and cancelling it at the deadline (CancelIoEx) leaves unknown how
 * many bytes went out, which would break the promise that the file
 * position tells exactly what was sent. Those sockets get PS_ENOTSUP and
 * the core's read + send loop, which honours the deadline. (Winsock cannot
 * say whether a socket blocks: the core tells, in `nonblocking`.)
 *
 * Client editions of Windows run at most two TransmitFile calls at once,
 * system-wide, and queue the others (TransmitFile's page): a blocking
 * ps_sendfile may wait behind other processes' transfers, as a blocking
 * call may wait for ever anyway. A socket with a timeout never queues
 * there (the copy loop serves it, within the deadline).
 *
 * The socket was created with WSA_FLAG_OVERLAPPED, so TransmitFile runs
 * overlapped: the offset goes in the OVERLAPPED structure (the FILE's own
 * position is not used; the core sets it afterwards), and the call waits
 * for the completion on an event. Never TF_DISCONNECT: Wine ignores it, and
 * the caller decides about the connection. */
int64_t ps__sys_sendfile(ps_native h, FILE *f, uint64_t offset, uint64_t count, int nonblocking)
{
    SOCKET s = PS__SOCK(h);
    OVERLAPPED ov;
    LARGE_INTEGER size;
    HANDLE file;
    DWORD sent = 0, oflags = 0;
    uint64_t len;
    int fd, err;
    if (count == 0)
        return 0;
    fd = _fileno(f);
    if (fd < 0)
        return PS_ENOTSUP;
    file = (HANDLE)_get_osfhandle(fd);
    /* A disk file only: its size tells where the end is (TransmitFile's
     * count 0 would mean "the whole file", not "nothing left"). */
    if (file == INVALID_HANDLE_VALUE || GetFileType(file) != FILE_TYPE_DISK ||
        !GetFileSizeEx(file, &size) || size.QuadPart < 0)
        return PS_ENOTSUP;
    /* At or past the end nothing needs sending, whatever the mode. */
    if (offset >= (uint64_t)size.QuadPart)
        return 0;
    if (nonblocking)
        return PS_ENOTSUP;
    len = (uint64_t)size.QuadPart - offset;
    if (len > count)
        len = count;
    if (len > PS__TRANSMIT_MAX)
        len = PS__TRANSMIT_MAX;
    if (ps__win_extension(&ps__transmitfile, s) < 0)
        return PS_ENOTSUP;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)(offset & 0xffffffffu);
    ov.OffsetHigh = (DWORD)(offset >> 32);
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!ov.hEvent)
        return PS_ENOMEM;
    if (!ps__transmitfile.fn.transmitfile(s, file, (DWORD)len, 0, &ov, NULL, 0)) {
        err = WSAGetLastError();
        if (err != WSA_IO_PENDING && err != ERROR_IO_PENDING) {
            /* Refused before it started: nothing went out, and the copy
             * loop may serve the call (see ps__transmit_error). */
            CloseHandle(ov.hEvent);
            return ps__transmit_error(err);
        }
    }
    /* Completed at once or pending: the count comes from the completion,
     * waited for here (the one blocking wait of this call). */
    if (!WSAGetOverlappedResult(s, &ov, &sent, TRUE, &oflags)) {
        err = WSAGetLastError();
        CloseHandle(ov.hEvent);
        /* Failed once under way: part of the file may be out. The bytes
         * it counts are reported (the next call meets the error again),
         * and the error is never PS_ENOTSUP, whose copy loop would send
         * from a position before bytes the peer already has. */
        if (sent > 0)
            return (int64_t)sent;
        return err == WSAESHUTDOWN ? PS_EPIPE : ps__sys_error_from_native(err);
    }
    CloseHandle(ov.hEvent);
    return (int64_t)sent;
}
