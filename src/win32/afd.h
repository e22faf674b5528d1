/* The AFD driver behind Winsock, as the AFD selector (selector_afd.c) uses
 * it: undocumented, so ntdll's calls are loaded at run time (afd.c) and
 * the structures are declared here. libuv, wepoll and Rust's mio/polling
 * use the same request. */
#ifndef PS_WIN32_AFD_H
#define PS_WIN32_AFD_H

#include "win32.h"

typedef LONG ps__ntstatus;
#define PS__STATUS_SUCCESS ((ps__ntstatus)0x00000000L)
#define PS__STATUS_PENDING ((ps__ntstatus)0x00000103L)
#define PS__STATUS_NO_MEMORY ((ps__ntstatus)0xC0000017L)
#define PS__STATUS_INSUFFICIENT_RESOURCES ((ps__ntstatus)0xC000009AL)
#define PS__STATUS_INVALID_HANDLE ((ps__ntstatus)0xC0000008L)

typedef struct ps__iosb {
    union {
        ps__ntstatus status;
        void *pointer;
    } u;
    ULONG_PTR information;
} ps__iosb;

/* The driver's event bits. */
#define PS__AFD_RECEIVE 0x0001u
#define PS__AFD_SEND 0x0004u
#define PS__AFD_DISCONNECT 0x0008u /* the peer shut its side down (FIN) */
#define PS__AFD_ABORT 0x0010u      /* reset */
#define PS__AFD_LOCAL_CLOSE 0x0020u
#define PS__AFD_ACCEPT 0x0080u
#define PS__AFD_CONNECT_FAIL 0x0100u

typedef struct ps__afd_handle_info {
    HANDLE handle;
    ULONG events;
    ps__ntstatus status;
} ps__afd_handle_info;

/* One socket per request; the driver writes the result back in place. */
typedef struct ps__afd_poll_info {
    LARGE_INTEGER timeout; /* absolute; the largest value: never */
    ULONG count;
    ULONG exclusive;
    ps__afd_handle_info handles[1];
} ps__afd_poll_info;

/* 1 when AFD polling works here (ntdll's calls are there and the driver
 * answered a probe request), else 0; found out once per process. */
int ps__afd_available(void);

/* A handle of the driver itself (no socket behind it), for poll requests.
 * PS_ENOTSUP where there is no such device, PS_ENOMEM. */
int ps__afd_open_device(HANDLE *out);

/* The socket the driver knows: a layered provider may have wrapped s. */
int ps__afd_base_socket(SOCKET s, SOCKET *base);

/* Sends a poll request for info (one socket) on the driver handle afd;
 * context comes back with its completion (a port's entry's lpOverlapped).
 * STATUS_SUCCESS or STATUS_PENDING when it was taken. */
ps__ntstatus ps__afd_poll(HANDLE afd, void *context, ps__iosb *iosb, ps__afd_poll_info *info);

/* Asks the driver to give the request of iosb back (it completes either
 * way; NtCancelIoFileEx). */
void ps__afd_cancel_request(HANDLE afd, ps__iosb *iosb);

#endif /* PS_WIN32_AFD_H */
