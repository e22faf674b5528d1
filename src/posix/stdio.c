/* Sockets as C runtime files: on POSIX a socket is a file descriptor. */
#include "posix.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int ps__sys_descriptor(ps_native h)
{
    return h;
}

int ps__sys_fdopen(ps_native h, const char *mode, FILE **out)
{
    FILE *fp;
    int fd = fcntl(h, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return ps__posix_error();
    fp = fdopen(fd, mode);
    if (!fp) {
        int rc = ps__posix_error();
        close(fd);
        return rc;
    }
    *out = fp;
    return 0;
}
