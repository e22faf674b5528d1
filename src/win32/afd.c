/* The AFD driver's poll request, through ntdll's calls loaded at run time
 * (afd.h). */
#include "afd.h"

#include <string.h>

typedef struct ps__ntname {
    USHORT length, capacity; /* in bytes */
    WCHAR *text;
} ps__ntname;

typedef struct ps__ntattributes {
    ULONG length;
    HANDLE root;
    ps__ntname *name;
    ULONG attributes;
    void *security, *qos;
} ps__ntattributes;

typedef ps__ntstatus(NTAPI *ps__nt_create_file_fn)(HANDLE *, ACCESS_MASK, ps__ntattributes *,
                                                   ps__iosb *, LARGE_INTEGER *, ULONG, ULONG, ULONG,
                                                   ULONG, void *, ULONG);
typedef ps__ntstatus(NTAPI *ps__nt_ioctl_fn)(HANDLE, HANDLE, void *, void *, ps__iosb *, ULONG,
                                             void *, ULONG, void *, ULONG);
typedef ps__ntstatus(NTAPI *ps__nt_cancel_fn)(HANDLE, ps__iosb *, ps__iosb *);

/* IOCTL_AFD_POLL: FILE_DEVICE_NETWORK, function 9, METHOD_BUFFERED. */
#define PS__IOCTL_AFD_POLL 0x00012024UL

/* SIO_BASE_HANDLE and SIO_BSP_HANDLE_POLL (_WSAIOR(IOC_WS2, 34 / 29)),
 * missing from older SDKs. */
#define PS__SIO_BASE_HANDLE 0x48000022UL
#define PS__SIO_BSP_HANDLE_POLL 0x4800001DUL

static struct {
    INIT_ONCE once;
    int works; /* AFD polling answered the probe (ps__afd_load) */
    ps__nt_create_file_fn create_file;
    ps__nt_ioctl_fn ioctl;
    ps__nt_cancel_fn cancel;
} ps__nt = {INIT_ONCE_STATIC_INIT, 0, NULL, NULL, NULL};

/* A handle of the driver itself (no socket behind it), for poll requests.
 * The name after \Device\Afd\ is free; the driver only looks at the
 * prefix. PS_ENOTSUP where there is no such device. */
int ps__afd_open_device(HANDLE *out)
{
    static WCHAR path[] = L"\\Device\\Afd\\PortSock";
    ps__ntname name;
    ps__ntattributes attr;
    ps__iosb iosb;
    ps__ntstatus st;
    name.length = (USHORT)(sizeof path - sizeof path[0]);
    name.capacity = (USHORT)sizeof path;
    name.text = path;
    memset(&attr, 0, sizeof attr);
    attr.length = (ULONG)sizeof attr;
    attr.name = &name;
    st = ps__nt.create_file(out, SYNCHRONIZE, &attr, &iosb, NULL, 0,
                            FILE_SHARE_READ | FILE_SHARE_WRITE, 1 /* FILE_OPEN */, 0, NULL, 0);
    if (st == PS__STATUS_SUCCESS)
        return 0;
    *out = NULL;
    return st == PS__STATUS_NO_MEMORY || st == PS__STATUS_INSUFFICIENT_RESOURCES ? PS_ENOMEM
                                                                                 : PS_ENOTSUP;
}

/* The socket the driver knows: a layered provider may have wrapped it. */
int ps__afd_base_socket(SOCKET s, SOCKET *base)
{
    DWORD bytes = 0;
    int err;
    if (WSAIoctl(s, PS__SIO_BASE_HANDLE, NULL, 0, base, sizeof *base, &bytes, NULL, NULL) == 0)
        return 0;
    err = WSAGetLastError();
    if (err == WSAENOTSOCK)
        return PS_ENOTSOCK;
    /* Some providers refuse SIO_BASE_HANDLE but answer this one. */
    if (WSAIoctl(s, PS__SIO_BSP_HANDLE_POLL, NULL, 0, base, sizeof *base, &bytes, NULL, NULL) == 0)
        return 0;
    if (err == WSAEINVAL || err == WSAEOPNOTSUPP) {
        *base = s; /* no provider in between */
        return 0;
    }
    return ps__sys_error_from_native(err);
}

