/*
 * psnc: a small netcat built on portsock, the same on Linux and on Windows.
 *
 *   psnc [-46ruv] [-w SECONDS] HOST PORT         connect, then relay
 *   psnc -l [-46ruv] [-w SECONDS] [HOST] PORT    wait for one peer, then relay
 *   psnc -z [-46v] [-w SECONDS] HOST PORT        is the TCP port open? (no data)
 *
 *   -l  listen (HOST defaults to 0.0.0.0, or :: with -6; port 0 lets the
 *       system choose, and psnc prints "psnc: listening on ADDRESS")
 *   -u  UDP instead of TCP          -4 / -6  IPv4 / IPv6 only
 *   -w  time limit for connecting, for the peer to arrive, and for silence
 *       in both directions
 *   -z  probe with ps_connect_ex: exit 0 if the port accepts, 1 if not
 *   -r  raw: binary both ways (default: text lines; on Windows CRLF becomes
 *       LF on the wire and LF CRLF on output; UDP sends a datagram per line)
 *   -v  say what happens, on standard error
 *
 * Relay: standard input goes to the peer, the peer's bytes to standard
 * output. At the end of standard input psnc shuts down its sending side
 * (the peer sees EOF), and it ends when the peer has closed its side too.
 * UDP has no end of stream: with -w, a UDP psnc whose input has ended stops
 * after SECONDS of silence; without -w it runs until interrupted. In line
 * mode each UDP datagram carries one line.
 *
 * Exit codes: 0 done, 1 connection failure (refused, reset, unreachable,
 * unknown host, address in use), 2 usage, 3 timeout (-w). With -z: 0 open,
 * 1 closed or no answer.
 *
 * Standard input is no socket on Windows, so it cannot be polled there: a
 * reader thread (on every platform, to keep one code path) copies it into a
 * socket pair, and the main loop polls that pair and the network socket.
 */
#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#else
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <pthread.h>
#include <unistd.h>
#endif

#include "portsock.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_CONN = 1, EXIT_USAGE = 2, EXIT_TIMEOUT = 3 };

/* How long psnc keeps forwarding its input after the peer has closed: data
 * that is already on its way (a redirected file) still goes out, an idle
 * terminal does not keep psnc alive. */
#define INPUT_GRACE_SECONDS 0.5

#define CHUNK 16384
#define MAX_DATAGRAM 65507

struct options {
    int listen, udp, family, probe, raw, verbose;
    double timeout; /* PS_TIMEOUT_NONE without -w */
    const char *host, *port;
};

static int verbose;

static void say(const char *fmt, ...) PS_PRINTF_LIKE(1, 2);
static void say(const char *fmt, ...)
{
    va_list ap;
    if (!verbose)
        return;
    fputs("psnc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Prints "psnc: WHAT: message (ENAME)" and returns the exit code for err. */
static int fail(const char *what, int err)
{
    fprintf(stderr, "psnc: %s: %s (%s)\n", what, ps_strerror(err), ps_errname(err));
    return err == PS_ETIMEDOUT ? EXIT_TIMEOUT : EXIT_CONN;
}

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "psnc: %s\n", why);
    fprintf(stderr, "usage: psnc [-46ruv] [-w SECONDS] HOST PORT\n"
                    "       psnc -l [-46ruv] [-w SECONDS] [HOST] PORT\n"
                    "       psnc -z [-46v] [-w SECONDS] HOST PORT\n");
    return EXIT_USAGE;
}

static const char *addr_text(const ps_addr *a, char *buf, size_t size)
{
    if (ps_addr_format(a, buf, size) < 0)
        snprintf(buf, size, "?");
    return buf;
}

/* ---- arguments ------------------------------------------------------------------------------ */

