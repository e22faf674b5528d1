/*
 * The program of the consumer tests: what a project that picked up an
 * installed portsock (find_package, pkg-config or FetchContent) builds
 * first. One process, no threads: a server on 127.0.0.1 (port chosen by
 * the system), a client that connects to it, one message each way.
 * Exits 0 when both arrive intact and the library is the header's version.
 */
#include <portsock.h>

#include <stdio.h>
#include <string.h>

static int check(const char *what, int rc)
{
    if (rc < 0)
        fprintf(stderr, "roundtrip: %s: %s (%s)\n", what, ps_strerror(rc), ps_errname(rc));
    return rc < 0;
}

/* Receives exactly len bytes (the data may arrive in pieces). */
static int recv_exact(ps_socket *s, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ptrdiff_t n = ps_recv(s, buf + got, len - got, 0);
        if (n <= 0)
            return n < 0 ? (int)n : PS_ECONNRESET;
        got += (size_t)n;
    }
    return 0;
}

int main(void)
{
    static const char ping[] = "ping from the client", pong[] = "pong from the server";
    char version[32], buf[64], where[64] = "?";
    ps_socket *server = NULL, *client = NULL, *conn = NULL;
    ps_addr addr;
    int failed;

    snprintf(version, sizeof version, "%d.%d.%d", PS_VERSION_MAJOR, PS_VERSION_MINOR,
             PS_VERSION_PATCH);
    if (strcmp(version, ps_version()) != 0) {
        fprintf(stderr, "roundtrip: header %s, library %s\n", version, ps_version());
        return 1;
    }
    ps_setdefaulttimeout(10.0); /* a broken build fails instead of hanging */
    failed = check("address", ps_addr_parse(&addr, "127.0.0.1:0")) ||
             check("create_server", ps_create_server(&server, &addr, 1, 0)) ||
             check("getsockname", ps_getsockname(server, &addr)) ||
             check("create_connection_addrs",
                   ps_create_connection_addrs(&client, &addr, 1, PS_TIMEOUT_DEFAULT, NULL)) ||
             check("accept", ps_accept(server, &conn, NULL)) ||
             check("client send", ps_sendall(client, ping, sizeof ping, 0, NULL)) ||
             check("server recv", recv_exact(conn, buf, sizeof ping)) ||
             (memcmp(buf, ping, sizeof ping) != 0 && check("server recv", PS_EINVAL)) ||
             check("server send", ps_sendall(conn, pong, sizeof pong, 0, NULL)) ||
             check("client recv", recv_exact(client, buf, sizeof pong)) ||
             (memcmp(buf, pong, sizeof pong) != 0 && check("client recv", PS_EINVAL));
    ps_addr_format(&addr, where, sizeof where);
    if (conn)
        ps_close(conn);
    if (client)
        ps_close(client);
    if (server)
        ps_close(server);
    if (failed)
        return 1;
    printf("roundtrip ok: portsock %s, %s, %u bytes each way\n", ps_version(), where,
           (unsigned)sizeof ping);
    return 0;
}
