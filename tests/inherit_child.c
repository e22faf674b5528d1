/* The child process of test_inherit: given the native value of a connected
 * socket of its parent on the command line, it reports what it can do with
 * that value. It uses the OS directly (no portsock): the question is what
 * the OS hands a child, not what portsock does with it.
 *
 *   inherit_child <native value in decimal>
 *
 * Exit status (test_inherit.c reads it):
 *   0  the handle is a socket here and one byte 'i' went out through it
 *   10 the value names nothing in this process (POSIX: EBADF; Windows:
 *      GetHandleInformation fails)
 *   11 the value names an object here, but the socket calls say it is no
 *      socket (ENOTSOCK / WSAENOTSOCK: Wine's inherited sockets)
 *   12 the value names an object here, the send failed otherwise
 *   2  usage or start-up error
 * It prints one line saying what it saw. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <windows.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <stdio.h>
#include <stdlib.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

int main(int argc, char **argv)
{
    unsigned long long value;
    char *end = NULL;
    if (argc != 2) {
        fprintf(stdout, "inherit_child: usage: inherit_child <native socket value>\n");
        return 2;
    }
    value = strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0') {
        fprintf(stdout, "inherit_child: not a number: %s\n", argv[1]);
        return 2;
    }
#ifdef _WIN32
    {
        WSADATA wsa;
        SOCKET s = (SOCKET)value;
        DWORD flags = 0;
        int type = 0, len = (int)sizeof type, err;
        if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
            fprintf(stdout, "inherit_child: WSAStartup failed\n");
            return 2;
        }
        if (!GetHandleInformation((HANDLE)s, &flags)) {
            fprintf(stdout, "inherit_child: handle %llu: GetHandleInformation fails (%lu)\n", value,
                    (unsigned long)GetLastError());
            return 10;
        }
        if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0)
            fprintf(stdout, "inherit_child: handle %llu: getsockopt(SO_TYPE) fails (%d)\n", value,
                    WSAGetLastError());
        if (send(s, "i", 1, 0) == 1) {
            fprintf(stdout, "inherit_child: handle %llu (flags 0x%lx): sent one byte\n", value,
                    (unsigned long)flags);
            return 0;
        }
        err = WSAGetLastError();
        fprintf(stdout, "inherit_child: handle %llu (flags 0x%lx) is visible; send fails (%d)\n",
                value, (unsigned long)flags, err);
        return err == WSAENOTSOCK ? 11 : 12;
    }
#else
    {
        int fd = (int)value, err;
        if (fcntl(fd, F_GETFD) < 0) {
            fprintf(stdout, "inherit_child: descriptor %d: fcntl fails (errno %d)\n", fd, errno);
            return errno == EBADF ? 10 : 12;
        }
        if (send(fd, "i", 1, MSG_NOSIGNAL) == 1) {
            fprintf(stdout, "inherit_child: descriptor %d: sent one byte\n", fd);
            return 0;
        }
        err = errno;
        fprintf(stdout, "inherit_child: descriptor %d is open; send fails (errno %d)\n", fd, err);
        return err == ENOTSOCK ? 11 : 12;
    }
#endif
}
