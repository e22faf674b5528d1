/* Internal to the Winsock backend: system headers and the translations its
 * files share. Every file of src/win32/ includes this first, so that the
 * macros below are seen before any system header. */
#ifndef PS_WIN32_H
#define PS_WIN32_H

/* windows.h would otherwise pull in winsock.h (Winsock 1), whose
 * declarations clash with winsock2.h. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
/* Vista is the oldest Windows with everything used here: inet_pton-era
 * ws2tcpip, if_nametoindex, InitOnceExecuteOnce. A newer target set by the
 * build is kept. */
#if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif

/* Order matters: winsock2.h before ws2tcpip.h, both before windows.h. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "../sys.h"

#ifdef _MSC_VER
#pragma comment(lib, "ws2_32.lib")
#pragma comment(lib, "iphlpapi.lib")
#endif

/* AF_UNIX (Windows 10 1803 and later) has the BSD layout. Declared here
 * because afunix.h is missing from older SDKs and mingw-w64 releases. */
#define PS__UNIX_PATH_MAX 108
typedef struct ps__sockaddr_un {
    ADDRESS_FAMILY sun_family;
    char sun_path[PS__UNIX_PATH_MAX];
} ps__sockaddr_un;

/* Starts Winsock once for the whole process, thread-safely (InitOnce); 0 or
 * a PS_E... code. Every path that can be a program's first socket call
 * (creation, adoption, resolution) calls it first. The lazy start is never
 * undone: WSACleanup may not run from DllMain, and process exit frees it. */
int ps__win_start(void);

/* WSAGetLastError() as a PS_E... code. */
int ps__win_last_error(void);

/* PS_AF_* -> AF_* (-1 if unknown) and back (PS_EAFNOSUPPORT if unknown). */
int ps__win_family_to_native(int family);
int ps__win_family_from_native(int af);
/* PS_SOCK_* -> SOCK_* (-1 if unknown) and back (PS_ENOTSUP if unknown). */
int ps__win_type_to_native(int type);
int ps__win_type_from_native(int st);
/* PS_MSG_PEEK / PS_MSG_WAITALL / PS_MSG_OOB -> MSG_*. */
int ps__win_msg_flags(int flags);

/* A new non-inheritable socket, as WSASocketW takes it (info NULL, or a
 * WSADuplicateSocketW result with FROM_PROTOCOL_INFO for af, st and
 * protocol); INVALID_SOCKET with WSAGetLastError() set on failure. */
SOCKET ps__win_open(int af, int st, int protocol, WSAPROTOCOL_INFOW *info);
/* Clears HANDLE_FLAG_INHERIT; 0 or a PS_E... code. */
int ps__win_no_inherit(SOCKET s);

/* What every IP datagram socket of portsock needs, at creation and adoption
 * alike: the ICMP-driven resets of SIO_UDP_CONNRESET / SIO_UDP_NETRESET off. */
int ps__win_datagram_defaults(SOCKET s);

/* A native handle as Winsock's SOCKET and back. SOCKET is UINT_PTR, the
 * same width as ps_native (uintptr_t); the casts only change the name. */
#define PS__SOCK(h) ((SOCKET)(h))
#define PS__NATIVE(s) ((ps_native)(s))

#endif /* PS_WIN32_H */