static int parse_args(int argc, char **argv, struct options *o)
{
    int i, npos = 0;
    const char *pos[2] = {NULL, NULL};
    memset(o, 0, sizeof *o);
    o->family = PS_AF_UNSPEC;
    o->timeout = PS_TIMEOUT_NONE;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (npos == 2)
                return usage("too many arguments");
            pos[npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                if (npos == 2)
                    return usage("too many arguments");
                pos[npos++] = argv[i];
            }
            break;
        }
        for (a++; *a; a++) {
            switch (*a) {
            case 'l': o->listen = 1; break;
            case 'u': o->udp = 1; break;
            case '4': o->family = PS_AF_INET; break;
            case '6': o->family = PS_AF_INET6; break;
            case 'z': o->probe = 1; break;
            case 'r': o->raw = 1; break;
            case 'v': o->verbose = 1; break;
            case 'h': usage(NULL); return -1;
            case 'w': {
                const char *val = a[1] ? a + 1 : (i + 1 < argc ? argv[++i] : NULL);
                char *end;
                if (!val)
                    return usage("-w needs a number of seconds");
                o->timeout = strtod(val, &end);
                if (end == val || *end || !(o->timeout > 0.0) || !isfinite(o->timeout))
                    return usage("-w needs a number of seconds > 0");
                a = val + strlen(val) - 1; /* the value was the rest of the argument */
                break;
            }
            default: {
                char msg[32];
                snprintf(msg, sizeof msg, "unknown option -%c", *a);
                return usage(msg);
            }
            }
        }
    }
    if (o->listen && o->probe)
        return usage("-l and -z do not go together");
    if (o->probe && o->udp)
        return usage("-z probes TCP ports only");
    if (o->listen && npos == 1) {
        o->port = pos[0];
    } else if (npos == 2) {
        o->host = pos[0];
        o->port = pos[1];
    } else {
        return usage(o->listen ? "PORT is missing" : "HOST and PORT are needed");
    }
    if (o->listen && !o->host)
        o->host = o->family == PS_AF_INET6 ? "::" : "0.0.0.0";
    return 0;
}

/* ---- standard input, through a reader thread into a socket pair ----------------------------- */

struct reader {
    ps_socket *out; /* the pair's writing end */
};

/* Reads some bytes of standard input as they come: 0 at EOF or on error. Through the
 * descriptor, not stdio: on Windows a thread blocked in fgets(stdin) holds the stream's lock,
 * and exit() waits for it (a psnc whose peer has gone would hang until the next line). In line
 * mode the descriptor stays in text mode there, so the console's CRLF arrives as LF. */
static size_t read_stdin(char *buf, size_t size)
{
#ifdef _WIN32
    int n = _read(_fileno(stdin), buf, (unsigned)size);
#else
    ssize_t n;
    do
        n = read(STDIN_FILENO, buf, size);
    while (n < 0 && errno == EINTR);
#endif
    return n > 0 ? (size_t)n : 0;
}

static void reader_run(struct reader *r)
{
    static char buf[CHUNK];
    size_t n;
    while ((n = read_stdin(buf, sizeof buf)) > 0) {
        if (ps_sendall(r->out, buf, n, 0, NULL) < 0)
            return; /* the main loop is done with standard input */
    }
    ps_shutdown(r->out, PS_SHUT_WR); /* EOF for the main loop */
}

#ifdef _WIN32
static unsigned __stdcall reader_thread(void *arg)
{
    reader_run(arg);
    return 0;
}

static int start_reader(struct reader *r)
{
    uintptr_t h = _beginthreadex(NULL, 0, reader_thread, r, 0, NULL);
    if (h == 0)
        return -1;
    CloseHandle((HANDLE)h); /* never joined: the process ends with it */
    return 0;
}
#else
static void *reader_thread(void *arg)
{
    reader_run(arg);
    return NULL;
}

static int start_reader(struct reader *r)
{
    pthread_t t;
    if (pthread_create(&t, NULL, reader_thread, r) != 0)
        return -1;
    pthread_detach(t); /* never joined: the process ends with it */
    return 0;
}
#endif

/* ---- connecting and listening --------------------------------------------------------------- */

/* Resolves o->host / o->port into at most max addresses; returns the count or an exit code as
 * a negative number. */
static int resolve(const struct options *o, int flags, ps_addr *addrs, size_t max)
{
    ps_addrinfo *res, *ai;
    int n = 0;
    char what[300];
    int rc = ps_getaddrinfo(o->host, o->port, o->family, o->udp ? PS_SOCK_DGRAM : PS_SOCK_STREAM,
                            flags, &res);
    if (rc < 0) {
        snprintf(what, sizeof what, "%s port %s", o->host, o->port);
        return -fail(what, rc);
    }
    for (ai = res; ai && (size_t)n < max; ai = ai->next)
        addrs[n++] = ai->addr;
    ps_freeaddrinfo(res);
    return n;
}

