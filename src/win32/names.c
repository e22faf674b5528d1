/* Name resolution: getaddrinfo / getnameinfo / gethostname, with Winsock's
 * results turned into portsock's own list and codes. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

/* getaddrinfo and getnameinfo return their error (the EAI_... names are
 * WSA codes on Windows). The resolver's own meanings first; the rest as any
 * other WSA code. */
static int ps__eai_error(int err)
{
    switch (err) {
    case WSAHOST_NOT_FOUND: return PS_EAI_NONAME;
    case WSANO_DATA: return PS_EAI_NONAME;
    case WSATRY_AGAIN: return PS_EAI_AGAIN;
    case WSANO_RECOVERY: return PS_EAI_FAIL;
    case WSATYPE_NOT_FOUND: return PS_EAI_SERVICE;
    case WSAEAFNOSUPPORT: return PS_EAI_FAMILY;
    case WSAESOCKTNOSUPPORT: return PS_EAI_SOCKTYPE;
    case WSA_NOT_ENOUGH_MEMORY: return PS_ENOMEM;
    case WSAEINVAL: return PS_EINVAL;
    /* Wine hands on host resolver codes it has no Windows name for:
     * glibc's EAI_ADDRFAMILY (the host has no address of the family asked
     * for), which POSIX reports as PS_EAI_NONAME too. Windows itself never
     * returns a negative code. */
    case -9: return PS_EAI_NONAME;
    default: return ps__sys_error_from_native(err);
    }
}

static int ps__ai_flags(int flags)
{
    int native = 0;
    if (flags & PS_AI_PASSIVE)
        native |= AI_PASSIVE;
    if (flags & PS_AI_CANONNAME)
        native |= AI_CANONNAME;
    if (flags & PS_AI_NUMERICHOST)
        native |= AI_NUMERICHOST;
    if (flags & PS_AI_NUMERICSERV)
        native |= AI_NUMERICSERV;
    return native;
}

/* Appends one portable node for ai with the given PS_SOCK_* type (0 for
 * any) and protocol at *tail. */
static int ps__append(ps_addrinfo ***tail, const struct addrinfo *ai, int family, int type,
                      int protocol)
{
    ps_addrinfo *node = (ps_addrinfo *)ps__calloc(1, sizeof *node);
    if (!node)
        return PS_ENOMEM;
    node->family = family;
    node->type = type;
    node->protocol = protocol;
    memcpy(node->addr.storage.bytes, ai->ai_addr, ai->ai_addrlen);
    node->addr.len = (uint32_t)ai->ai_addrlen;
    **tail = node;
    *tail = &node->next;
    return 0;
}

/* Winsock's list -> portsock's, built at *res (which the core frees on
 * failure). Entries of families or types portsock does not know are left
 * out. */
static int ps__convert(const struct addrinfo *list, ps_addrinfo **res)
{
    ps_addrinfo **tail = res;
    const struct addrinfo *ai;
    int rc = 0;
    for (ai = list; ai && rc == 0; ai = ai->ai_next) {
        int family = ps__win_family_from_native(ai->ai_family);
        int type = ai->ai_socktype == 0 ? 0 : ps__win_type_from_native(ai->ai_socktype);
        if (family < 0 || type < 0 || !ai->ai_addr || ai->ai_addrlen == 0 ||
            ai->ai_addrlen > sizeof(*res)->addr.storage)
            continue;
        if (type != 0) {
            /* Winsock leaves the protocol 0 where POSIX names it. */
            int protocol = ai->ai_protocol;
            if (protocol == 0 && family != PS_AF_UNIX)
                protocol = type == PS_SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
            rc = ps__append(&tail, ai, family, type, protocol);
        } else {
            /* Asked for any type, Winsock gives one entry of type 0 per
             * address, which no socket can be created with. POSIX resolvers
             * give one per type, stream first: so does portsock. */
            rc = ps__append(&tail, ai, family, PS_SOCK_STREAM, IPPROTO_TCP);
            if (rc == 0)
                rc = ps__append(&tail, ai, family, PS_SOCK_DGRAM, IPPROTO_UDP);
        }
    }
    if (rc == 0 && !*res)
        rc = PS_EAI_NONAME; /* nothing portsock could use */
    if (rc == 0 && list->ai_canonname) {
        (*res)->canonname = ps__strdup(list->ai_canonname);
        if (!(*res)->canonname)
            rc = PS_ENOMEM;
    }
    return rc;
}

