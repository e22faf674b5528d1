/* Name resolution: argument checks around the backend's resolver, and the
 * freeing of the portable result list. */
#include "core.h"

#include <stdlib.h>

#define PS__AI_KNOWN (PS_AI_PASSIVE | PS_AI_CANONNAME | PS_AI_NUMERICHOST | PS_AI_NUMERICSERV)
#define PS__NI_KNOWN (PS_NI_NUMERICHOST | PS_NI_NUMERICSERV | PS_NI_NAMEREQD | PS_NI_DGRAM)

int ps_getaddrinfo(const char *host, const char *service, int family, int type, int flags,
                   ps_addrinfo **res)
{
    int rc;
    if (!res)
        return PS_EINVAL;
    *res = NULL;
    if ((!host && !service) || (flags & ~PS__AI_KNOWN))
        return PS_EINVAL;
    if (family != PS_AF_UNSPEC && family != PS_AF_INET && family != PS_AF_INET6)
        return PS_EAI_FAMILY;
    if (type != 0 && type != PS_SOCK_STREAM && type != PS_SOCK_DGRAM)
        return PS_EAI_SOCKTYPE;
    rc = ps__sys_getaddrinfo(host, service, family, type, flags, res);
    if (rc < 0) {
        ps_freeaddrinfo(*res); /* what the backend built before it failed */
        *res = NULL;
    }
    return rc;
}

void ps_freeaddrinfo(ps_addrinfo *res)
{
    while (res) {
        ps_addrinfo *next = res->next;
        ps__free(res->canonname);
        ps__free(res);
        res = next;
    }
}

int ps_getnameinfo(const ps_addr *a, char *host, size_t hostlen, char *serv, size_t servlen,
                   int flags)
{
    int family;
    if (!a || a->len == 0 || a->len > sizeof a->storage || (flags & ~PS__NI_KNOWN))
        return PS_EINVAL;
    if ((!host || hostlen == 0) && (!serv || servlen == 0))
        return PS_EINVAL;
    if ((!host && hostlen > 0) || (!serv && servlen > 0))
        return PS_EINVAL;
    family = ps__sys_addr_family(a);
    if (family < 0)
        return family;
    /* Some C libraries name AF_UNIX addresses too; portsock names IP ones
     * only, the same everywhere. */
    if (family != PS_AF_INET && family != PS_AF_INET6)
        return PS_EAFNOSUPPORT;
    return ps__sys_getnameinfo(a, host, hostlen, serv, servlen, flags);
}

int ps_gethostname(char *buf, size_t size)
{
    if (!buf || size == 0)
        return PS_EINVAL;
    return ps__sys_gethostname(buf, size);
}
