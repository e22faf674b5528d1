/* Sockets as C runtime files: on Windows a SOCKET is none. */
#include "win32.h"

/* A SOCKET is a kernel handle of Winsock, not a descriptor of the C
 * runtime's table: _fdopen((int)sock, ...) fails (EBADF) and
 * _get_osfhandle((int)sock) gives -1, on Windows and under Wine alike, and
 * _open_osfhandle would make a descriptor whose read()/write() go through
 * ReadFile/WriteFile, which bypass layered providers and break on sockets
 * that are not plain handles. No honest descriptor can be made: say so. */
int ps__sys_descriptor(ps_native h)
{
    (void)h;
    return PS_ENOTSUP;
}

int ps__sys_fdopen(ps_native h, const char *mode, FILE **out)
{
    (void)h;
    (void)mode;
    (void)out;
    return PS_ENOTSUP;
}
