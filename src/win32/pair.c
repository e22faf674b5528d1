/* socketpair() for Windows, which has none: an AF_UNIX listener on a
 * fresh path in the temporary folder, one connection to it, and the path
 * removed again. Where AF_UNIX is missing (before Windows 10 1803, Wine)
 * the answer is PS_EAFNOSUPPORT and the core pairs loopback TCP sockets. */
#include "win32.h"

#include <stdio.h>
#include <string.h>

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
    if (rc == 0 && nonblocking)
        rc = ps__sys_set_nonblocking(PS__NATIVE(client), 1);
    if (rc == 0)
        rc = ps__sys_set_nonblocking(PS__NATIVE(server), nonblocking);
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
