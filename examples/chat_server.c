/*
 * chat_server [--count N] [ADDRESS]
 *
 * A line-based chat room for many clients at once, in one thread: a
 * selector watches the listener and every client; all sockets are
 * non-blocking; each client's input is read through a stream
 * (ps_makefile + ps_file_readline, which keeps a partial line buffered until
 * the rest arrives). Every line a client sends goes to every other client,
 * prefixed with the sender's address:
 *
 *     [127.0.0.1:53211] hello
 *
 * and the others hear "* ADDRESS joined" / "* ADDRESS left". A client can
 * come and go at any time; one that stops reading is dropped once its
 * backlog passes a limit, so it cannot hold up the others.
 *
 * Lines are relayed whole, whatever bytes they hold (NUL included), always
 * ending in a newline. When the process runs out of descriptors, the server
 * stops watching the listener (says so once), keeps serving the clients it
 * has, and tries again when one leaves or after BACKOFF_SECONDS.
 *
 * ADDRESS is in ps_addr_parse form (default 127.0.0.1:10001; port 0 picks
 * one: the line "listening on ..." tells which). With --count N the server
 * takes N clients, then exits once they have all left. It exits cleanly on
 * SIGINT/SIGTERM: portsock retries EINTR by design, so the loop waits in
 * short selector timeouts and checks a flag.
 *
 * Try it: chat_server 127.0.0.1:10001, then in two other terminals
 * `nc 127.0.0.1 10001` (or psnc) and type.
 */
#include "portsock.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_SECONDS 0.25       /* how often the loop looks at the stop flag */
#define LINE_MAX_BYTES 1024     /* a longer line is passed on in pieces */
#define BACKLOG_LIMIT (1 << 20) /* bytes queued for one client before it is dropped */
#define EVENTS 64
#define BACKOFF_SECONDS 1.0 /* out of descriptors: how long the listener rests */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct client {
    ps_socket *sock;
    ps_file *in;   /* the read side, line by line */
    char name[80]; /* "127.0.0.1:53211" */
    char *out;     /* queued for this client: out[off .. len) */
    size_t off, len, cap;
    int interest;     /* events registered with the selector */
    const char *gone; /* why it is leaving, or NULL */
    struct client *prev, *next;
} client;

typedef struct room {
    ps_selector *sel;
    ps_socket *listener;
    client *clients;
    long present, admitted, count; /* count 0: no limit */
    int listening;                 /* the listener is in the selector */
    int starved;                   /* accept ran out of descriptors; said once */
    time_t rest_since;             /* when the listener last stopped being watched */
} room;

static int fail(const char *what, int err)
{
    fprintf(stderr, "chat_server: %s: %s (%s)\n", what, ps_strerror(err), ps_errname(err));
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: chat_server [--count N] [ADDRESS]\n");
    return 2;
}

/* Marks c as leaving; it is freed after the current batch of events, since
 * a later event of the same batch may still name it. */
static void leave(client *c, const char *why)
{
    if (!c->gone)
        c->gone = why;
}

/* Sends what is queued for c, as far as the socket takes it now. */
static void flush(client *c)
{
    while (c->off < c->len) {
        ptrdiff_t n = ps_send(c->sock, c->out + c->off, c->len - c->off, 0);
        if (n == PS_EAGAIN)
            break;
        if (n < 0) {
            leave(c, ps_strerror((int)n));
            return;
        }
        c->off += (size_t)n;
    }
    if (c->off == c->len)
        c->off = c->len = 0;
}

/* Registers c for what it needs now: lines to read, and room to write
 * when something is queued. */
static void update_interest(room *r, client *c)
{
    int want = PS_POLLIN | (c->len > c->off ? PS_POLLOUT : 0);
    if (c->gone || want == c->interest)
        return;
    if (ps_selector_modify(r->sel, c->sock, want, c) < 0)
        leave(c, "selector refused it");
    else
        c->interest = want;
}

/* Queues text for c and sends what it can at once. */
static void deliver(room *r, client *c, const char *text, size_t n)
{
    if (c->gone)
        return;
    if (c->len - c->off + n > BACKLOG_LIMIT) {
        leave(c, "too slow: stopped reading");
        return;
    }
    if (c->cap - c->len < n) {
        size_t cap;
        if (c->off > 0) {
            memmove(c->out, c->out + c->off, c->len - c->off);
            c->len -= c->off;
            c->off = 0;
        }
        for (cap = c->cap ? c->cap : 4096; cap - c->len < n; cap *= 2)
            ;
        if (cap != c->cap) {
            char *p = (char *)realloc(c->out, cap);
            if (!p) {
                leave(c, "out of memory");
                return;
            }
            c->out = p;
            c->cap = cap;
        }
    }
    memcpy(c->out + c->len, text, n);
    c->len += n;
    flush(c);
    update_interest(r, c);
}

