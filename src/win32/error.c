/* WSA codes <-> PS_E...: flat tables, one case a line. A code with no
 * portable counterpart keeps its number (PS_ESYSERR - n): ps_error_native
 * gives it back, ps_strerror shows FormatMessage's text for it. */
#include "win32.h"

#include <stdio.h>

int ps__sys_error_from_native(int native)
{
    switch (native) {
    case 0: return 0;

    /* The WSAE... codes, in numeric order (10004 .. 10112). */
    case WSAEBADF: return PS_EBADF;
    case WSAEACCES: return PS_EACCES;
    case WSAEFAULT: return PS_EINVAL; /* a bad pointer or too short a length */
    case WSAEINVAL: return PS_EINVAL;
    case WSAEMFILE: return PS_EMFILE;
    case WSAEWOULDBLOCK: return PS_EAGAIN;
    case WSAEINPROGRESS: return PS_EINPROGRESS;
    case WSAEALREADY: return PS_EALREADY;
    case WSAENOTSOCK: return PS_ENOTSOCK;
    case WSAEDESTADDRREQ: return PS_EDESTADDRREQ;
    case WSAEMSGSIZE: return PS_EMSGSIZE;
    case WSAEPROTOTYPE: return PS_EPROTOTYPE;
    case WSAENOPROTOOPT: return PS_ENOPROTOOPT;
    case WSAEPROTONOSUPPORT: return PS_EPROTONOSUPPORT;
    case WSAESOCKTNOSUPPORT: return PS_ENOTSUP;
    case WSAEOPNOTSUPP: return PS_ENOTSUP;
    case WSAEPFNOSUPPORT: return PS_EAFNOSUPPORT;
    case WSAEAFNOSUPPORT: return PS_EAFNOSUPPORT;
    case WSAEADDRINUSE: return PS_EADDRINUSE;
    case WSAEADDRNOTAVAIL: return PS_EADDRNOTAVAIL;
    case WSAENETDOWN: return PS_ENETDOWN;
    case WSAENETUNREACH: return PS_ENETUNREACH;
    case WSAENETRESET: return PS_ENETRESET;
    case WSAECONNABORTED: return PS_ECONNABORTED;
    case WSAECONNRESET: return PS_ECONNRESET;
    case WSAENOBUFS: return PS_ENOBUFS;
    case WSAEISCONN: return PS_EISCONN;
    case WSAENOTCONN: return PS_ENOTCONN;
    case WSAESHUTDOWN: return PS_ESHUTDOWN;
    case WSAETIMEDOUT: return PS_ETIMEDOUT;
    case WSAECONNREFUSED: return PS_ECONNREFUSED;
    case WSAENAMETOOLONG: return PS_ENAMETOOLONG;
    case WSAEHOSTDOWN: return PS_EHOSTDOWN;
    case WSAEHOSTUNREACH: return PS_EHOSTUNREACH;
    case WSAEPROCLIM: return PS_ENFILE;      /* a system-wide limit of Winsock users */
    case WSASYSNOTREADY: return PS_ENETDOWN; /* the network subsystem is unavailable */
    case WSAVERNOTSUPPORTED: return PS_ENOTSUP;
    case WSANOTINITIALISED: return PS_ENETDOWN; /* the socket layer is not running */
    case WSAEDISCON: return PS_ESHUTDOWN;       /* the peer began a graceful shutdown */
    case WSASERVICE_NOT_FOUND: return PS_EAI_SERVICE;
    case WSATYPE_NOT_FOUND: return PS_EAI_SERVICE; /* getaddrinfo's EAI_SERVICE */
    case WSAEREFUSED: return PS_EAI_FAIL;

    /* Name resolution: getaddrinfo's EAI_... are these numbers on Windows.
     * WSANO_DATA: the name exists but has no address. */
    case WSAHOST_NOT_FOUND: return PS_EAI_NONAME;
    case WSATRY_AGAIN: return PS_EAI_AGAIN;
    case WSANO_RECOVERY: return PS_EAI_FAIL;
    case WSANO_DATA: return PS_EAI_NONAME;

    /* The WSA_... aliases of Win32 codes that Winsock calls return. */
    case WSA_INVALID_HANDLE: return PS_EBADF;
    case WSA_NOT_ENOUGH_MEMORY: return PS_ENOMEM;
    case WSA_INVALID_PARAMETER: return PS_EINVAL;
    case WSA_IO_INCOMPLETE: return PS_EINPROGRESS;
    case WSA_IO_PENDING: return PS_EINPROGRESS;
    case ERROR_OUTOFMEMORY: return PS_ENOMEM;
    case ERROR_FILE_NOT_FOUND: return PS_ENOENT; /* AF_UNIX path */
    case ERROR_PATH_NOT_FOUND: return PS_ENOENT;
    case ERROR_ACCESS_DENIED: return PS_EACCES;
    case ERROR_BUSY: return PS_EBUSY;

    /* Kept as PS_ESYSERR - n: WSAEINTR (a blocking call cancelled by
     * WSACancelBlockingCall, not a signal: never retried), WSAETOOMANYREFS,
     * WSAELOOP, WSAENOTEMPTY, WSAEUSERS, WSAEDQUOT, WSAESTALE, WSAEREMOTE,
     * WSAENOMORE, WSAECANCELLED, WSAEINVALIDPROCTABLE, WSAEINVALIDPROVIDER,
     * WSAEPROVIDERFAILEDINIT, WSASYSCALLFAILURE, WSA_E_NO_MORE,
     * WSA_E_CANCELLED, WSA_OPERATION_ABORTED (overlapped I/O cancelled), the
     * WSA_QOS_... codes (11005 .. 11031) and any other Win32 code. */
    default: return ps__error_keep_native(native);
    }
}