int ps__sys_getaddrinfo(const char *host, const char *service, int family, int type, int flags,
                        ps_addrinfo **res)
{
    struct addrinfo hints, *list = NULL;
    int rc = ps__win_start();
    if (rc < 0)
        return rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family == PS_AF_UNSPEC ? AF_UNSPEC : ps__win_family_to_native(family);
    hints.ai_socktype = type == 0 ? 0 : ps__win_type_to_native(type);
    hints.ai_flags = ps__ai_flags(flags);
    if (hints.ai_family < 0 || hints.ai_socktype < 0)
        return hints.ai_family < 0 ? PS_EAI_FAMILY : PS_EAI_SOCKTYPE;
    /* Windows resolves "" to the machine's own addresses; POSIX resolvers
     * know no such name. */
    if (host && host[0] == '\0')
        return PS_EAI_NONAME;
    rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0)
        return ps__eai_error(rc);
    rc = ps__convert(list, res);
    freeaddrinfo(list);
    return rc;
}

static int ps__ni_flags(int flags)
{
    int native = 0;
    if (flags & PS_NI_NUMERICHOST)
        native |= NI_NUMERICHOST;
    if (flags & PS_NI_NUMERICSERV)
        native |= NI_NUMERICSERV;
    if (flags & PS_NI_NAMEREQD)
        native |= NI_NAMEREQD;
    if (flags & PS_NI_DGRAM)
        native |= NI_DGRAM;
    return native;
}

/* Copies a result of getnameinfo into the caller's buffer. */
static int ps__copy_name(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);
    if (len >= size)
        return PS_ENOBUFS;
    memcpy(dst, src, len + 1);
    return 0;
}

int ps__sys_getnameinfo(const ps_addr *a, char *host, size_t hostlen, char *serv, size_t servlen,
                        int flags)
{
    /* Results go to buffers of the maximal sizes first: what getnameinfo
     * does with too small a buffer varies (Windows documents no code for
     * it; Wine returns glibc's raw EAI_OVERFLOW, -12), and portsock
     * promises PS_ENOBUFS. */
    char h[NI_MAXHOST], s[NI_MAXSERV];
    int rc;
    /* No name is that long; refused as on POSIX, whose lengths are
     * socklen_t. */
    if (hostlen > 0xffffu || servlen > 0xffffu)
        return PS_EINVAL;
    rc = ps__win_start();
    if (rc < 0)
        return rc;
    h[0] = s[0] = '\0';
    rc = getnameinfo((const struct sockaddr *)a->storage.bytes, (socklen_t)a->len,
                     hostlen ? h : NULL, hostlen ? (DWORD)sizeof h : 0, servlen ? s : NULL,
                     servlen ? (DWORD)sizeof s : 0, ps__ni_flags(flags));
    if (rc != 0)
        return ps__eai_error(rc);
    if (hostlen && (rc = ps__copy_name(host, hostlen, h)) < 0)
        return rc;
    if (servlen && (rc = ps__copy_name(serv, servlen, s)) < 0)
        return rc;
    return 0;
}

int ps__sys_gethostname(char *buf, size_t size)
{
    /* 256 bytes hold any host name gethostname returns (its documented
     * maximum). Through this buffer, a caller's buffer that is too small is
     * PS_ENOBUFS, not Winsock's vaguer WSAEFAULT. */
    char name[257];
    size_t len;
    int rc = ps__win_start();
    if (rc < 0)
        return rc;
    if (gethostname(name, (int)sizeof name) == SOCKET_ERROR)
        return ps__win_last_error();
    name[sizeof name - 1] = '\0';
    len = strlen(name);
    if (len >= size)
        return PS_ENOBUFS;
    memcpy(buf, name, len + 1);
    return 0;
}
