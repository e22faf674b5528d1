/* ps_addr <-> the parts of an address, and interface names for scope ids. */
#include "win32.h"

#include <iphlpapi.h>
#include <stddef.h>
#include <string.h>

/* The stored sockaddr's family, -1 when a is too short to hold one. */
static int ps__native_family(const ps_addr *a)
{
    ADDRESS_FAMILY af;
    if (a->len < sizeof af || a->len > sizeof a->storage)
        return -1;
    memcpy(&af, a->storage.bytes, sizeof af);
    return af;
}

int ps__sys_addr_family(const ps_addr *a)
{
    int af = ps__native_family(a);
    int family = af < 0 ? PS_EINVAL : ps__win_family_from_native(af);
    return family == PS_EAFNOSUPPORT ? PS_EINVAL : family;
}

int ps__sys_addr_from_ip(ps_addr *out, const ps__ip *ip)
{
    memset(out, 0, sizeof *out);
    if (ip->family == PS_AF_INET) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(ip->port);
        memcpy(&sin.sin_addr, ip->bytes, 4);
        memcpy(out->storage.bytes, &sin, sizeof sin);
        out->len = (uint32_t)sizeof sin;
        return 0;
    }
    if (ip->family == PS_AF_INET6) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(ip->port);
        sin6.sin6_flowinfo = htonl(ip->flowinfo);
        memcpy(&sin6.sin6_addr, ip->bytes, 16);
        sin6.sin6_scope_id = ip->scope_id;
        memcpy(out->storage.bytes, &sin6, sizeof sin6);
        out->len = (uint32_t)sizeof sin6;
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
        memcpy(ip->bytes, &sin.sin_addr, 4);
        ip->port = ntohs(sin.sin_port);
        return 0;
    }
    if (af == AF_INET6 && a->len >= sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, a->storage.bytes, sizeof sin6);
        ip->family = PS_AF_INET6;
        memcpy(ip->bytes, &sin6.sin6_addr, 16);
        ip->port = ntohs(sin6.sin6_port);
        ip->flowinfo = ntohl(sin6.sin6_flowinfo);
        ip->scope_id = sin6.sin6_scope_id;
        return 0;
    }
    return af == AF_UNIX ? PS_EAFNOSUPPORT : PS_EINVAL; /* AF_UNIX: no IP parts */
}

int ps__sys_addr_from_unix(ps_addr *out, const char *path, size_t len)
{
    ps__sockaddr_un sun;
    memset(out, 0, sizeof *out);
    /* sun_path must hold the path and its NUL: a longer path would be cut
     * short, or name a different file. */
    if (len == 0 || len >= sizeof sun.sun_path)
        return PS_EINVAL;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, len);
    memcpy(out->storage.bytes, &sun, sizeof sun);
    /* The BSD length (family, path, NUL), which Windows accepts too. */
    out->len = (uint32_t)(offsetof(ps__sockaddr_un, sun_path) + len + 1);
    return 0;
}

int ps__sys_addr_unix_path(const ps_addr *a, const char **path, size_t *max)
{
    const size_t off = offsetof(ps__sockaddr_un, sun_path);
    if (ps__native_family(a) != AF_UNIX)
        return PS_EINVAL;
    /* Windows reports the whole structure's size from getsockname: the path
     * ends at its NUL, or at the end of sun_path. */
    *path = (const char *)a->storage.bytes + off;
    *max = a->len > off ? a->len - off : 0;
    if (*max > PS__UNIX_PATH_MAX)
        *max = PS__UNIX_PATH_MAX;
    return 0;
}

int ps__sys_if_nametoindex(const char *name, uint32_t *index)
{
    /* Windows names interfaces "ethernet_32768", "loopback_0" here (the
     * LUID names of iphlpapi), not by their friendly names. */
    NET_IFINDEX i = if_nametoindex(name);
    if (i == 0)
        return PS_EINVAL;
    *index = (uint32_t)i;
    return 0;
}

int ps__sys_if_indextoname(uint32_t index, char name[PS__IF_NAME_MAX])
{
    /* if_indextoname writes up to IF_NAMESIZE (256) bytes and the NUL. */
    memset(name, 0, PS__IF_NAME_MAX);
    return index != 0 && if_indextoname((NET_IFINDEX)index, name) ? 0 : PS_EINVAL;
}
