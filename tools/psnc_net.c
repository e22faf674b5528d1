/* psnc's network side: resolving, connecting, listening, accepting, probing (-z). */
#include "psnc.h"

#include <stdio.h>
#include <string.h>

#define MAX_ADDRS 16

/* Resolves host / port into at most max addresses; returns the count or an exit code as a
 * negative number. */
static int resolve(const struct options *o, const char *host, const char *port, int flags,
                   ps_addr *addrs, size_t max)
{
    ps_addrinfo *res, *ai;
    int n = 0;
    char what[300];
    int rc =
        ps_getaddrinfo(host, port, o->family, o->udp ? PS_SOCK_DGRAM : PS_SOCK_STREAM, flags, &res);
    if (rc < 0) {
        snprintf(what, sizeof what, "%s port %s", host ? host : "*", port);
        return -psnc_fail(what, rc);
    }
    for (ai = res; ai && (size_t)n < max; ai = ai->next)
        addrs[n++] = ai->addr;
    ps_freeaddrinfo(res);
    return n;
}

/* A failure of -U: where the system has no Unix sockets, says so in those words. */
static int unix_fail(const char *path, int rc)
{
    if (rc == PS_EAFNOSUPPORT || rc == PS_ENOTSUP) {
        fprintf(stderr, "psnc: -U: this system has no Unix sockets (%s)\n", ps_errname(rc));
        return EXIT_CONN;
    }
    return psnc_fail(path, rc);
}

/* The address of a Unix socket at path; an exit code on failure. */
static int unix_addr(const char *path, ps_addr *out)
{
    char text[1100];
    int rc;
    snprintf(text, sizeof text, "unix:%s", path);
    if ((rc = ps_addr_parse(out, text)) < 0)
        return unix_fail(path, rc);
    return EXIT_OK;
}

/* a with its port replaced: through its text form, which keeps an IPv6 scope. */
static int with_port(const ps_addr *a, unsigned port, ps_addr *out)
{
    char text[128], *host = text, *colon;
    if (ps_addr_format(a, text, sizeof text) < 0 || !(colon = strrchr(text, ':')))
        return PS_EINVAL;
    *colon = '\0';
    if (*host == '[') {
        host++;
        colon[-1] = '\0'; /* the ']' */
    }
    return ps_addr_set(out, host, (uint16_t)port);
}

/* One TCP connect to a; 1 if it is accepted. */
static int probe_one(const struct options *o, const ps_addr *a)
{
    char text[128];
    ps_socket *s;
    int rc;
    psnc_addr_text(a, text, sizeof text);
    if ((rc = ps_socket_open(&s, ps_addr_family(a), PS_SOCK_STREAM, 0)) < 0) {
        psnc_say("%s: %s", text, ps_strerror(rc));
        return 0;
    }
    ps_settimeout(s, o->timeout);
    rc = ps_connect_ex(s, a);
    ps_close(s);
    if (rc == 0) {
        psnc_say("%s open", text);
        return 1;
    }
    /* connect_ex gives the OS's own number (Python's connect_ex); portsock's own negative
     * codes only for what it refused before calling the OS. */
    if (rc > 0)
        rc = ps_error_from_native(rc);
    psnc_say("%s closed: %s (%s)", text, ps_strerror(rc), ps_errname(rc));
    return 0;
}

/* -z: is any of the ports open on any of the host's addresses? */
int psnc_probe(const struct options *o)
{
    ps_addr addrs[MAX_ADDRS], a;
    int i, n, open = 0;
    size_t r;
    unsigned port;
    if (o->nranges == 0) { /* one service name */
        if ((n = resolve(o, o->host, o->port, 0, addrs, MAX_ADDRS)) < 0)
            return -n;
        for (i = 0; i < n && !open; i++)
            open = probe_one(o, &addrs[i]);
        return open ? EXIT_OK : EXIT_CONN;
    }
    /* The host once; each port on each of its addresses. */
    if ((n = resolve(o, o->host, "0", 0, addrs, MAX_ADDRS)) < 0)
        return -n;
    for (r = 0; r < o->nranges; r++) {
        for (port = o->ranges[r].lo; port <= o->ranges[r].hi; port++) {
            int port_open = 0;
            for (i = 0; i < n && !port_open; i++) {
                if (with_port(&addrs[i], port, &a) == 0)
                    port_open = probe_one(o, &a);
            }
            open |= port_open;
        }
    }
    return open ? EXIT_OK : EXIT_CONN;
}

/* -s / -p: the source address, of the family of the first destination. */
static int source_addr(const struct options *o, int family, ps_addr *out)
{
    struct options same = *o;
    int n;
    same.family = family;
    n = resolve(&same, o->source, o->source_port ? o->source_port : "0", PS_AI_PASSIVE, out, 1);
    return n < 0 ? -n : EXIT_OK;
}

static int connect_unix(const struct options *o, ps_socket **out)
{
    ps_addr a;
    int rc;
    if ((rc = unix_addr(o->host, &a)) != EXIT_OK)
        return rc;
    if ((rc = ps_socket_open(out, PS_AF_UNIX, PS_SOCK_STREAM, 0)) < 0)
        return unix_fail(o->host, rc);
    ps_settimeout(*out, o->timeout);
    if ((rc = ps_connect(*out, &a)) < 0) {
        ps_close(*out);
        return psnc_fail(o->host, rc);
    }
    psnc_say("connected to %s", o->host);
    return EXIT_OK;
}

