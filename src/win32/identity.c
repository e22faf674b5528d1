/* Duplicates (WSADuplicateSocketW), inheritance (HANDLE_FLAG_INHERIT) and
 * AF_UNIX pairs: what the SOCKET is, as the POSIX backend's identity.c. */
#include "win32.h"

#include <stdio.h>
#include <string.h>

int ps__sys_dup(ps_native h, ps_native *out)
{
    WSAPROTOCOL_INFOW info;
    SOCKET s;
    int rc;
    /* A SOCKET may belong to a layered provider and is then no plain
     * handle: DuplicateHandle would copy the handle but not the provider's
     * state. WSADuplicateSocketW for our own process is the documented way,
     * and gives a socket on the same connection. */
    memset(&info, 0, sizeof info);
    if (WSADuplicateSocketW(PS__SOCK(h), GetCurrentProcessId(), &info) == SOCKET_ERROR)
        return ps__win_last_error();
    s = ps__win_open(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info);
    if (s == INVALID_SOCKET)
        return ps__win_last_error();
    /* The settings of the endpoint are shared with h; set again in case a
     * provider keeps them per descriptor. */
    if (info.iSocketType == SOCK_DGRAM &&
        (info.iAddressFamily == AF_INET || info.iAddressFamily == AF_INET6)) {
        rc = ps__win_datagram_defaults(s);
        if (rc < 0) {
            closesocket(s);
            return rc;
        }
    }
    *out = PS__NATIVE(s);
    return 0;
}

/* A failed Get/SetHandleInformation on a SOCKET. For a socket closed
 * underneath the handle calls say ERROR_INVALID_HANDLE where every Winsock
 * call says WSAENOTSOCK: the same event, so the same code (portsock.h:
 * PS_ENOTSOCK on Windows), not the PS_EBADF that the number 6 maps to. */
static int ps__handle_error(void)
{
    DWORD err = GetLastError();
    return err == ERROR_INVALID_HANDLE ? PS_ENOTSOCK : ps__sys_error_from_native((int)err);
}

int ps__sys_get_inheritable(ps_native h)
{
    DWORD flags = 0;
    if (!GetHandleInformation((HANDLE)PS__SOCK(h), &flags))
        return ps__handle_error();
    return (flags & HANDLE_FLAG_INHERIT) ? 1 : 0;
}

int ps__sys_set_inheritable(ps_native h, int on)
{
    if (!SetHandleInformation((HANDLE)PS__SOCK(h), HANDLE_FLAG_INHERIT,
                              on ? HANDLE_FLAG_INHERIT : 0))
        return ps__handle_error();
    return 0;
}

/* socketpair() for Windows, which has none: an AF_UNIX listener on a
 * fresh path in the temporary folder, one connection to it, and the path
 * removed again. Where AF_UNIX is missing (before Windows 10 1803, Wine)
 * the answer is PS_EAFNOSUPPORT and the core pairs loopback TCP sockets. */

#ifndef SIO_AF_UNIX_GETPEERPID
#define SIO_AF_UNIX_GETPEERPID _WSAIOR(IOC_VENDOR, 256)
#endif

/* Names tried before giving up on a folder full of stale socket files. */
#define PS__PAIR_NAME_TRIES 8
/* Foreign connections thrown away before giving up (see ps__accept_own). */
#define PS__PAIR_ACCEPT_TRIES 8

static volatile LONG ps__pair_counter = 0;

/* A path no other pair of this or an earlier process uses: process id, a
 * counter and the clock. sun_path is narrow: a temporary folder with
 * characters outside ASCII or too long a name gives PS_ENAMETOOLONG. */
static int ps__pair_path(char *path, size_t size)
{
    char dir[MAX_PATH + 1];
    DWORD n = GetTempPathA((DWORD)sizeof dir, dir);
    DWORD i;
    int len;
    if (n == 0 || n >= sizeof dir)
        return PS_ENAMETOOLONG;
    for (i = 0; i < n; i++)
        if ((unsigned char)dir[i] >= 0x80)
            return PS_ENAMETOOLONG;
    len = snprintf(path, size, "%sps-%lu-%ld-%llu.sock", dir, (unsigned long)GetCurrentProcessId(),
                   (long)InterlockedIncrement(&ps__pair_counter),
                   (unsigned long long)GetTickCount64());
    if (len < 0 || (size_t)len >= size)
        return PS_ENAMETOOLONG;
    return 0;
}

