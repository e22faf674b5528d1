/* Socket options: the portable PS_OPT_* ones, the native pass-through, and
 * the exclusive bind of servers. */
#include "win32.h"

#include <limits.h>
#include <string.h>

/* Whether a socket of this family and type has the option at all: the
 * header names the kinds of socket each is for, and every platform
 * answers PS_ENOTSUP for the others. */
static int ps__opt_applies(int family, int type, int opt)
{
    int ip = family == PS_AF_INET || family == PS_AF_INET6;
    switch (opt) {
    case PS_OPT_REUSEPORT: return PS_ENOTSUP; /* Windows has no SO_REUSEPORT */
    case PS_OPT_NODELAY: return ip && type == PS_SOCK_STREAM ? 0 : PS_ENOTSUP;
    case PS_OPT_BROADCAST: return ip && type == PS_SOCK_DGRAM ? 0 : PS_ENOTSUP;
    case PS_OPT_V6ONLY: return family == PS_AF_INET6 ? 0 : PS_ENOTSUP;
    case PS_OPT_PKTINFO: return ip && type == PS_SOCK_DGRAM ? 0 : PS_ENOTSUP;
    default: return 0;
    }
}

/* The level and name of a portable option; PS_EINVAL for an unknown one. */
static int ps__opt_where(int family, int type, int opt, int *level, int *name)
{
    int rc = ps__opt_applies(family, type, opt);
    if (rc < 0)
        return rc;
    *level = SOL_SOCKET;
    switch (opt) {
    case PS_OPT_REUSEADDR: *name = SO_REUSEADDR; return 0;
    case PS_OPT_KEEPALIVE: *name = SO_KEEPALIVE; return 0;
    case PS_OPT_RCVBUF: *name = SO_RCVBUF; return 0;
    case PS_OPT_SNDBUF: *name = SO_SNDBUF; return 0;
    case PS_OPT_BROADCAST: *name = SO_BROADCAST; return 0;
    case PS_OPT_LINGER: *name = SO_LINGER; return 0;
    case PS_OPT_ERROR: *name = SO_ERROR; return 0;
    case PS_OPT_TYPE: *name = SO_TYPE; return 0;
    default: break;
    }
    switch (opt) {
    case PS_OPT_NODELAY:
        *level = IPPROTO_TCP;
        *name = TCP_NODELAY;
        return 0;
    case PS_OPT_V6ONLY:
        *level = IPPROTO_IPV6;
        *name = IPV6_V6ONLY;
        return 0;
    case PS_OPT_PKTINFO:
        *level = family == PS_AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
        *name = family == PS_AF_INET6 ? IPV6_PKTINFO : IP_PKTINFO;
        return 0;
    default: return PS_EINVAL;
    }
}

/* A portable option that Winsock has no such option for on this socket is
 * one the socket cannot honour. */
static int ps__opt_error(void)
{
    int err = WSAGetLastError();
    return err == WSAENOPROTOOPT ? PS_ENOTSUP : ps__sys_error_from_native(err);
}

int ps__sys_setopt(ps_native h, int family, int type, int opt, int value)
{
    int level, name, rc;
    const char *v;
    int len;
    int i = value;
    DWORD d = value != 0;
    struct linger lg;
    rc = ps__opt_where(family, type, opt, &level, &name);
    if (rc < 0)
        return rc;
    switch (opt) {
    case PS_OPT_ERROR:
    case PS_OPT_TYPE: return PS_EINVAL; /* read only */
    case PS_OPT_LINGER:
        /* l_linger is a u_short: up to 65535 seconds. */
        if (value < -1 || value > 0xffff)
            return PS_EINVAL;
        lg.l_onoff = (u_short)(value >= 0);
        lg.l_linger = (u_short)(value >= 0 ? value : 0);
        v = (const char *)&lg;
        len = (int)sizeof lg;
        break;
    case PS_OPT_RCVBUF:
    case PS_OPT_SNDBUF:
        if (value <= 0)
            return PS_EINVAL;
        v = (const char *)&i;
        len = (int)sizeof i;
        break;
    default:
        /* Yes/no options are BOOL / DWORD in Winsock. */
        v = (const char *)&d;
        len = (int)sizeof d;
        break;
    }
    if (setsockopt(PS__SOCK(h), level, name, v, len) == SOCKET_ERROR)
        return ps__opt_error();
    /* A dual-stack IPv6 socket reports the destination of an IPv4
     * datagram only with IP_PKTINFO on as well (Linux reports it as an
     * IPv4-mapped IPV6_PKTINFO). Best effort: a V6ONLY socket needs none. */
    if (opt == PS_OPT_PKTINFO && family == PS_AF_INET6)
        setsockopt(PS__SOCK(h), IPPROTO_IP, IP_PKTINFO, v, len);
    return 0;
}

int ps__sys_getopt(ps_native h, int family, int type, int opt, int *value)
{
    int level, name, rc, len;
    /* Zeroed first: Wine writes a single byte for yes/no options where
     * Windows writes four (wine.md). */
    union {
        int i;
        DWORD d;
        struct linger lg;
    } u;
    rc = ps__opt_where(family, type, opt, &level, &name);
    if (rc < 0)
        return rc;
    memset(&u, 0, sizeof u);
    len = opt == PS_OPT_LINGER ? (int)sizeof u.lg : (int)sizeof u.i;
    if (getsockopt(PS__SOCK(h), level, name, (char *)&u, &len) == SOCKET_ERROR)
        return ps__opt_error();
    switch (opt) {
    case PS_OPT_LINGER: *value = u.lg.l_onoff ? (int)u.lg.l_linger : -1; break;
    case PS_OPT_RCVBUF:
    case PS_OPT_SNDBUF: *value = u.i; break;
    case PS_OPT_ERROR: *value = ps__sys_error_from_native(u.i); break;
    case PS_OPT_TYPE:
        rc = ps__win_type_from_native(u.i);
        if (rc < 0)
            return rc;
        *value = rc;
        break;
    default: *value = u.i != 0; break;
    }
    return 0;
}

int ps__sys_setsockopt_native(ps_native h, int level, int name, const void *v, size_t len)
{
    if (len > (size_t)INT_MAX)
        return PS_EINVAL;
    if (setsockopt(PS__SOCK(h), level, name, (const char *)v, (int)len) == SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}

int ps__sys_getsockopt_native(ps_native h, int level, int name, void *v, size_t *len)
{
    int n = *len > (size_t)INT_MAX ? INT_MAX : (int)*len;
    if (getsockopt(PS__SOCK(h), level, name, (char *)v, &n) == SOCKET_ERROR)
        return ps__win_last_error();
    *len = (size_t)n;
    return 0;
}

int ps__sys_server_prepare(ps_native h, int exclusive)
{
    /* Windows' SO_REUSEADDR is not the POSIX one: it lets a socket bind a
     * port that another one, even another process's listener, holds, and
     * take over its connections. A plain bind on Windows already goes past
     * connections in TIME_WAIT, so a restarted server needs no option to
     * bind; SO_EXCLUSIVEADDRUSE keeps everybody else off the port. (Its
     * price, per the Windows documentation: the port may stay unbindable
     * while connections an earlier holder accepted are still closing.) */
    BOOL on = TRUE;
    if (!exclusive)
        return 0;
    if (setsockopt(PS__SOCK(h), SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on, sizeof on) ==
        SOCKET_ERROR)
        return ps__win_last_error();
    return 0;
}