int psnc_connect(const struct options *o, ps_socket **out)
{
    ps_addr addrs[MAX_ADDRS], source;
    char text[128], what[300];
    int rc, n, i, kept = 0, has_source = o->source || o->source_port;
    if (o->unix_path)
        return connect_unix(o, out);
    if ((n = resolve(o, o->host, o->port, 0, addrs, MAX_ADDRS)) < 0)
        return -n;
    snprintf(what, sizeof what, "%s port %s", o->host, o->port);
    if (has_source) {
        if ((rc = source_addr(o, ps_addr_family(&addrs[0]), &source)) != EXIT_OK)
            return rc;
        for (i = 0; i < n; i++) { /* only the destinations of the source's family */
            if (ps_addr_family(&addrs[i]) == ps_addr_family(&source))
                addrs[kept++] = addrs[i];
        }
        n = kept;
    }
    if (!o->udp) {
        rc = ps_create_connection_addrs(out, addrs, (size_t)n, o->timeout,
                                        has_source ? &source : NULL);
        if (rc < 0)
            return psnc_fail(what, rc);
        if (ps_getpeername(*out, &addrs[0]) < 0)
            addrs[0].len = 0;
    } else {
        /* A connected UDP socket: one peer, and a refusal (ICMP port unreachable) shows as an
         * error on a later receive where the system reports it. */
        if ((rc = ps_socket_open(out, ps_addr_family(&addrs[0]), PS_SOCK_DGRAM, 0)) < 0)
            return psnc_fail("socket", rc);
        if ((has_source && (rc = ps_bind(*out, &source)) < 0) ||
            (rc = ps_connect(*out, &addrs[0])) < 0) {
            ps_close(*out);
            return psnc_fail(what, rc);
        }
    }
    psnc_say("connected to %s (%s)", psnc_addr_text(&addrs[0], text, sizeof text),
             o->udp ? "udp" : "tcp");
    return EXIT_OK;
}

/* -l -U: a listening Unix stream socket at o->host. */
static int listen_unix(const struct options *o, ps_socket **listener)
{
    ps_addr a;
    int rc;
    if ((rc = unix_addr(o->host, &a)) != EXIT_OK)
        return rc;
    if ((rc = ps_socket_open(listener, PS_AF_UNIX, PS_SOCK_STREAM, 0)) < 0)
        return unix_fail(o->host, rc);
    if ((rc = ps_bind(*listener, &a)) < 0 ||
        (rc = ps_listen(*listener, o->keep ? PS_BACKLOG_DEFAULT : 1)) < 0) {
        ps_close(*listener);
        return psnc_fail(o->host, rc);
    }
    fprintf(stderr, "psnc: listening on %s (unix)\n", o->host);
    fflush(stderr);
    return EXIT_OK;
}

int psnc_listen(const struct options *o, ps_socket **listener)
{
    ps_addr addr, local;
    char text[128];
    int rc, n;
    if (o->unix_path)
        return listen_unix(o, listener);
    if ((n = resolve(o, o->host, o->port, PS_AI_PASSIVE, &addr, 1)) < 0)
        return -n;
    if (!o->udp) {
        rc = ps_create_server(listener, &addr, o->keep ? PS_BACKLOG_DEFAULT : 1, 0);
        if (rc < 0)
            return psnc_fail(psnc_addr_text(&addr, text, sizeof text), rc);
    } else {
        if ((rc = ps_socket_open(listener, ps_addr_family(&addr), PS_SOCK_DGRAM, 0)) < 0)
            return psnc_fail("socket", rc);
        if ((rc = ps_bind(*listener, &addr)) < 0) {
            ps_close(*listener);
            return psnc_fail(psnc_addr_text(&addr, text, sizeof text), rc);
        }
    }
    if (ps_getsockname(*listener, &local) == 0)
        addr = local;
    /* With port 0 the chosen port is the one thing the user must know. */
    if (o->verbose || strcmp(o->port, "0") == 0)
        fprintf(stderr, "psnc: listening on %s (%s)\n", psnc_addr_text(&addr, text, sizeof text),
                o->udp ? "udp" : "tcp");
    fflush(stderr);
    return EXIT_OK;
}

/* Waits (up to timeout) for a peer: TCP and Unix accept it; UDP takes its first datagram
 * (written to standard output) and connects the listener to its sender, which becomes *out. */
int psnc_accept(const struct options *o, ps_socket *listener, double timeout, ps_socket **out)
{
    ps_addr peer;
    char text[128];
    int rc;
    ps_settimeout(listener, timeout);
    if (!o->udp) {
        if ((rc = ps_accept(listener, out, &peer)) < 0)
            return psnc_fail("accept", rc);
    } else {
        static char buf[PSNC_MAX_DATAGRAM];
        ptrdiff_t got = ps_recvfrom(listener, buf, sizeof buf, 0, &peer);
        if (got < 0)
            return psnc_fail("recvfrom", (int)got);
        if ((rc = ps_connect(listener, &peer)) < 0)
            return psnc_fail("connect to the first sender", rc);
        *out = listener;
        if (got > 0 && (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got || fflush(stdout)))
            return psnc_fail("standard output", PS_EPIPE);
    }
    if (o->unix_path)
        psnc_say("connection on %s", o->host);
    else
        psnc_say("connection from %s", psnc_addr_text(&peer, text, sizeof text));
    return EXIT_OK;
}