/* Sends text to every client present but `from`. */
static void broadcast(room *r, const client *from, const char *text, size_t n)
{
    client *c;
    for (c = r->clients; c; c = c->next) {
        if (c != from)
            deliver(r, c, text, n);
    }
}

/* "* NAME joined\n" and the like, to everybody else. */
static void announce(room *r, const client *about, const char *what)
{
    char text[160];
    int n = snprintf(text, sizeof text, "* %s %s\n", about->name, what);
    if (n > 0)
        broadcast(r, about, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

static void admit(room *r, ps_socket *s, const ps_addr *peer)
{
    char hello[200];
    client *c = (client *)calloc(1, sizeof *c);
    int rc, n;
    if (!c) {
        ps_close(s);
        return;
    }
    c->sock = s;
    if (ps_addr_format(peer, c->name, sizeof c->name) < 0)
        strcpy(c->name, "?");
    if ((rc = ps_setblocking(s, 0)) < 0 || (rc = ps_makefile(s, "r", 0, &c->in)) < 0 ||
        (rc = ps_selector_add(r->sel, s, PS_POLLIN, c)) < 0) {
        fail(c->name, rc);
        if (c->in)
            ps_file_close(c->in);
        ps_close(s);
        free(c);
        return;
    }
    c->interest = PS_POLLIN;
    c->next = r->clients;
    if (r->clients)
        r->clients->prev = c;
    r->clients = c;
    r->present++;
    r->admitted++;
    printf("client %s joined (%ld here)\n", c->name, r->present);
    fflush(stdout);
    n = snprintf(hello, sizeof hello, "* welcome %s, %ld other%s here\n", c->name, r->present - 1,
                 r->present == 2 ? " is" : "s are");
    if (n > 0)
        deliver(r, c, hello, (size_t)n < sizeof hello ? (size_t)n : sizeof hello - 1);
    announce(r, c, "joined");
}

/* Stops watching the listener: with level-triggered readiness, a pending
 * connection that cannot be accepted would wake the loop at once, forever. */
static void rest_listener(room *r)
{
    if (r->listening && ps_selector_remove(r->sel, r->listener) == 0)
        r->listening = 0;
    r->rest_since = time(NULL);
}

/* Watches the listener again, after a rest or once a client has left. */
static void wake_listener(room *r)
{
    int rc;
    if (r->listening || (r->count > 0 && r->admitted >= r->count))
        return;
    if ((rc = ps_selector_add(r->sel, r->listener, PS_POLLIN, NULL)) < 0) {
        fail("watching the listener again", rc);
        r->rest_since = time(NULL);
        return;
    }
    r->listening = 1;
}

/* Out of descriptors or memory: a later accept may succeed, once something is freed. */
static int is_starved(int rc)
{
    return rc == PS_EMFILE || rc == PS_ENFILE || rc == PS_ENOBUFS || rc == PS_ENOMEM;
}

/* Takes every pending connection (the listener is non-blocking). */
static void accept_all(room *r)
{
    for (;;) {
        ps_socket *s = NULL;
        ps_addr peer;
        int rc;
        if (r->count > 0 && r->admitted >= r->count) {
            /* enough: no more joins; the others stay until they leave */
            rest_listener(r);
            return;
        }
        rc = ps_accept(r->listener, &s, &peer);
        if (rc == PS_EAGAIN)
            return;
        if (is_starved(rc)) {
            if (!r->starved)
                fprintf(stderr,
                        "chat_server: accept: %s (%s); not accepting until a client leaves "
                        "or %g s pass (said once)\n",
                        ps_strerror(rc), ps_errname(rc), BACKOFF_SECONDS);
            r->starved = 1;
            rest_listener(r);
            return;
        }
        if (rc < 0) {
            fail("accept", rc);
            /* a client that gave up: the next may fare better */
            if (rc == PS_ECONNABORTED || rc == PS_ECONNRESET)
                continue;
            return;
        }
        if (r->starved) {
            printf("accepting again\n");
            r->starved = 0;
        }
        admit(r, s, &peer);
    }
}

/* Passes one line on as "[NAME] LINE\n": every byte of it (NUL too), with a
 * newline added where it had none (the last piece before EOF, or a piece of
 * an over-long line). */
static void relay_line(room *r, const client *c, const char *line, size_t n)
{
    char text[LINE_MAX_BYTES + sizeof c->name + 8];
    size_t k = (size_t)snprintf(text, sizeof text, "[%s] ", c->name);
    memcpy(text + k, line, n);
    k += n;
    if (line[n - 1] != '\n')
        text[k++] = '\n';
    broadcast(r, c, text, k);
}

/* Reads the lines that are complete and passes each on, at most 256 at a
 * time so that one busy client cannot starve the others. Returns 1 when it
 * stopped there with bytes still in the stream's buffer: they raise no
 * readiness event, so the caller must come back without waiting. */
static int hear(room *r, client *c)
{
    char line[LINE_MAX_BYTES + 1];
    int lines;
    for (lines = 0; lines < 256 && !c->gone; lines++) {
        ptrdiff_t n = ps_file_readline(c->in, line, sizeof line);
        if (n == PS_EAGAIN)
            return 0; /* a partial line stays in the stream's buffer */
        if (n < 0) {
            leave(c, ps_strerror((int)n));
            return 0;
        }
        if (n == 0) {
            leave(c, "left");
            return 0;
        }
        relay_line(r, c, line, (size_t)n);
    }
    return !c->gone && ps_file_pending(c->in) > 0;
}

/* Frees the clients that left during the last batch of events. */
static void reap(room *r)
{
    client *c = r->clients, *next;
    for (; c; c = next) {
        next = c->next;
        if (!c->gone)
            continue;
        if (c->prev)
            c->prev->next = c->next;
        else
            r->clients = c->next;
        if (c->next)
            c->next->prev = c->prev;
        r->present--;
        printf("client %s left: %s (%ld here)\n", c->name, c->gone, r->present);
        fflush(stdout);
        ps_file_close(c->in);
        ps_close(c->sock); /* also leaves the selector */
        announce(r, c, "left");
        free(c->out);
        free(c);
        wake_listener(r); /* a descriptor is free again */
        /* announcing may have made others leave (too slow): look again */
        next = r->clients;
    }
}

static int serve(room *r)
{
    ps_event ev[EVENTS];
    int unheard = 0; /* some client still has whole lines buffered */
    while (!stop_requested) {
        int i, n, again;
        client *c;
        if (r->count > 0 && r->admitted >= r->count && r->present == 0)
            break;
        if (!r->listening && difftime(time(NULL), r->rest_since) >= BACKOFF_SECONDS)
            wake_listener(r);
        n = ps_selector_wait(r->sel, ev, EVENTS, unheard ? 0.0 : POLL_SECONDS);
        if (n < 0)
            return fail("selector", n);
        /* Whole lines left in a stream's buffer raise no event: hear them. */
        again = unheard;
        unheard = 0;
        for (c = r->clients; again && c; c = c->next) {
            if (!c->gone && ps_file_pending(c->in) > 0) {
                unheard |= hear(r, c);
                update_interest(r, c);
            }
        }
        for (i = 0; i < n; i++) {
            c = (client *)ev[i].data;
            if (ev[i].sock == r->listener) {
                accept_all(r);
                continue;
            }
            if (c->gone)
                continue;
            if (ev[i].events & (PS_POLLIN | PS_POLLHUP | PS_POLLERR))
                unheard |= hear(r, c);
            if (!c->gone && (ev[i].events & PS_POLLOUT))
                flush(c);
            update_interest(r, c);
        }
        reap(r);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *text = "127.0.0.1:10001";
    char name[128];
    room r;
    ps_addr addr;
    int i, rc, status;

    memset(&r, 0, sizeof r);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            char *end;
            r.count = strtol(argv[++i], &end, 10);
            if (*end != '\0' || r.count < 0)
                return usage();
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage();
        } else {
            text = argv[i];
        }
    }
    if ((rc = ps_addr_parse(&addr, text)) < 0)
        return fail(text, rc);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    if ((rc = ps_create_server(&r.listener, &addr, PS_BACKLOG_DEFAULT, 0)) < 0)
        return fail(text, rc);
    if ((rc = ps_getsockname(r.listener, &addr)) < 0 || (rc = ps_setblocking(r.listener, 0)) < 0 ||
        (rc = ps_selector_open(&r.sel)) < 0 ||
        (rc = ps_selector_add(r.sel, r.listener, PS_POLLIN, NULL)) < 0) {
        if (r.sel)
            ps_selector_close(r.sel);
        ps_close(r.listener);
        return fail(text, rc);
    }
    r.listening = 1;
    ps_addr_format(&addr, name, sizeof name);
    printf("listening on %s\n", name);
    fflush(stdout);

    status = serve(&r);

    /* Whoever is still here is told, as far as the socket takes it now. */
    while (r.clients) {
        client *c = r.clients;
        static const char bye[] = "* the server is stopping\n";
        r.clients = c->next;
        ps_send(c->sock, bye, sizeof bye - 1, 0);
        ps_file_close(c->in);
        ps_close(c->sock);
        free(c->out);
        free(c);
    }
    ps_selector_close(r.sel);
    ps_close(r.listener);
    printf("server stopped\n");
    return status;
}
