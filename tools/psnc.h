/*
 * psnc's parts (see psnc.c for what the program does):
 *
 *   psnc_args.c   the command line: options, ports, the help text
 *   psnc_platform.c  the only platform code: binary standard input/output on
 *                 Windows, the reader thread, a monotonic clock
 *   psnc_net.c    resolving, connecting, listening, accepting, probing (-z)
 *   psnc_relay.c  moving bytes between standard input/output and the peer
 */
#ifndef PSNC_H
#define PSNC_H

#include "portsock.h"

#include <stddef.h>

enum { EXIT_OK = 0, EXIT_CONN = 1, EXIT_USAGE = 2, EXIT_TIMEOUT = 3 };

#define PSNC_CHUNK 16384
#define PSNC_MAX_DATAGRAM 65507
#define PSNC_MAX_RANGES 64 /* -z 20-30,80,443: at most this many items */

/* A range of ports lo..hi for -z (lo == hi for one port). */
struct port_range {
    unsigned lo, hi;
};

struct options {
    int listen, udp, family, probe, raw, verbose;
    int keep;       /* -k: after a peer, wait for the next one */
    int crlf;       /* -C: LF from standard input goes out as CRLF */
    int unix_path;  /* -U: host is the path of a Unix socket */
    double timeout; /* -w: connecting, waiting for a peer, silence (PS_TIMEOUT_NONE) */
    double idle;    /* -i: silence only (PS_TIMEOUT_NONE) */
    double quit;    /* -q: after the end of input, quit after this long (< 0: never) */
    const char *host, *port;
    const char *source, *source_port;          /* -s, -p (without -l) */
    struct port_range ranges[PSNC_MAX_RANGES]; /* -z: the ports, from PORT */
    size_t nranges;
};

/* psnc_args.c */
int psnc_parse_args(int argc, char **argv, struct options *o); /* 0, -1 (help shown) or 2 */

/* psnc.c */
extern int psnc_verbose;
void psnc_say(const char *fmt, ...) PS_PRINTF_LIKE(1, 2);
int psnc_fail(const char *what, int err); /* prints, returns EXIT_CONN or EXIT_TIMEOUT */
const char *psnc_addr_text(const ps_addr *a, char *buf, size_t size);

/* psnc_platform.c */
void psnc_stdio_binary(void);
int psnc_start_reader(ps_socket *out); /* stdin -> out, then shutdown(out, WR); 0 or -1 */
double psnc_now(void);                 /* seconds on a monotonic clock */

/* psnc_net.c */
int psnc_probe(const struct options *o);
int psnc_connect(const struct options *o, ps_socket **out);
int psnc_listen(const struct options *o, ps_socket **listener);
int psnc_accept(const struct options *o, ps_socket *listener, double timeout, ps_socket **out);

/* psnc_relay.c: the relay's state lives on across the peers of -k. */
struct relay {
    const struct options *o;
    ps_socket *input;             /* the reader thread's end of standard input */
    int input_open;               /* standard input has not ended yet */
    double input_ended;           /* when it ended (seconds, the relay's clock) */
    int last_was_cr;              /* -C: the last input byte was a CR */
    char line[PSNC_MAX_DATAGRAM]; /* UDP line mode: the line being gathered */
    size_t linelen;
};
void psnc_relay_init(struct relay *r, const struct options *o, ps_socket *input);
int psnc_relay(struct relay *r, ps_socket *net);

#endif
