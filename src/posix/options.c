/* Portable options mapped to setsockopt levels and names. */
#include "posix.h"

#include <netinet/tcp.h>
#include <string.h>

/* Where one option lives; level -1 when this platform has none. */
typedef struct ps__optname {
    int level, name;
} ps__optname;

static ps__optname ps__opt_lookup(int family, int opt)
{
    ps__optname o = {-1, 0};
    switch (opt) {
    case PS_OPT_REUSEADDR:
        o.level = SOL_SOCKET;
        o.name = SO_REUSEADDR;
        break;
#ifdef SO_REUSEPORT
    case PS_OPT_REUSEPORT:
        o.level = SOL_SOCKET;
        o.name = SO_REUSEPORT;
        break;
#endif
    case PS_OPT_KEEPALIVE:
        o.level = SOL_SOCKET;
        o.name = SO_KEEPALIVE;
        break;
    case PS_OPT_NODELAY:
        o.level = IPPROTO_TCP;
        o.name = TCP_NODELAY;
        break;
    case PS_OPT_RCVBUF:
        o.level = SOL_SOCKET;
        o.name = SO_RCVBUF;
        break;
    case PS_OPT_SNDBUF:
        o.level = SOL_SOCKET;
        o.name = SO_SNDBUF;
        break;
    case PS_OPT_BROADCAST:
        o.level = SOL_SOCKET;
        o.name = SO_BROADCAST;
        break;
    case PS_OPT_V6ONLY:
        o.level = IPPROTO_IPV6;
        o.name = IPV6_V6ONLY;
        break;
    case PS_OPT_PKTINFO:
        if (family == PS_AF_INET6) {
#ifdef IPV6_RECVPKTINFO
            o.level = IPPROTO_IPV6;
            o.name = IPV6_RECVPKTINFO;
#endif
        } else {
#ifdef IP_PKTINFO
            o.level = IPPROTO_IP;
            o.name = IP_PKTINFO;
#endif
        }
        break;
    default: break;
    }
    return o;
}

/* An option the protocol does not know is one portsock cannot honour. */
static int ps__unsupported_if_unknown(int rc)
{
    return rc == PS_ENOPROTOOPT ? PS_ENOTSUP : rc;
}

int ps__sys_setopt(ps_native h, int family, int type, int opt, int value)
{
    ps__optname o;
    (void)type;
    if (opt == PS_OPT_LINGER) {
        struct linger l;
        l.l_onoff = value >= 0;
        l.l_linger = value >= 0 ? value : 0;
        return ps__unsupported_if_unknown(
            ps__sys_setsockopt_native(h, SOL_SOCKET, SO_LINGER, &l, sizeof l));
    }
    o = ps__opt_lookup(family, opt);
    if (o.level < 0)
        return PS_ENOTSUP;
    return ps__unsupported_if_unknown(
        ps__sys_setsockopt_native(h, o.level, o.name, &value, sizeof value));
}

int ps__sys_getopt(ps_native h, int family, int type, int opt, int *value)
{
    ps__optname o;
    size_t len;
    int v = 0, rc;
    (void)type;
    if (opt == PS_OPT_LINGER) {
        struct linger l;
        len = sizeof l;
        memset(&l, 0, sizeof l);
        rc = ps__sys_getsockopt_native(h, SOL_SOCKET, SO_LINGER, &l, &len);
        if (rc == 0)
            *value = l.l_onoff ? l.l_linger : -1;
        return rc;
    }
    o = ps__opt_lookup(family, opt);
    if (o.level < 0)
        return PS_ENOTSUP;
    len = sizeof v;
    rc = ps__sys_getsockopt_native(h, o.level, o.name, &v, &len);
    if (rc < 0)
        return ps__unsupported_if_unknown(rc);
    /* Booleans come back as any non-zero value on some systems. */
    *value = (opt == PS_OPT_RCVBUF || opt == PS_OPT_SNDBUF) ? v : v != 0;
    return 0;
}

int ps__sys_setsockopt_native(ps_native h, int level, int name, const void *v, size_t len)
{
    if (setsockopt(h, level, name, v, (socklen_t)len) < 0)
        return ps__posix_error();
    return 0;
}

int ps__sys_getsockopt_native(ps_native h, int level, int name, void *v, size_t *len)
{
    socklen_t n = (socklen_t)*len;
    if (getsockopt(h, level, name, v, &n) < 0)
        return ps__posix_error();
    *len = n;
    return 0;
}

int ps__sys_server_prepare(ps_native h, int exclusive)
{
    /* Lets a restarted server bind while old connections sit in TIME_WAIT;
     * on POSIX it does not let a second listener share the port, so the
     * port is exclusive either way. */
    int on = 1;
    (void)exclusive;
    return ps__sys_setsockopt_native(h, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
}
