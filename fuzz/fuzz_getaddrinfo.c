/* Fuzz target: ps_getaddrinfo with arbitrary host and service strings,
 * numeric only (no DNS traffic): it must answer with a result or a
 * PS_E... code, and every result must format. */
#include "portsock.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char host[300], serv[300], text[300];
    const unsigned char *split = (const unsigned char *)memchr(data, '\n', size);
    size_t hlen = split ? (size_t)(split - data) : size;
    size_t slen = split ? size - hlen - 1 : 0;
    ps_addrinfo *res = NULL, *ai;
    int flags = PS_AI_NUMERICHOST | PS_AI_NUMERICSERV, rc;
    if (hlen >= sizeof host || slen >= sizeof serv)
        return 0;
    memcpy(host, data, hlen);
    host[hlen] = '\0';
    memcpy(serv, split ? split + 1 : data, slen);
    serv[slen] = '\0';
    if (hlen > 0 && (data[0] & 1))
        flags |= PS_AI_PASSIVE;
    rc = ps_getaddrinfo(hlen ? host : NULL, slen ? serv : NULL, PS_AF_UNSPEC, 0, flags, &res);
    if (rc >= 0 && !res)
        abort();
    if (rc < 0 && (res || ps_errname(rc)[0] != 'E'))
        abort();
    for (ai = res; ai; ai = ai->next) {
        if (ps_addr_format(&ai->addr, text, sizeof text) < 0)
            abort();
    }
    ps_freeaddrinfo(res);
    return 0;
}
