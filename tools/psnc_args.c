/* psnc's command line: the options, the ports, the help text. */
#include "psnc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: psnc [-46CkNruv] [-i SECONDS] [-p PORT] [-q SECONDS] [-s ADDRESS] [-w SECONDS]\n"
    "            HOST PORT\n"
    "       psnc -l [options] [HOST] PORT        psnc -l [options] -p PORT [HOST]\n"
    "       psnc -U [options] PATH               psnc -lU [options] PATH\n"
    "       psnc -z [-46v] [-w SECONDS] HOST PORTS (20-30, 22,80,443, or one)\n";

static const char help_text[] =
    "\n"
    "Relays standard input to the peer and the peer's bytes to standard output, byte for\n"
    "byte on every platform (psnc.exe too: standard input and output are binary).\n"
    "\n"
    "  -l          listen: wait for one peer (HOST defaults to 0.0.0.0, or :: with -6; with\n"
    "              port 0 the system chooses, and psnc says \"psnc: listening on ADDRESS\")\n"
    "  -k          with -l (TCP, -U): after a peer leaves, wait for the next (nc, ncat)\n"
    "  -p PORT     with -l: the port to listen on (as ncat and nc.traditional); otherwise\n"
    "              the source port (nc, ncat)\n"
    "  -s ADDRESS  the source address; with -l, the address to listen on (nc; ncat ignores\n"
    "              -s with -l)\n"
    "  -u          UDP instead of TCP (one datagram per line, or per read with -r)\n"
    "  -U          HOST is the path of a Unix stream socket (nc, ncat); where the platform\n"
    "              has none, psnc says so and exits 1\n"
    "  -4 / -6     IPv4 / IPv6 only\n"
    "  -C          send LF from standard input as CRLF (a CR already there stays one)\n"
    "  -N          shut down the sending side when standard input ends: psnc always does\n"
    "              (as ncat; nc.openbsd only with -N), so -N changes nothing\n"
    "  -q SECONDS  after standard input ends, quit after SECONDS even if the peer has not\n"
    "              closed (nc.openbsd; 0: at once; negative: wait for the peer, the default)\n"
    "  -w SECONDS  a time limit on connecting, on each peer arriving (-l, -k), and on silence\n"
    "              in both directions (nc.openbsd; ncat's -w is for connecting only)\n"
    "  -i SECONDS  a time limit on silence only (ncat's --idle-timeout; nc.openbsd's -i is a\n"
    "              delay between lines, which psnc does not have)\n"
    "  -z          probe TCP ports, no data: PORTS is one port, a range lo-hi, or a list\n"
    "              22,80,443 (items may be ranges); -v says open/closed for each\n"
    "  -r          UDP: one datagram per read of standard input instead of per line\n"
    "  -v          say what happens, on standard error\n"
    "\n"
    "The end of the peer's data ends reading only: psnc keeps sending until its standard\n"
    "input ends (then shuts down its sending side), and ends when both directions have\n"
    "ended. With -k a connection ends when the peer's data ends; standard input, once ended,\n"
    "stays ended for the next peers. A port must be 0-65535 or a service name.\n"
    "\n"
    "Exit status: 0 done (-z: a port is open), 1 connection failure (refused, reset,\n"
    "unreachable, unknown host, address in use, no Unix sockets; -z: every port closed),\n"
    "2 usage, 3 time limit (-w, -i).\n"
    "UDP to a port nobody listens on: on Linux and macOS the system reports the refusal and\n"
    "psnc exits 1; Windows reports none to portsock's UDP sockets (SIO_UDP_CONNRESET is off),\n"
    "so psnc.exe only sees silence: 0 when input has ended and -w passes, else it waits.\n";

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "psnc: %s\n", why);
    fputs(usage_text, stderr);
    if (!why)
        fputs(help_text, stderr);
    return EXIT_USAGE;
}

/* A port number: decimal digits only, 0..65535. 1 if text is one, 0 if it is no number (a
 * service name perhaps), -1 if it is a number out of range. */
static int parse_port_number(const char *text, size_t len, unsigned *out)
{
    unsigned long v = 0;
    size_t i;
    if (len == 0)
        return 0;
    for (i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return 0;
        if (v <= 65535)
            v = v * 10 + (unsigned long)(text[i] - '0');
    }
    if (v > 65535)
        return -1;
    *out = (unsigned)v;
    return 1;
}

/* PORT for connecting or listening: a number 0-65535 or a service name (not one beyond
 * 65535, which getaddrinfo would take modulo 65536). */
static int check_port(const char *port)
{
    unsigned v;
    char msg[160];
    if (parse_port_number(port, strlen(port), &v) < 0 || *port == '\0') {
        snprintf(msg, sizeof msg, "bad port '%.100s': a number 0-65535 or a service name", port);
        return usage(msg);
    }
    return 0;
}

