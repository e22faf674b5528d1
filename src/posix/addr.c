/* ps_addr <-> sockaddr_in / sockaddr_in6 / sockaddr_un, and interface names
 * for IPv6 scope ids. */
#include "posix.h"

#include <net/if.h>
#include <stddef.h>
#include <string.h>

/* sa_family sits after sa_len on the BSDs: read it where the struct puts it. */
static int ps__native_family(const ps_addr *a)
{
    sa_family_t af;
    if (a->len < offsetof(struct sockaddr, sa_family) + sizeof af)
        return -1;
    memcpy(&af, a->storage.bytes + offsetof(struct sockaddr, sa_family), sizeof af);
    return af;
}

int ps__sys_addr_family(const ps_addr *a)
{
    int af = ps__native_family(a);
    int family = af < 0 ? PS_EINVAL : ps__posix_family_from_native(af);
    return family == PS_EAFNOSUPPORT ? PS_EINVAL : family;
}

int ps__sys_addr_from_ip(ps_addr *out, const ps__ip *ip)
{
    memset(out, 0, sizeof *out);
    if (ip->family == PS_AF_INET) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
#ifdef __APPLE__
        sin.sin_len = sizeof sin;
#endif
        sin.sin_family = AF_INET;
        sin.sin_port = htons(ip->port);
        memcpy(&sin.sin_addr, ip->bytes, 4);
        memcpy(out->storage.bytes, &sin, sizeof sin);
        out->len = sizeof sin;
        return 0;
    }
    if (ip->family == PS_AF_INET6) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof sin6);
#ifdef __APPLE__
        sin6.sin6_len = sizeof sin6;
#endif
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(ip->port);
        sin6.sin6_flowinfo = htonl(ip->flowinfo);
        sin6.sin6_scope_id = ip->scope_id;
        memcpy(&sin6.sin6_addr, ip->bytes, 16);
        memcpy(out->storage.bytes, &sin6, sizeof sin6);
        out->len = sizeof sin6;
        return 0;
    }
    return PS_EAFNOSUPPORT;
}

int ps__sys_addr_to_ip(const ps_addr *a, ps__ip *ip)
{
    int af = ps__native_family(a);
    memset(ip, 0, sizeof *ip);
    if (af == AF_INET && a->len >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;
        memcpy(&sin, a->storage.bytes, sizeof sin);
        ip->family = PS_AF_INET;
        ip->port = ntohs(sin.sin_port);
        memcpy(ip->bytes, &sin.sin_addr, 4);
        return 0;
    }
    if (af == AF_INET6 && a->len >= sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, a->storage.bytes, sizeof sin6);
        ip->family = PS_AF_INET6;
        ip->port = ntohs(sin6.sin6_port);
        ip->flowinfo = ntohl(sin6.sin6_flowinfo);
        ip->scope_id = sin6.sin6_scope_id;
        memcpy(ip->bytes, &sin6.sin6_addr, 16);
        return 0;
    }
    return af == AF_UNIX ? PS_EAFNOSUPPORT : PS_EINVAL;
}

int ps__sys_addr_from_unix(ps_addr *out, const char *path, size_t len)
{
    struct sockaddr_un sun;
    memset(out, 0, sizeof *out);
    /* sun_path must hold the path and its NUL: a longer path would be cut
     * short by the kernel, or name a different file. */
    if (len == 0 || len >= sizeof sun.sun_path)
        return PS_EINVAL;
    memset(&sun, 0, sizeof sun);
#ifdef __APPLE__
    sun.sun_len = (unsigned char)(offsetof(struct sockaddr_un, sun_path) + len + 1);
#endif
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, len);
    memcpy(out->storage.bytes, &sun, sizeof sun);
    out->len = (uint32_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    return 0;
}

int ps__sys_addr_unix_path(const ps_addr *a, const char **path, size_t *max)
{
    const size_t at = offsetof(struct sockaddr_un, sun_path);
    if (ps__native_family(a) != AF_UNIX)
        return PS_EINVAL;
    *path = (const char *)a->storage.bytes + at;
    *max = a->len > at ? a->len - at : 0;
    if (*max > sizeof(((struct sockaddr_un *)0)->sun_path))
        *max = sizeof(((struct sockaddr_un *)0)->sun_path);
    return 0;
}

int ps__sys_if_nametoindex(const char *name, uint32_t *index)
{
    unsigned i = if_nametoindex(name);
    if (i == 0)
        return PS_EINVAL;
    *index = i;
    return 0;
}

int ps__sys_if_indextoname(uint32_t index, char name[PS__IF_NAME_MAX])
{
    /* IF_NAMESIZE (16 on Linux and the BSDs) fits PS__IF_NAME_MAX. */
    return if_indextoname(index, name) ? 0 : PS_EINVAL;
}