/* -z: does a TCP connect to any of the host's addresses succeed? */
static int probe(const struct options *o)
{
    ps_addr addrs[16];
    char text[128];
    int i, rc = 0, n = resolve(o, 0, addrs, 16);
    if (n < 0)
        return -n;
    for (i = 0; i < n; i++) {
        ps_socket *s;
        addr_text(&addrs[i], text, sizeof text);
        if ((rc = ps_socket_open(&s, ps_addr_family(&addrs[i]), PS_SOCK_STREAM, 0)) < 0) {
            say("%s: %s", text, ps_strerror(rc));
            continue;
        }
        ps_settimeout(s, o->timeout);
        rc = ps_connect_ex(s, &addrs[i]);
        ps_close(s);
        if (rc == 0) {
            say("%s open", text);
            return EXIT_OK;
        }
        /* connect_ex gives the OS's own number (Python's connect_ex); portsock's own
         * negative codes only for what it refused before calling the OS. */
        if (rc > 0)
            rc = ps_error_from_native(rc);
        say("%s closed: %s (%s)", text, ps_strerror(rc), ps_errname(rc));
    }
    return EXIT_CONN;
}

static int open_client(const struct options *o, ps_socket **out)
{
    ps_addr addrs[16];
    char text[128], what[300];
    int rc, n = resolve(o, 0, addrs, 16);
    if (n < 0)
        return -n;
    snprintf(what, sizeof what, "%s port %s", o->host, o->port);
    if (!o->udp) {
        rc = ps_create_connection_addrs(out, addrs, (size_t)n, o->timeout, NULL);
        if (rc < 0)
            return fail(what, rc);
    } else {
        /* A connected UDP socket: one peer, and a refusal (ICMP port unreachable) shows as
         * an error on a later receive. */
        if ((rc = ps_socket_open(out, ps_addr_family(&addrs[0]), PS_SOCK_DGRAM, 0)) < 0)
            return fail("socket", rc);
        if ((rc = ps_connect(*out, &addrs[0])) < 0) {
            ps_close(*out);
            return fail(what, rc);
        }
    }
    say("connected to %s (%s)", addr_text(&addrs[0], text, sizeof text), o->udp ? "udp" : "tcp");
    return EXIT_OK;
}

/* -l: binds, waits for one peer (TCP: accepts it; UDP: its first datagram, written to
 * standard output), and returns a socket connected to it. */
static int open_server(const struct options *o, ps_socket **out)
{
    ps_addr addr, local, peer;
    ps_socket *s;
    char text[128];
    int rc, n = resolve(o, PS_AI_PASSIVE, &addr, 1);
    if (n < 0)
        return -n;
    if (!o->udp) {
        if ((rc = ps_create_server(&s, &addr, 1, 0)) < 0)
            return fail(addr_text(&addr, text, sizeof text), rc);
    } else {
        if ((rc = ps_socket_open(&s, ps_addr_family(&addr), PS_SOCK_DGRAM, 0)) < 0)
            return fail("socket", rc);
        if ((rc = ps_bind(s, &addr)) < 0) {
            ps_close(s);
            return fail(addr_text(&addr, text, sizeof text), rc);
        }
    }
    if (ps_getsockname(s, &local) == 0)
        addr = local;
    /* With port 0 the chosen port is the one thing the user must know. */
    if (o->verbose || strcmp(o->port, "0") == 0)
        fprintf(stderr, "psnc: listening on %s (%s)\n", addr_text(&addr, text, sizeof text),
                o->udp ? "udp" : "tcp");
    fflush(stderr);
    ps_settimeout(s, o->timeout);
    if (!o->udp) {
        rc = ps_accept(s, out, &peer);
        ps_close(s);
        if (rc < 0)
            return fail("accept", rc);
    } else {
        static char buf[MAX_DATAGRAM];
        ptrdiff_t got = ps_recvfrom(s, buf, sizeof buf, 0, &peer);
        if (got < 0) {
            ps_close(s);
            return fail("recvfrom", (int)got);
        }
        if ((rc = ps_connect(s, &peer)) < 0) {
            ps_close(s);
            return fail("connect to the first sender", rc);
        }
        *out = s;
        if (got > 0 && (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got || fflush(stdout)))
            return fail("standard output", PS_EPIPE);
    }
    say("connection from %s", addr_text(&peer, text, sizeof text));
    return EXIT_OK;
}

/* ---- the relay ------------------------------------------------------------------------------ */

struct relay {
    const struct options *o;
    ps_socket *net;
    /* UDP line mode: the line being gathered from standard input. */
    char line[MAX_DATAGRAM];
    size_t linelen;
};

static int send_net(struct relay *r, const char *buf, size_t len)
{
    ptrdiff_t n;
    if (!r->o->udp) {
        int rc = ps_sendall(r->net, buf, len, 0, NULL);
        return rc < 0 ? fail("send", rc) : EXIT_OK;
    }
    n = ps_send(r->net, buf, len, 0);
    return n < 0 ? fail("send", (int)n) : EXIT_OK;
}