/* -z PORTS: "22", "20-30", "22,80,443", "20-30,443", or one service name. */
static int parse_ranges(struct options *o)
{
    const char *p = o->port;
    char msg[200];
    unsigned v;
    if (parse_port_number(p, strlen(p), &v) == 0 && !strpbrk(p, ",-") && *p) {
        o->nranges = 0; /* one service name, resolved as it is */
        return 0;
    }
    o->nranges = 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *dash = memchr(p, '-', len);
        struct port_range r;
        int ok;
        if (dash)
            ok = parse_port_number(p, (size_t)(dash - p), &r.lo) > 0 &&
                 parse_port_number(dash + 1, len - (size_t)(dash + 1 - p), &r.hi) > 0 &&
                 r.lo <= r.hi;
        else
            ok = parse_port_number(p, len, &r.lo) > 0 && (r.hi = r.lo, 1);
        if (!ok || o->nranges == PSNC_MAX_RANGES) {
            snprintf(msg, sizeof msg,
                     "bad ports '%.100s': ports 0-65535, a range lo-hi or a list a,b,c "
                     "(at most %d items)",
                     o->port, PSNC_MAX_RANGES);
            return usage(msg);
        }
        o->ranges[o->nranges++] = r;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* A number of seconds for -w, -i (> 0) or -q (any). */
static int parse_seconds(const char *val, char opt, int positive, double *out)
{
    char msg[80], *end;
    double v = val ? strtod(val, &end) : 0.0;
    if (!val || end == val || *end || !isfinite(v) || (positive && !(v > 0.0))) {
        snprintf(msg, sizeof msg, "-%c needs a number of seconds%s", opt, positive ? " > 0" : "");
        return usage(msg);
    }
    *out = v;
    return 0;
}

/* The options that take a value: the rest of the argument, else the next one. */
static const char *option_value(const char *a, int argc, char **argv, int *i)
{
    if (a[1])
        return a + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

static int parse_option(const char **ap, int argc, char **argv, int *i, struct options *o)
{
    const char *a = *ap, *val;
    char msg[40];
    switch (*a) {
    case 'l': o->listen = 1; return 0;
    case 'u': o->udp = 1; return 0;
    case 'U': o->unix_path = 1; return 0;
    case '4': o->family = PS_AF_INET; return 0;
    case '6': o->family = PS_AF_INET6; return 0;
    case 'z': o->probe = 1; return 0;
    case 'r': o->raw = 1; return 0;
    case 'v': o->verbose = 1; return 0;
    case 'k': o->keep = 1; return 0;
    case 'C': o->crlf = 1; return 0;
    case 'N': return 0; /* what psnc always does */
    case 'h': usage(NULL); return -1;
    case 'w':
    case 'i':
    case 'q':
    case 'p':
    case 's':
        val = option_value(a, argc, argv, i);
        *ap = val ? val + strlen(val) - 1 : a; /* the value was the rest of the argument */
        if (*a == 'w')
            return parse_seconds(val, 'w', 1, &o->timeout);
        if (*a == 'i')
            return parse_seconds(val, 'i', 1, &o->idle);
        if (*a == 'q')
            return parse_seconds(val, 'q', 0, &o->quit);
        if (!val)
            return usage(*a == 'p' ? "-p needs a port" : "-s needs an address");
        if (*a == 'p')
            o->source_port = val;
        else
            o->source = val;
        return 0;
    default: snprintf(msg, sizeof msg, "unknown option -%c", *a); return usage(msg);
    }
}

/* Checks the options that do not go together. */
static int check_combinations(const struct options *o)
{
    if (o->listen && o->probe)
        return usage("-l and -z do not go together");
    if (o->probe && (o->udp || o->unix_path))
        return usage("-z probes TCP ports only");
    if (o->keep && !o->listen)
        return usage("-k goes with -l");
    if (o->keep && o->udp)
        return usage("-k works with TCP and Unix sockets, not with -u");
    if (o->unix_path && o->udp)
        return usage("-U is for Unix stream sockets: not with -u");
    if (o->unix_path && (o->source || o->source_port))
        return usage("-U takes no -s or -p");
    return 0;
}

int psnc_parse_args(int argc, char **argv, struct options *o)
{
    int i, rc, npos = 0;
    const char *pos[2] = {NULL, NULL};
    memset(o, 0, sizeof *o);
    o->family = PS_AF_UNSPEC;
    o->timeout = o->idle = PS_TIMEOUT_NONE;
    o->quit = -1.0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                if (npos == 2)
                    return usage("too many arguments");
                pos[npos++] = argv[i];
            }
            break;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (npos == 2)
                return usage("too many arguments");
            pos[npos++] = a;
            continue;
        }
        for (a++; *a; a++) {
            if ((rc = parse_option(&a, argc, argv, &i, o)) != 0)
                return rc;
        }
    }
    if ((rc = check_combinations(o)) != 0)
        return rc;
    if (o->unix_path) {
        if (npos != 1)
            return usage("-U takes one PATH");
        o->host = pos[0];
        return 0;
    }
    if (o->listen) {
        /* psnc -l [HOST] PORT, psnc -l -p PORT [HOST], psnc -l -s ADDRESS PORT */
        if (o->source_port && npos == 2)
            return usage("-l takes PORT or -p PORT, not both");
        if (o->source_port) {
            o->port = o->source_port;
            o->host = npos == 1 ? pos[0] : NULL;
        } else if (npos == 1 || npos == 2) {
            o->port = pos[npos - 1];
            o->host = npos == 2 ? pos[0] : NULL;
        } else {
            return usage("PORT is missing");
        }
        if (o->source && o->host)
            return usage("-l takes HOST or -s ADDRESS, not both");
        if (o->source)
            o->host = o->source;
        o->source = o->source_port = NULL;
        if (!o->host)
            o->host = o->family == PS_AF_INET6 ? "::" : "0.0.0.0";
        return check_port(o->port);
    }
    if (npos != 2)
        return usage("HOST and PORT are needed");
    o->host = pos[0];
    o->port = pos[1];
    if (o->probe)
        return parse_ranges(o);
    if ((rc = check_port(o->port)) != 0)
        return rc;
    return o->source_port ? check_port(o->source_port) : 0;
}
