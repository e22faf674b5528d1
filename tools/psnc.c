/*
 * psnc: a small netcat built on portsock, the same on Linux and on Windows.
 *
 *   psnc [options] HOST PORT          connect, then relay
 *   psnc -l [options] [HOST] PORT     wait for a peer (-k: one after another), then relay
 *   psnc -U [options] PATH            the same over a Unix stream socket (-lU to listen)
 *   psnc -z [-46v] [-w SECONDS] HOST PORTS    which TCP ports are open? (no data)
 *
 * `psnc -h` lists the options and says which netcat each follows where nc
 * and ncat differ (psnc_args.c). Relay: standard input goes to the peer, the
 * peer's bytes to standard output, unchanged on every platform
 * (psnc_relay.c). The parts: psnc.h.
 *
 * Exit codes: 0 done, 1 connection failure (refused, reset, unreachable,
 * unknown host, address in use), 2 usage, 3 time limit (-w, -i). With -z:
 * 0 if a port is open, 1 if none.
 */
#include "psnc.h"

#include <stdarg.h>
#include <stdio.h>

int psnc_verbose;

void psnc_say(const char *fmt, ...)
{
    va_list ap;
    if (!psnc_verbose)
        return;
    fputs("psnc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Prints "psnc: WHAT: message (ENAME)" and returns the exit code for err. */
int psnc_fail(const char *what, int err)
{
    fprintf(stderr, "psnc: %s: %s (%s)\n", what, ps_strerror(err), ps_errname(err));
    return err == PS_ETIMEDOUT ? EXIT_TIMEOUT : EXIT_CONN;
}

const char *psnc_addr_text(const ps_addr *a, char *buf, size_t size)
{
    if (ps_addr_format(a, buf, size) < 0)
        snprintf(buf, size, "?");
    return buf;
}

/* -l: one peer, or with -k one after another until something fails. */
static int serve(const struct options *o, struct relay *r)
{
    ps_socket *listener, *net = NULL;
    int rc = psnc_listen(o, &listener);
    if (rc != EXIT_OK)
        return rc;
    do {
        /* -w bounds each wait for a peer, the next ones of -k too. */
        rc = psnc_accept(o, listener, o->timeout, &net);
        if (rc != EXIT_OK)
            break;
        rc = psnc_relay(r, net);
        if (net != listener)
            ps_close(net);
        if (o->keep && rc != EXIT_OK)
            psnc_say("that peer is done; waiting for the next");
    } while (o->keep && !o->udp);
    ps_close(listener);
    if (o->unix_path)
        remove(o->host); /* the socket's file, which would keep the next bind from working */
    return rc;
}

int main(int argc, char **argv)
{
    struct options o;
    static struct relay r;
    ps_socket *pair[2], *net = NULL;
    int rc = psnc_parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    psnc_verbose = o.verbose;
    psnc_stdio_binary();
    if (o.probe)
        return psnc_probe(&o);

    /* Standard input starts flowing into the pair at once, while psnc connects. */
    if ((rc = ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM)) < 0)
        return psnc_fail("socketpair", rc);
    ps_settimeout(pair[0], PS_TIMEOUT_NONE);
    ps_settimeout(pair[1], PS_TIMEOUT_NONE);
    if (psnc_start_reader(pair[1]) != 0) {
        fprintf(stderr, "psnc: cannot start the input thread\n");
        return EXIT_CONN;
    }
    psnc_relay_init(&r, &o, pair[0]);

    if (o.listen) {
        rc = serve(&o, &r);
    } else if ((rc = psnc_connect(&o, &net)) == EXIT_OK) {
        rc = psnc_relay(&r, net);
        ps_close(net);
    }
    /* pair[1] stays open: the reader thread may still be using it as the process ends. */
    ps_close(pair[0]);
    return rc;
}
