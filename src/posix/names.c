/* getaddrinfo / getnameinfo / gethostname, with results in portable form. */
#include "posix.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ps__gai_error(int rc)
{
    switch (rc) {
    case EAI_NONAME: return PS_EAI_NONAME;
#ifdef EAI_NODATA
    case EAI_NODATA: return PS_EAI_NONAME;
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY: return PS_EAI_NONAME; /* the host has no address of that family */
#endif
    case EAI_AGAIN: return PS_EAI_AGAIN;
    case EAI_FAIL: return PS_EAI_FAIL;
    case EAI_SERVICE: return PS_EAI_SERVICE;
    case EAI_FAMILY: return PS_EAI_FAMILY;
    case EAI_SOCKTYPE: return PS_EAI_SOCKTYPE;
    case EAI_MEMORY: return PS_ENOMEM;
    case EAI_BADFLAGS: return PS_EINVAL;
#ifdef EAI_OVERFLOW
    case EAI_OVERFLOW: return PS_ENOBUFS;
#endif
    case EAI_SYSTEM: return ps__posix_error();
    default: return PS_EUNKNOWN;
    }
}

/* One portable node, or NULL for an entry portsock has no type for (raw).
 * want_canon: PS_AI_CANONNAME was asked for. musl fills ai_canonname even
 * when it was not (with the host string), glibc only when it was: the flag
 * decides, so that canonname is NULL unless asked for everywhere. */
static int ps__ai_node(const struct addrinfo *ai, int want_canon, ps_addrinfo **node)
{
    ps_addrinfo *n;
    int family = ps__posix_family_from_native(ai->ai_family);
    *node = NULL;
    if (family < 0 || (ai->ai_socktype != SOCK_STREAM && ai->ai_socktype != SOCK_DGRAM) ||
        ai->ai_addrlen > sizeof n->addr.storage)
        return 0;
    n = (ps_addrinfo *)ps__calloc(1, sizeof *n);
    if (!n)
        return PS_ENOMEM;
    n->family = family;
    n->type = ai->ai_socktype == SOCK_STREAM ? PS_SOCK_STREAM : PS_SOCK_DGRAM;
    n->protocol = ai->ai_protocol;
    memcpy(n->addr.storage.bytes, ai->ai_addr, ai->ai_addrlen);
    n->addr.len = (uint32_t)ai->ai_addrlen;
    if (want_canon && ai->ai_canonname && !(n->canonname = ps__strdup(ai->ai_canonname))) {
        ps__free(n);
        return PS_ENOMEM;
    }
    *node = n;
    return 0;
}

int ps__sys_getaddrinfo(const char *host, const char *service, int family, int type, int flags,
                        ps_addrinfo **res)
{
    struct addrinfo hints, *list = NULL, *ai;
    ps_addrinfo **tail = res, *node; /* on failure the core frees *res */
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family == PS_AF_UNSPEC ? AF_UNSPEC : ps__posix_family_to_native(family);
    hints.ai_socktype = type == PS_SOCK_STREAM  ? SOCK_STREAM
                        : type == PS_SOCK_DGRAM ? SOCK_DGRAM
                                                : 0;
    hints.ai_flags = ((flags & PS_AI_PASSIVE) ? AI_PASSIVE : 0) |
                     ((flags & PS_AI_CANONNAME) ? AI_CANONNAME : 0) |
                     ((flags & PS_AI_NUMERICHOST) ? AI_NUMERICHOST : 0) |
                     ((flags & PS_AI_NUMERICSERV) ? AI_NUMERICSERV : 0);
    rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0)
        return ps__gai_error(rc);
    rc = 0;
    for (ai = list; ai && rc == 0; ai = ai->ai_next) {
        rc = ps__ai_node(ai, (flags & PS_AI_CANONNAME) != 0, &node);
        if (node) {
            *tail = node;
            tail = &node->next;
        }
    }
    freeaddrinfo(list);
    return rc == 0 && !*res ? PS_EAI_NONAME : rc;
}

int ps__sys_getnameinfo(const ps_addr *a, char *host, size_t hostlen, char *serv, size_t servlen,
                        int flags)
{
    int native = ((flags & PS_NI_NUMERICHOST) ? NI_NUMERICHOST : 0) |
                 ((flags & PS_NI_NUMERICSERV) ? NI_NUMERICSERV : 0) |
                 ((flags & PS_NI_NAMEREQD) ? NI_NAMEREQD : 0) |
                 ((flags & PS_NI_DGRAM) ? NI_DGRAM : 0);
    int rc;
    if (hostlen > 0xffffu || servlen > 0xffffu)
        return PS_EINVAL;
    rc = getnameinfo((const struct sockaddr *)a->storage.bytes, (socklen_t)a->len,
                     hostlen ? host : NULL, (socklen_t)hostlen, servlen ? serv : NULL,
                     (socklen_t)servlen, native);
    return rc == 0 ? 0 : ps__gai_error(rc);
}

int ps__sys_gethostname(char *buf, size_t size)
{
    /* POSIX leaves it open whether a cut name is NUL-terminated: take the
     * whole name into room enough (255 is the POSIX maximum), then copy. */
    char name[257];
    size_t n;
    if (gethostname(name, sizeof name - 1) < 0)
        return ps__posix_error();
    name[sizeof name - 1] = '\0';
    n = strlen(name);
    if (n >= size)
        return PS_ENOBUFS;
    memcpy(buf, name, n + 1);
    return 0;
}