/* One poll of timeout 0 for a new UDP socket's writability on a device
 * handle not tied to a port: 1 when the driver answers it, 0 when it
 * refuses it (an emulator with the device but without the request), or a
 * PS_E... code when the probe itself could not be made. */
static int ps__afd_probe(HANDLE afd)
{
    ps__afd_poll_info info;
    ps__iosb iosb;
    ps__ntstatus st;
    HANDLE done = CreateEventW(NULL, TRUE, FALSE, NULL);
    SOCKET s = ps__win_open(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL), base;
    int rc;
    if (s == INVALID_SOCKET) /* a system without IPv4 */
        s = ps__win_open(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, NULL);
    if (s == INVALID_SOCKET || !done) {
        rc = s == INVALID_SOCKET ? ps__win_last_error() : PS_ENOMEM;
        if (s != INVALID_SOCKET)
            closesocket(s);
        if (done)
            CloseHandle(done);
        return rc;
    }
    rc = ps__afd_base_socket(s, &base);
    if (rc == 0) {
        memset(&info, 0, sizeof info);
        info.timeout.QuadPart = 0;
        info.count = 1;
        info.handles[0].handle = (HANDLE)base;
        info.handles[0].events = PS__AFD_SEND;
        iosb.u.status = PS__STATUS_PENDING;
        st = ps__nt.ioctl(afd, done, NULL, NULL, &iosb, PS__IOCTL_AFD_POLL, &info,
                          (ULONG)sizeof info, &info, (ULONG)sizeof info);
        if (st == PS__STATUS_PENDING && WaitForSingleObject(done, 2000) == WAIT_OBJECT_0)
            st = iosb.u.status;
        rc = st == PS__STATUS_SUCCESS && info.count == 1 && (info.handles[0].events & PS__AFD_SEND);
        if (st == PS__STATUS_PENDING) {
            ps__iosb ignored;
            (void)ps__nt.cancel(afd, &iosb, &ignored);
            WaitForSingleObject(done, INFINITE); /* iosb and info live here */
        }
    }
    closesocket(s);
    CloseHandle(done);
    return rc;
}

/* Once per process: ntdll's calls, and whether AFD polling works here. A
 * probe that could not be made (no socket to spare) is tried again by the
 * next open. */
static BOOL CALLBACK ps__afd_load(PINIT_ONCE once, PVOID param, PVOID *context)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    HANDLE afd;
    int rc;
    (void)once;
    (void)param;
    (void)context;
    if (!ntdll)
        return TRUE; /* ps__nt.works stays 0 */
    /* Through void (*)(void): GetProcAddress's FARPROC is another type. */
    ps__nt.create_file =
        (ps__nt_create_file_fn)(void (*)(void))GetProcAddress(ntdll, "NtCreateFile");
    ps__nt.ioctl = (ps__nt_ioctl_fn)(void (*)(void))GetProcAddress(ntdll, "NtDeviceIoControlFile");
    ps__nt.cancel = (ps__nt_cancel_fn)(void (*)(void))GetProcAddress(ntdll, "NtCancelIoFileEx");
    if (!ps__nt.create_file || !ps__nt.ioctl || !ps__nt.cancel)
        return TRUE;
    rc = ps__afd_open_device(&afd);
    if (rc == PS_ENOTSUP)
        return TRUE;
    if (rc < 0)
        return FALSE;
    rc = ps__afd_probe(afd);
    CloseHandle(afd);
    if (rc < 0)
        return FALSE;
    ps__nt.works = rc;
    return TRUE;
}

int ps__afd_available(void)
{
    return InitOnceExecuteOnce(&ps__nt.once, ps__afd_load, NULL, NULL) && ps__nt.works;
}

ps__ntstatus ps__afd_poll(HANDLE afd, void *context, ps__iosb *iosb, ps__afd_poll_info *info)
{
    iosb->u.status = PS__STATUS_PENDING;
    return ps__nt.ioctl(afd, NULL, NULL, context, iosb, PS__IOCTL_AFD_POLL, info,
                        (ULONG)sizeof *info, info, (ULONG)sizeof *info);
}

void ps__afd_cancel_request(HANDLE afd, ps__iosb *iosb)
{
    ps__iosb done;
    (void)ps__nt.cancel(afd, iosb, &done);
}
