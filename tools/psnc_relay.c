/*
 * psnc's relay: standard input (through the reader thread's socket pair) to
 * the peer, the peer's bytes to standard output.
 *
 * The peer's EOF ends reading only: psnc keeps sending until its standard
 * input ends, as nc and ncat do, and the connection is done when both
 * directions have ended (with -k, when the peer's data has ended). At the end
 * of standard input psnc shuts down its sending side, so the peer sees EOF.
 * UDP has no end of stream: a UDP relay whose input has ended stops after -w
 * of silence, or never without -w.
 */
#include "psnc.h"

#include <stdio.h>
#include <string.h>

void psnc_relay_init(struct relay *r, const struct options *o, ps_socket *input)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    r->input = input;
    r->input_open = 1;
}

static int send_net(ps_socket *net, int udp, const char *buf, size_t len)
{
    ptrdiff_t n;
    int rc;
    if (!udp) {
        rc = ps_sendall(net, buf, len, 0, NULL);
        return rc < 0 ? psnc_fail("send", rc) : EXIT_OK;
    }
    n = ps_send(net, buf, len, 0);
    return n < 0 ? psnc_fail("send", (int)n) : EXIT_OK;
}

/* -C: every LF not already after a CR becomes CRLF; out has room for 2 * len bytes. */
static size_t add_crs(struct relay *r, const char *in, size_t len, char *out)
{
    size_t i, k = 0;
    for (i = 0; i < len; i++) {
        if (in[i] == '\n' && !r->last_was_cr)
            out[k++] = '\r';
        out[k++] = in[i];
        r->last_was_cr = in[i] == '\r';
    }
    return k;
}

/* UDP line mode: one datagram per line; a line too long for a datagram goes in pieces, and the
 * last piece when the input ends (len 0). */
static int send_lines(struct relay *r, ps_socket *net, const char *buf, size_t len)
{
    size_t i, start = 0;
    int rc;
    if (len == 0) {
        rc = r->linelen ? send_net(net, 1, r->line, r->linelen) : EXIT_OK;
        r->linelen = 0;
        return rc;
    }
    for (i = 0; i < len; i++) {
        if (buf[i] != '\n' && r->linelen + (i - start) + 1 < sizeof r->line)
            continue;
        memcpy(r->line + r->linelen, buf + start, i - start + 1);
        r->linelen += i - start + 1;
        start = i + 1;
        if ((rc = send_net(net, 1, r->line, r->linelen)) != EXIT_OK)
            return rc;
        r->linelen = 0;
    }
    memcpy(r->line + r->linelen, buf + start, len - start);
    r->linelen += len - start;
    return EXIT_OK;
}

/* Input bytes from the pair; len 0 means the input has ended. */
static int forward_input(struct relay *r, ps_socket *net, const char *buf, size_t len)
{
    static char converted[2 * PSNC_CHUNK];
    if (r->o->crlf) {
        len = add_crs(r, buf, len, converted);
        buf = converted;
    }
    if (r->o->udp && !r->o->raw)
        return send_lines(r, net, buf, len);
    return len ? send_net(net, r->o->udp, buf, len) : EXIT_OK;
}

/* The smaller of two time limits, either of which may be PS_TIMEOUT_NONE. */
static double earliest(double a, double b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

/* The standard input's end: the last UDP line goes out, the peer sees EOF. */
static int end_input(struct relay *r, ps_socket *net)
{
    int rc = forward_input(r, net, NULL, 0);
    r->input_open = 0;
    r->input_ended = psnc_now();
    psnc_say("end of input");
    if (!r->o->udp)
        ps_shutdown(net, PS_SHUT_WR);
    return rc;
}

/* A poll that timed out: the end (-q; UDP's silence after its input), the idle limit (-w,
 * -i), or neither yet (the clocks differ a little): -1. */
static int timed_out(const struct relay *r, double silence, double last)
{
    const struct options *o = r->o;
    double now = psnc_now();
    if (!r->input_open && o->quit >= 0 && now >= r->input_ended + o->quit) {
        psnc_say("quitting %g s after the end of input (-q)", o->quit);
        return EXIT_OK;
    }
    if (silence < 0 || now < last + silence)
        return -1;
    if (o->udp && !r->input_open && o->timeout > 0) {
        psnc_say("no datagram for %g s after the end of input: done", silence);
        return EXIT_OK;
    }
    fprintf(stderr, "psnc: nothing happened for %g s (%s)\n", silence,
            silence == o->idle ? "-i" : "-w");
    return EXIT_TIMEOUT;
}

int psnc_relay(struct relay *r, ps_socket *net)
{
    static char buf[PSNC_MAX_DATAGRAM];
    const struct options *o = r->o;
    double silence = earliest(o->timeout, o->idle), last = psnc_now();
    int net_open = 1, rc;

    /* The socket's own timeout bounds a send to a peer that stops reading. */
    ps_settimeout(net, silence);
    if (!r->input_open && !o->udp)
        ps_shutdown(net, PS_SHUT_WR); /* -k: the input ended during an earlier peer */
    while ((r->input_open || net_open) && !(o->keep && !net_open)) {
        ps_pollfd fds[2];
        double now = psnc_now(), wait = PS_TIMEOUT_NONE;
        if (silence >= 0)
            wait = last + silence - now;
        if (!r->input_open && o->quit >= 0)
            wait = earliest(wait, r->input_ended + o->quit - now);
        if (wait != PS_TIMEOUT_NONE && wait < 0)
            wait = 0;
        fds[0].sock = r->input_open ? r->input : NULL;
        fds[1].sock = net_open ? net : NULL;
        fds[0].events = fds[1].events = PS_POLLIN;
        fds[0].revents = fds[1].revents = 0;
        if ((rc = ps_poll(fds, 2, wait)) < 0)
            return psnc_fail("poll", rc);
        if (rc == 0) {
            if ((rc = timed_out(r, silence, last)) >= 0)
                return rc;
            continue;
        }
        last = psnc_now();
        if (fds[0].revents) {
            ptrdiff_t n = ps_recv(r->input, buf, PSNC_CHUNK, 0);
            if (n < 0)
                return psnc_fail("reading standard input", (int)n);
            rc = n > 0 ? forward_input(r, net, buf, (size_t)n) : end_input(r, net);
            if (rc != EXIT_OK)
                return rc;
        }
        if (fds[1].revents) {
            ptrdiff_t n = ps_recv(net, buf, sizeof buf, 0);
            if (n < 0)
                return psnc_fail("recv", (int)n);
            if (n == 0 && !o->udp) {
                net_open = 0;
                psnc_say("the peer has sent all it will");
            } else if (n > 0 &&
                       (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout))) {
                fprintf(stderr, "psnc: writing standard output failed\n");
                return EXIT_CONN;
            }
        }
    }
    return EXIT_OK;
}
