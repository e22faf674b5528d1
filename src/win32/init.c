/* Starting Winsock: lazily once for the process, and counted for the
 * programs that call ps_init()/ps_cleanup() themselves. */
#include "win32.h"

/* Winsock counts WSAStartup calls itself; this count only keeps an
 * unbalanced ps_cleanup() from undoing a start that portsock did not make
 * for the caller (the lazy one, or the application's own). */
static volatile LONG ps__explicit_starts = 0;

static INIT_ONCE ps__lazy_once = INIT_ONCE_STATIC_INIT;

static int ps__wsa_startup(void)
{
    WSADATA data;
    int rc = WSAStartup(MAKEWORD(2, 2), &data);
    if (rc != 0)
        return ps__sys_error_from_native(rc); /* WSAStartup returns its error */
    if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
        WSACleanup();
        return PS_ENOTSUP;
    }
    return 0;
}

/* Runs in exactly one thread at a time. When it fails, InitOnce leaves the
 * once object untouched, so a later call tries again instead of caching
 * the failure; every thread that sees FALSE ran this callback itself, so
 * its own *param holds the reason. */
static BOOL CALLBACK ps__lazy_start(PINIT_ONCE once, PVOID param, PVOID *context)
{
    int rc = ps__wsa_startup();
    (void)once;
    (void)context;
    *(int *)param = rc;
    return rc == 0 ? TRUE : FALSE;
}

int ps__win_start(void)
{
    int rc = PS_EUNKNOWN;
    if (InitOnceExecuteOnce(&ps__lazy_once, ps__lazy_start, &rc, NULL))
        return 0;
    return rc;
}

int ps__sys_init(void)
{
    int rc = ps__wsa_startup();
    if (rc == 0)
        InterlockedIncrement(&ps__explicit_starts);
    return rc;
}

void ps__sys_cleanup(void)
{
    LONG n = ps__explicit_starts;
    /* Decrement only from a positive count, even when threads race. */
    while (n > 0) {
        LONG seen = InterlockedCompareExchange(&ps__explicit_starts, n - 1, n);
        if (seen == n) {
            WSACleanup();
            return;
        }
        n = seen;
    }
}

typedef struct ps__ext_load {
    SOCKET s;
    int rc;
} ps__ext_load;

static BOOL CALLBACK ps__ext_once(PINIT_ONCE once, PVOID param, PVOID *context)
{
    ps__win_ext *ext = CONTAINING_RECORD(once, ps__win_ext, once);
    ps__ext_load *load = (ps__ext_load *)param;
    DWORD bytes = 0;
    (void)context;
    /* Every member of the union is one function pointer: the ioctl writes
     * it into whichever the caller reads. */
    if (WSAIoctl(load->s, SIO_GET_EXTENSION_FUNCTION_POINTER, &ext->id, sizeof ext->id,
                 &ext->fn.recvmsg, sizeof ext->fn.recvmsg, &bytes, NULL, NULL) == SOCKET_ERROR) {
        load->rc = ps__win_last_error();
        return FALSE;
    }
    if (bytes != sizeof ext->fn.recvmsg || !ext->fn.recvmsg) {
        load->rc = PS_ENOTSUP;
        return FALSE;
    }
    load->rc = 0;
    return TRUE;
}

int ps__win_extension(ps__win_ext *ext, SOCKET s)
{
    ps__ext_load load;
    load.s = s;
    load.rc = PS_EUNKNOWN;
    if (InitOnceExecuteOnce(&ext->once, ps__ext_once, &load, NULL))
        return 0;
    return load.rc;
}
