/*
 * echo_client [ADDRESS] [LINE...]
 *
 * The seed's simple client: connects to ADDRESS (by default 127.0.0.1:10000;
 * a name such as localhost:10000 is resolved),
 * sends each LINE with a newline (or, with no LINE, each line of standard
 * input), and prints what comes back as it arrives.
 */
#include "portsock.h"

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

/* A server that stops answering should not hang the client forever. */
#define REPLY_TIMEOUT_SECONDS 10.0

static int fail(const char *what, int err)
{
    fprintf(stderr, "echo_client: %s: %s (%s)\n", what, ps_strerror(err), ps_errname(err));
    return 1;
}

/* Sends len bytes, then prints replies until as many bytes came back. */
static int exchange(ps_socket *s, const char *data, size_t len)
{
    char buf[16384];
    size_t received = 0;
    int rc = ps_sendall(s, data, len, 0, NULL);
    if (rc < 0)
        return fail("send", rc);
    while (received < len) {
        ptrdiff_t n = ps_recv(s, buf, sizeof buf, 0);
        if (n == 0) {
            fprintf(stderr, "echo_client: server closed the connection early\n");
            return 1;
        }
        if (n < 0)
            return fail("recv", (int)n);
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
        received += (size_t)n;
    }
    return 0;
}

static int send_arguments(ps_socket *s, int argc, char **argv)
{
    char line[4096];
    int i;
    for (i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (len + 1 >= sizeof line) {
            fprintf(stderr, "echo_client: line %d is too long\n", i + 1);
            return 1;
        }
        memcpy(line, argv[i], len);
        line[len] = '\n';
        if (exchange(s, line, len + 1) != 0)
            return 1;
    }
    return 0;
}

static int send_stdin(ps_socket *s)
{
    char line[4096];
    /* A line longer than the buffer goes out in pieces: nothing is lost. */
    while (fgets(line, sizeof line, stdin)) {
        if (exchange(s, line, strlen(line)) != 0)
            return 1;
    }
    return 0;
}

/* ADDRESS is numeric ("127.0.0.1:10000", "[::1]:10000") or HOST:PORT with a
 * name ("localhost:10000"), which is resolved and tried address by address. */
static int connect_to(ps_socket **s, const char *text)
{
    char host[256];
    const char *colon;
    ps_addr addr;
    if (ps_addr_parse(&addr, text) == 0)
        return ps_create_connection_addrs(s, &addr, 1, REPLY_TIMEOUT_SECONDS, NULL);
    colon = strrchr(text, ':');
    if (!colon || (size_t)(colon - text) >= sizeof host)
        return PS_EINVAL;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    return ps_create_connection(s, host, colon + 1, REPLY_TIMEOUT_SECONDS, NULL);
}

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "127.0.0.1:10000";
    ps_socket *s;
    char rest[256];
    int rc, status;

#ifdef _WIN32
    /* The same bytes on every platform: no CRLF translation. */
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
#endif
    if ((rc = connect_to(&s, text)) < 0)
        return fail(text, rc);
    status = argc > 2 ? send_arguments(s, argc - 2, argv + 2) : send_stdin(s);
    /* Half-close, so the server sees the end, then wait for its close. */
    if (status == 0 && (rc = ps_shutdown(s, PS_SHUT_WR)) < 0)
        status = fail("shutdown", rc);
    if (status == 0 && (rc = (int)ps_recv(s, rest, sizeof rest, 0)) != 0)
        status = rc < 0 ? fail("recv", rc) : (fprintf(stderr, "echo_client: unexpected data\n"), 1);
    ps_close(s);
    return status;
}
