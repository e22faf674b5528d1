/* Fuzz target: walking an arbitrary control buffer with ps_cmsg_*. The
 * walk must stay inside msg->controllen whatever the lengths inside say
 * (AddressSanitizer checks: the buffer is an exact-size heap copy). */
#include "portsock.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    unsigned char *control = (unsigned char *)malloc(size ? size : 1);
    const ps_cmsg *c;
    ps_msg msg;
    int steps = 0;
    if (!control)
        return 0;
    memcpy(control, data, size);
    memset(&msg, 0, sizeof msg);
    msg.control = control;
    msg.controllen = size;
    for (c = ps_cmsg_first(&msg); c; c = ps_cmsg_next(&msg, c)) {
        const unsigned char *p = (const unsigned char *)c;
        const void *body;
        size_t len;
        int level, type;
        ps_native fds[8];
        ps_addr dst;
        if (p < control || p >= control + size || ++steps > 100000)
            abort();
        if (ps_cmsg_native(c, &level, &type, &body, &len) < 0)
            abort();
        if ((const unsigned char *)body < control || len > size ||
            (const unsigned char *)body + len > control + size)
            abort();
        ps_cmsg_kind(c);
        ps_cmsg_get_pktinfo(c, &dst);
        ps_cmsg_get_fds(c, fds, 8); /* numbers only: nothing is opened */
    }
    free(control);
    return 0;
}
