/* Python's create_connection() and create_server(): the usual sequences of
 * calls, with the platform's safe choices made once. */
#include "core.h"

/* Which failure ps_create_connection reports. CPython 3.11 raises the last
 * attempt's error; so does portsock among the attempts that got as far as
 * connect. A failed bind or socket (a family the machine lacks) is reported
 * only when no attempt reached connect: "connection refused" from the IPv4
 * address says more about the target than "no IPv6 here" from the one
 * tried after it. */
enum { PS__RANK_CONNECT, PS__RANK_BIND, PS__RANK_SOCKET, PS__RANK_NONE };

typedef struct ps__attempts {
    int error, rank;
} ps__attempts;

static int ps__try_address(ps_socket **out, const ps_addr *a, double timeout, const ps_addr *source,
                           ps__attempts *tried)
{
    ps_socket *s;
    int rank = PS__RANK_SOCKET;
    int rc = ps_socket_open(&s, ps_addr_family(a), PS_SOCK_STREAM, 0);
    if (rc == 0) {
        rc = ps_settimeout(s, timeout);
        if (rc == 0 && source) {
            rank = PS__RANK_BIND;
            rc = ps_bind(s, source);
        }
        if (rc == 0) {
            rank = PS__RANK_CONNECT;
            rc = ps_connect(s, a);
        }
        if (rc == 0) {
            *out = s;
            return 0;
        }
        ps_close(s);
    }
    if (rank <= tried->rank) {
        tried->error = rc;
        tried->rank = rank;
    }
    return rc;
}

int ps_create_connection_addrs(ps_socket **out, const ps_addr *addrs, size_t n, double timeout,
                               const ps_addr *source)
{
    ps__attempts tried = {PS_EINVAL, PS__RANK_NONE};
    size_t i;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (timeout == PS_TIMEOUT_DEFAULT)
        timeout = ps_getdefaulttimeout();
    if (!addrs || n == 0 || !ps__timeout_valid(timeout))
        return PS_EINVAL;
    for (i = 0; i < n; i++) {
        if (ps_addr_family(&addrs[i]) < 0)
            return PS_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (ps__try_address(out, &addrs[i], timeout, source, &tried) == 0)
            return 0;
    }
    return tried.error;
}

int ps_create_connection(ps_socket **out, const char *host, const char *port, double timeout,
                         const ps_addr *source)
{
    ps__attempts tried = {PS_EINVAL, PS__RANK_NONE};
    ps_addrinfo *res, *ai;
    int rc;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (timeout == PS_TIMEOUT_DEFAULT)
        timeout = ps_getdefaulttimeout();
    if (!host || !port || !ps__timeout_valid(timeout))
        return PS_EINVAL;
    rc = ps_getaddrinfo(host, port, PS_AF_UNSPEC, PS_SOCK_STREAM, 0, &res);
    if (rc < 0)
        return rc;
    /* Every address, in the resolver's order: no cap. */
    for (ai = res; ai; ai = ai->next) {
        if (ps__try_address(out, &ai->addr, timeout, source, &tried) == 0)
            break;
    }
    ps_freeaddrinfo(res);
    return *out ? 0 : tried.error;
}

int ps_create_server(ps_socket **out, const ps_addr *a, int backlog, int flags)
{
    ps_socket *s;
    int family, rc;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    family = ps_addr_family(a);
    if (family < 0 ||
        (flags & ~(PS_SERVER_DUALSTACK | PS_SERVER_REUSE_PORT | PS_SERVER_NOT_EXCLUSIVE)))
        return PS_EINVAL;
    if ((flags & PS_SERVER_DUALSTACK) && family != PS_AF_INET6)
        return PS_EINVAL;
    if ((rc = ps_socket_open(&s, family, PS_SOCK_STREAM, 0)) < 0)
        return rc;
    if (family != PS_AF_UNIX)
        rc = ps__sys_server_prepare(s->h, !(flags & PS_SERVER_NOT_EXCLUSIVE));
    if (rc == 0 && (flags & PS_SERVER_REUSE_PORT))
        rc = ps_setopt(s, PS_OPT_REUSEPORT, 1);
    if (rc == 0 && family == PS_AF_INET6)
        rc = ps_setopt(s, PS_OPT_V6ONLY, !(flags & PS_SERVER_DUALSTACK));
    if (rc == 0 && (rc = ps_bind(s, a)) == 0)
        rc = ps_listen(s, backlog);
    if (rc < 0) {
        ps_close(s);
        return rc;
    }
    *out = s;
    return 0;
}
