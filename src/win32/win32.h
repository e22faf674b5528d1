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
/* The extension functions: WSARecvMsg, WSASendMsg, TransmitFile. */
#include <mswsock.h>

#include <limits.h>

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

/* The most one receive / one stream send hands Winsock (io.c, msg.c); the
 * caller sees a short count, as for any partial transfer, and the core
 * loops where a call must move everything (ps_sendall). Receives: Winsock
 * counts in int. Sends: a blocking send larger than the socket buffer
 * keeps the caller's pages locked until the last byte is out, and under
 * Wine 8 such a send never returns if the peer resets the connection
 * meanwhile (measured: 1 MiB to a closed peer hangs, 512 KiB fails at once
 * with WSAECONNRESET). No datagram is that long, so none is cut short. */
#define PS__RECV_MAX INT_MAX
#define PS__SEND_MAX (256 * 1024)

/* A failed send's WSA code as the PS_E... code POSIX gives for the same
 * event (to: the destination, or NULL for the connected peer). */
int ps__win_send_error(SOCKET s, int err, const ps_addr *to);

/* A new non-inheritable socket, as WSASocketW takes it (info NULL, or a
 * WSADuplicateSocketW result with FROM_PROTOCOL_INFO for af, st and
 * protocol); INVALID_SOCKET with WSAGetLastError() set on failure. */
SOCKET ps__win_open(int af, int st, int protocol, WSAPROTOCOL_INFOW *info);
/* Clears HANDLE_FLAG_INHERIT; 0 or a PS_E... code. */
int ps__win_no_inherit(SOCKET s);

/* What every IP datagram socket of portsock needs, at creation and adoption
 * alike: the ICMP-driven resets of SIO_UDP_CONNRESET / SIO_UDP_NETRESET off. */
int ps__win_datagram_defaults(SOCKET s);

/* FIONBIO on or off. */
int ps__win_set_nonblocking(SOCKET s, int on);
/* SO_RCVTIMEO and SO_SNDTIMEO back to 0 (none). */
int ps__win_clear_kernel_timeouts(SOCKET s);

/* A Winsock extension function, loaded through
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) once for the process, as
 * Microsoft requires for WSARecvMsg and recommends for the others (a
 * layered provider may put its own in place). Declared with
 * PS__WIN_EXTENSION(name, GUID initializer). */
typedef union ps__win_fn {
    LPFN_WSARECVMSG recvmsg;
    LPFN_WSASENDMSG sendmsg;
    LPFN_TRANSMITFILE transmitfile;
} ps__win_fn;
typedef struct ps__win_ext {
    INIT_ONCE once;
    GUID id;
    ps__win_fn fn;
} ps__win_ext;
#define PS__WIN_EXTENSION(name, guid) static ps__win_ext name = {INIT_ONCE_STATIC_INIT, guid, {0}}
/* Loads ext through socket s the first time (a failure is not cached: the
 * next call tries again); 0 or a PS_E... code. */
int ps__win_extension(ps__win_ext *ext, SOCKET s);

/* Copies the whole control messages of src (len bytes, Winsock's layout)
 * that fit into dst (capacity bytes) and returns the bytes copied; *cut
 * becomes 1 when a message did not fit (cmsg.c). */
size_t ps__win_cmsg_copy(void *dst, size_t capacity, const void *src, size_t len, int *cut);

/* Counts one pass through a PS_DIAG_* path; whether the knob
 * PS_DIAG_FORCE_POLL_SELECT is on (diag.c). */
void ps__win_diag_count(int counter);
int ps__win_force_select(void);
/* 1 while PS_DIAG_FORCE_NO_AFD asks the AFD selector not to open. */
int ps__win_force_no_afd(void);

/* A native handle as Winsock's SOCKET and back. SOCKET is UINT_PTR, the
 * same width as ps_native (uintptr_t); the casts only change the name. */
#define PS__SOCK(h) ((SOCKET)(h))
#define PS__NATIVE(s) ((ps_native)(s))

#endif /* PS_WIN32_H */