int ps__sys_native_from_error(int err)
{
    switch (err) {
    case PS_EAGAIN: return WSAEWOULDBLOCK;
    case PS_ETIMEDOUT: return WSAETIMEDOUT;
    case PS_EBADF: return WSAEBADF;
    case PS_EINVAL: return WSAEINVAL;
    case PS_ENOMEM: return WSA_NOT_ENOUGH_MEMORY;
    case PS_ENOTSUP: return WSAEOPNOTSUPP;
    case PS_EADDRINUSE: return WSAEADDRINUSE;
    case PS_EADDRNOTAVAIL: return WSAEADDRNOTAVAIL;
    case PS_EAFNOSUPPORT: return WSAEAFNOSUPPORT;
    case PS_EPROTONOSUPPORT: return WSAEPROTONOSUPPORT;
    case PS_ECONNREFUSED: return WSAECONNREFUSED;
    case PS_ECONNRESET: return WSAECONNRESET;
    case PS_ECONNABORTED: return WSAECONNABORTED;
    case PS_EPIPE: return WSAESHUTDOWN; /* Winsock's word for writing after shutdown */
    case PS_ENOTCONN: return WSAENOTCONN;
    case PS_EISCONN: return WSAEISCONN;
    case PS_EINPROGRESS: return WSAEINPROGRESS;
    case PS_EALREADY: return WSAEALREADY;
    case PS_ENETUNREACH: return WSAENETUNREACH;
    case PS_EHOSTUNREACH: return WSAEHOSTUNREACH;
    case PS_EMSGSIZE: return WSAEMSGSIZE;
    case PS_EACCES: return WSAEACCES;
    case PS_EMFILE: return WSAEMFILE;
    case PS_ENOBUFS: return WSAENOBUFS;
    case PS_ENOTSOCK: return WSAENOTSOCK;
    case PS_EAI_NONAME: return WSAHOST_NOT_FOUND;
    case PS_EAI_AGAIN: return WSATRY_AGAIN;
    case PS_EAI_FAIL: return WSANO_RECOVERY;
    case PS_EAI_SERVICE: return WSATYPE_NOT_FOUND;
    case PS_EAI_FAMILY: return WSAEAFNOSUPPORT;
    case PS_EAI_SOCKTYPE: return WSAESOCKTNOSUPPORT;
    case PS_ENETDOWN: return WSAENETDOWN;
    case PS_ENETRESET: return WSAENETRESET;
    case PS_EPROTOTYPE: return WSAEPROTOTYPE;
    case PS_ENOPROTOOPT: return WSAENOPROTOOPT;
    case PS_EDESTADDRREQ: return WSAEDESTADDRREQ;
    case PS_ESHUTDOWN: return WSAESHUTDOWN;
    case PS_EHOSTDOWN: return WSAEHOSTDOWN;
    case PS_EPERM: return WSAEACCES;
    case PS_ENOENT: return ERROR_FILE_NOT_FOUND;
    case PS_ENFILE: return WSAEPROCLIM;
    case PS_ENAMETOOLONG: return WSAENAMETOOLONG;
    case PS_EBUSY: return ERROR_BUSY;
    default: return ps__error_native(err); /* a kept WSA code; 0 for PS_EUNKNOWN */
    }
}

void ps__sys_strerror(int n, char *buf, size_t size)
{
    DWORD len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                               (DWORD)n, 0, buf, (DWORD)(size < 65536 ? size : 65536), NULL);
    /* The system's messages end in ".\r\n": keep the sentence, drop the line
     * end. */
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    if (len == 0)
        snprintf(buf, size, "system error %d", n);
}

PS__HOT int ps__win_last_error(void)
{
    return ps__sys_error_from_native(WSAGetLastError());
}
