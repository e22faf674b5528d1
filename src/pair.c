/* ps_socketpair: the system's AF_UNIX pairs, or two loopback sockets
 * connected to each other, written once here for every platform. */
#include "core.h"

#include <string.h>

/* How long the loopback emulation may take before it gives up, and how many
 * strangers' connections it turns away before it stops trying. */
#define PS__PAIR_TIMEOUT 10.0
#define PS__PAIR_MAX_STRANGERS 16

static int ps__same_addr(const ps_addr *a, const ps_addr *b)
{
    return a->len == b->len && memcmp(a->storage.bytes, b->storage.bytes, a->len) == 0;
}

static int ps__loopback(ps_addr *out, int family)
{
    return ps_addr_set(out, family == PS_AF_INET6 ? "::1" : "127.0.0.1", 0);
}

/* Accepts on listener until the connection from `client` arrives. Anyone
 * else who connected to the listener first is turned away: the pair must be
 * exactly the two sockets made here (a local process must not be able to
 * slip into the pair). */
static int ps__accept_own(ps_socket *listener, ps_socket *client, ps_socket **server)
{
    ps_addr mine, peer, theirs;
    int tries, rc = ps_getsockname(client, &mine);
    if (rc < 0)
        return rc;
    for (tries = 0; tries <= PS__PAIR_MAX_STRANGERS; tries++) {
        if ((rc = ps_accept(listener, server, &peer)) < 0)
            return rc;
        if (ps__same_addr(&peer, &mine) && ps_getpeername(client, &theirs) == 0 &&
            ps_getsockname(*server, &peer) == 0 && ps__same_addr(&peer, &theirs))
            return 0;
        ps_close(*server);
        *server = NULL;
    }
    return PS_ECONNABORTED;
}

static int ps__pair_stream(ps_socket *pair[2], int family)
{
    ps_socket *listener = NULL;
    ps_addr addr;
    int rc = ps__loopback(&addr, family);
    if (rc == 0)
        rc = ps_socket_open(&listener, family, PS_SOCK_STREAM, 0);
    if (rc == 0 && (rc = ps_settimeout(listener, PS__PAIR_TIMEOUT)) == 0 &&
        (rc = ps_bind(listener, &addr)) == 0 && (rc = ps_listen(listener, 1)) == 0 &&
        (rc = ps_getsockname(listener, &addr)) == 0)
        rc = ps_socket_open(&pair[0], family, PS_SOCK_STREAM, 0);
    if (rc == 0) {
        /* The listener queues the connection: no second thread is needed. */
        double timeout = ps_gettimeout(pair[0]);
        if ((rc = ps_settimeout(pair[0], PS__PAIR_TIMEOUT)) == 0 &&
            (rc = ps_connect(pair[0], &addr)) == 0 &&
            (rc = ps__accept_own(listener, pair[0], &pair[1])) == 0)
            rc = ps_settimeout(pair[0], timeout);
    }
    if (listener)
        ps_close(listener);
    return rc;
}

/* Datagram sockets connected to each other take datagrams from nobody else. */
static int ps__pair_dgram(ps_socket *pair[2], int family)
{
    ps_addr a0, a1;
    int rc = ps__loopback(&a0, family);
    if (rc == 0)
        a1 = a0;
    if (rc == 0 && (rc = ps_socket_open(&pair[0], family, PS_SOCK_DGRAM, 0)) == 0)
        rc = ps_socket_open(&pair[1], family, PS_SOCK_DGRAM, 0);
    if (rc == 0 && (rc = ps_bind(pair[0], &a0)) == 0 && (rc = ps_bind(pair[1], &a1)) == 0 &&
        (rc = ps_getsockname(pair[0], &a0)) == 0 && (rc = ps_getsockname(pair[1], &a1)) == 0 &&
        (rc = ps_connect(pair[0], &a1)) == 0)
        rc = ps_connect(pair[1], &a0);
    return rc;
}

static int ps__pair_loopback(ps_socket *pair[2], int family, int type)
{
    int rc = type == PS_SOCK_STREAM ? ps__pair_stream(pair, family) : ps__pair_dgram(pair, family);
    if (rc < 0) {
        ps_close(pair[0]);
        ps_close(pair[1]);
        pair[0] = pair[1] = NULL;
    }
    return rc;
}

static int ps__pair_unix(ps_socket *pair[2], int type)
{
    double timeout = ps_getdefaulttimeout();
    ps_native h[2];
    int i, rc = ps__diag_unix_pair_fails() ? PS_ENAMETOOLONG
                                           : ps__sys_socketpair(h, type, timeout == 0.0);
    if (rc < 0)
        return rc;
    for (i = 0; i < 2; i++) {
        rc = ps__socket_wrap(&pair[i], h[i], PS_AF_UNIX, type,
                             timeout == 0.0 ? 0.0 : PS_TIMEOUT_NONE);
        if (rc < 0) {
            ps__sys_close(h[i]);
            if (i == 0)
                ps__sys_close(h[1]);
            break;
        }
        if (timeout > 0.0 && (rc = ps__apply_timeout(pair[i], PS_TIMEOUT_NONE, timeout)) < 0) {
            if (i == 0)
                ps__sys_close(h[1]);
            break;
        }
    }
    if (rc < 0) {
        ps_close(pair[0]);
        ps_close(pair[1]);
        pair[0] = pair[1] = NULL;
    }
    return rc;
}

int ps_socketpair(ps_socket *pair[2], int family, int type)
{
    int rc;
    if (!pair)
        return PS_EINVAL;
    pair[0] = pair[1] = NULL;
    if (type != PS_SOCK_STREAM && type != PS_SOCK_DGRAM)
        return PS_EINVAL;
    switch (family) {
    case PS_AF_UNIX: return ps__pair_unix(pair, type);
    case PS_AF_INET:
    case PS_AF_INET6: return ps__pair_loopback(pair, family, type);
    case PS_AF_UNSPEC:
        /* Any AF_UNIX failure falls back, not only a missing family: on
         * Windows the pair needs a path in the temporary folder, which a
         * user name outside ASCII or a long path makes impossible
         * (sun_path is narrow), and a folder may refuse sockets. */
        rc = ps__pair_unix(pair, type);
        if (rc < 0)
            rc = ps__pair_loopback(pair, PS_AF_INET, type);
        if (rc == PS_EAFNOSUPPORT || rc == PS_EADDRNOTAVAIL)
            rc = ps__pair_loopback(pair, PS_AF_INET6, type);
        return rc;
    default: return PS_EINVAL; /* no PS_AF_... constant */
    }
}