/* Binds listener to a fresh path, written to *addr. */
static int ps__pair_bind(SOCKET listener, ps_addr *addr, char *path, size_t size)
{
    int tries, rc = PS_EADDRINUSE;
    for (tries = 0; tries < PS__PAIR_NAME_TRIES && rc == PS_EADDRINUSE; tries++) {
        rc = ps__pair_path(path, size);
        if (rc == 0)
            rc = ps__sys_addr_from_unix(addr, path, strlen(path));
        if (rc < 0)
            return rc == PS_EINVAL ? PS_ENAMETOOLONG : rc;
        if (bind(listener, (const struct sockaddr *)addr->storage.bytes, (int)addr->len) == 0)
            return 0;
        rc = ps__win_last_error();
    }
    return rc;
}

/* Accepts the connection of our own client. The path is in a folder other
 * processes of the user can reach, so a stranger could connect in between:
 * a peer of another process id is closed and the next one taken. Our own
 * connect has completed before this runs, so it is in the queue. */
static int ps__accept_own(SOCKET listener, SOCKET *out)
{
    int tries;
    for (tries = 0; tries < PS__PAIR_ACCEPT_TRIES; tries++) {
        ULONG pid = 0;
        DWORD bytes = 0;
        SOCKET s = accept(listener, NULL, NULL);
        if (s == INVALID_SOCKET)
            return ps__win_last_error();
        if (WSAIoctl(s, SIO_AF_UNIX_GETPEERPID, NULL, 0, &pid, sizeof pid, &bytes, NULL, NULL) ==
            SOCKET_ERROR) {
            int rc = ps__win_last_error();
            closesocket(s);
            return rc;
        }
        if (pid == GetCurrentProcessId()) {
            *out = s;
            return 0;
        }
        closesocket(s);
    }
    return PS_ECONNABORTED;
}

int ps__sys_socketpair(ps_native pair[2], int type, int nonblocking)
{
    char path[PS__UNIX_PATH_MAX];
    SOCKET listener, client = INVALID_SOCKET, server = INVALID_SOCKET;
    ps_addr addr;
    int bound = 0, rc = ps__win_start();
    if (rc < 0)
        return rc;
    if (type != PS_SOCK_STREAM)
        return PS_EAFNOSUPPORT; /* Windows' AF_UNIX has streams only */
    listener = ps__win_open(AF_UNIX, SOCK_STREAM, 0, NULL);
    if (listener == INVALID_SOCKET)
        return ps__win_last_error(); /* PS_EAFNOSUPPORT without AF_UNIX */
    rc = ps__pair_bind(listener, &addr, path, sizeof path);
    bound = rc == 0;
    if (rc == 0 && listen(listener, 1) == SOCKET_ERROR)
        rc = ps__win_last_error();
    if (rc == 0) {
        client = ps__win_open(AF_UNIX, SOCK_STREAM, 0, NULL);
        if (client == INVALID_SOCKET)
            rc = ps__win_last_error();
    }
    if (rc == 0 &&
        connect(client, (const struct sockaddr *)addr.storage.bytes, (int)addr.len) == SOCKET_ERROR)
        rc = ps__win_last_error();
    if (rc == 0)
        rc = ps__accept_own(listener, &server);
    /* The accepted socket copies the listener's settings; made sure of. */
    if (rc == 0)
        rc = ps__win_no_inherit(server);
    /* Both modes set through the backend, which records them (win32.h). */
    if (rc == 0)
        rc = ps__win_set_nonblocking(client, nonblocking);
    if (rc == 0)
        rc = ps__win_set_nonblocking(server, nonblocking);
    closesocket(listener);
    /* The file stays behind a closed AF_UNIX listener on Windows too. */
    if (bound && !DeleteFileA(path) && rc == 0)
        rc = ps__sys_error_from_native((int)GetLastError());
    if (rc < 0) {
        if (client != INVALID_SOCKET)
            closesocket(client);
        if (server != INVALID_SOCKET)
            closesocket(server);
        return rc;
    }
    pair[0] = PS__NATIVE(client);
    pair[1] = PS__NATIVE(server);
    return 0;
}