/* Input bytes from the pair; len 0 means the input has ended. */
static int forward_input(struct relay *r, const char *buf, size_t len)
{
    int rc;
    size_t i, start = 0;
    if (!r->o->udp || r->o->raw)
        return len ? send_net(r, buf, len) : EXIT_OK;
    /* UDP lines: one datagram per line; the last piece goes out when the input ends, and a
     * line too long for a datagram goes out in pieces. */
    if (len == 0) {
        rc = r->linelen ? send_net(r, r->line, r->linelen) : EXIT_OK;
        r->linelen = 0;
        return rc;
    }
    for (i = 0; i < len; i++) {
        if (buf[i] != '\n' && r->linelen + (i - start) + 1 < sizeof r->line)
            continue;
        memcpy(r->line + r->linelen, buf + start, i - start + 1);
        r->linelen += i - start + 1;
        start = i + 1;
        if ((rc = send_net(r, r->line, r->linelen)) != EXIT_OK)
            return rc;
        r->linelen = 0;
    }
    memcpy(r->line + r->linelen, buf + start, len - start);
    r->linelen += len - start;
    return EXIT_OK;
}

static int relay(const struct options *o, ps_socket *net, ps_socket *input)
{
    static struct relay r;
    static char buf[MAX_DATAGRAM];
    ps_pollfd fds[2];
    int input_open = 1, net_open = 1, rc;

    r.o = o;
    r.net = net;
    /* The socket's own timeout bounds a send to a peer that stops reading. */
    ps_settimeout(net, o->timeout);
    while (input_open || net_open) {
        /* After the peer's EOF, input still in flight gets a short grace. */
        double wait = net_open ? o->timeout : INPUT_GRACE_SECONDS;
        fds[0].sock = input_open ? input : NULL;
        fds[0].events = PS_POLLIN;
        fds[1].sock = net_open ? net : NULL;
        fds[1].events = PS_POLLIN;
        fds[0].revents = fds[1].revents = 0;
        rc = ps_poll(fds, 2, wait);
        if (rc < 0)
            return fail("poll", rc);
        if (rc == 0) {
            if (!net_open)
                break; /* the grace is over */
            if (o->udp && !input_open) {
                say("no datagram for %g s after the end of input: done", o->timeout);
                break;
            }
            fprintf(stderr, "psnc: nothing happened for %g s (-w)\n", o->timeout);
            return EXIT_TIMEOUT;
        }
        if (fds[0].revents) {
            ptrdiff_t n = ps_recv(input, buf, CHUNK, 0);
            if (n < 0)
                return fail("reading standard input", (int)n);
            if ((rc = forward_input(&r, buf, (size_t)n)) != EXIT_OK)
                return rc;
            if (n == 0) {
                input_open = 0;
                say("end of input");
                if (!o->udp)
                    ps_shutdown(net, PS_SHUT_WR); /* the peer sees EOF */
            }
        }
        if (fds[1].revents) {
            ptrdiff_t n = ps_recv(net, buf, sizeof buf, 0);
            if (n < 0)
                return fail("recv", (int)n);
            if (n == 0 && !o->udp) {
                net_open = 0;
                say("the peer closed the connection");
            } else if (n > 0) {
                if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0) {
                    fprintf(stderr, "psnc: writing standard output failed\n");
                    return EXIT_CONN;
                }
            }
        }
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    struct options o;
    static struct reader rd;
    ps_socket *pair[2], *net = NULL;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    verbose = o.verbose;
#ifdef _WIN32
    if (o.raw) {
        _setmode(_fileno(stdin), _O_BINARY);
        _setmode(_fileno(stdout), _O_BINARY);
    }
#endif
    if (o.probe)
        return probe(&o);

    /* Standard input starts flowing into the pair at once, while psnc connects. */
    if ((rc = ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM)) < 0)
        return fail("socketpair", rc);
    ps_settimeout(pair[0], PS_TIMEOUT_NONE);
    ps_settimeout(pair[1], PS_TIMEOUT_NONE);
    rd.out = pair[1];
    if (start_reader(&rd) != 0) {
        fprintf(stderr, "psnc: cannot start the input thread\n");
        return EXIT_CONN;
    }

    rc = o.listen ? open_server(&o, &net) : open_client(&o, &net);
    if (rc == EXIT_OK) {
        rc = relay(&o, net, pair[0]);
        ps_close(net);
    }
    /* pair[1] stays open: the reader thread may still be using it as the process ends. */
    ps_close(pair[0]);
    return rc;
}
