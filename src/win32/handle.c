/* The SOCKET as a handle: duplication and inheritability. */
#include "win32.h"

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

int ps__sys_get_inheritable(ps_native h)
{
    DWORD flags = 0;
    if (!GetHandleInformation((HANDLE)PS__SOCK(h), &flags))
        return ps__sys_error_from_native((int)GetLastError());
    return (flags & HANDLE_FLAG_INHERIT) ? 1 : 0;
}

int ps__sys_set_inheritable(ps_native h, int on)
{
    if (!SetHandleInformation((HANDLE)PS__SOCK(h), HANDLE_FLAG_INHERIT,
                              on ? HANDLE_FLAG_INHERIT : 0))
        return ps__sys_error_from_native((int)GetLastError());
    return 0;
}
