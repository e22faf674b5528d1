/*
 * echo_server [--count N] [ADDRESS]
 *
 * The seed's simple server: binds ADDRESS (ps_addr_parse form, by default
 * 127.0.0.1:10000), accepts clients one after another, prints each client's
 * address and echoes what it sends. Exits cleanly on SIGINT/SIGTERM, or
 * after N clients with --count N. ADDRESS may use port 0: the line
 * "listening on ..." tells the port the system chose.
 *
 * Out of descriptors (EMFILE and the like), it says so once, rests for
 * BACKOFF_SECONDS and tries again, instead of spinning on a listener whose
 * pending connection it cannot take.
 */
#include "portsock.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Blocking calls wake this often to notice a signal: portsock retries EINTR
 * by design, so a flag plus short timeouts is how a loop learns to stop. */
#define POLL_SECONDS 0.25
#define BACKOFF_SECONDS 1.0 /* out of descriptors: how long to rest before the next accept */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int fail(const char *what, int err)
{
    fprintf(stderr, "echo_server: %s: %s (%s)\n", what, ps_strerror(err), ps_errname(err));
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: echo_server [--count N] [ADDRESS]\n");
    return 2;
}

/* Waits BACKOFF_SECONDS, in short steps so that a stop request is noticed. */
static void rest(void)
{
    double waited;
    for (waited = 0; waited < BACKOFF_SECONDS && !stop_requested; waited += POLL_SECONDS)
        ps_poll(NULL, 0, POLL_SECONDS);
}

/* Sends all of buf, waking up now and then to notice a stop request. */
static int send_all(ps_socket *conn, const char *buf, size_t len)
{
    while (len > 0 && !stop_requested) {
        size_t sent = 0;
        int rc = ps_sendall(conn, buf, len, 0, &sent);
        buf += sent;
        len -= sent;
        if (rc < 0 && rc != PS_ETIMEDOUT)
            return rc;
    }
    return 0;
}

/* Echoes one client until it closes; returns the bytes echoed or an error. */
static long long echo_client(ps_socket *conn)
{
    char buf[16384];
    long long total = 0;
    int rc;
    if ((rc = ps_settimeout(conn, POLL_SECONDS)) < 0)
        return rc;
    while (!stop_requested) {
        ptrdiff_t n = ps_recv(conn, buf, sizeof buf, 0);
        if (n == PS_ETIMEDOUT)
            continue;
        if (n <= 0)
            return n < 0 ? n : total;
        if ((rc = send_all(conn, buf, (size_t)n)) < 0)
            return rc;
        total += n;
    }
    return total;
}

static int serve(ps_socket *listener, long count)
{
    long served = 0;
    int starved = 0; /* accept ran out of descriptors; said once until it works again */
    while (!stop_requested && (count == 0 || served < count)) {
        char name[128] = "?";
        ps_socket *conn;
        ps_addr peer;
        long long echoed;
        int rc = ps_accept(listener, &conn, &peer);
        if (rc == PS_ETIMEDOUT)
            continue;
        if (rc == PS_EMFILE || rc == PS_ENFILE || rc == PS_ENOBUFS || rc == PS_ENOMEM) {
            if (!starved)
                fprintf(stderr,
                        "echo_server: accept: %s (%s); trying again every %g s (said once)\n",
                        ps_strerror(rc), ps_errname(rc), BACKOFF_SECONDS);
            starved = 1;
            rest();
            continue;
        }
        if (rc < 0) {
            fail("accept", rc);
            if (rc == PS_ECONNABORTED || rc == PS_ECONNRESET)
                continue; /* a client that gave up: the next may fare better */
            return 1;
        }
        if (starved) {
            printf("accepting again\n");
            starved = 0;
        }
        served++;
        ps_addr_format(&peer, name, sizeof name);
        printf("client %s connected\n", name);
        fflush(stdout);
        echoed = echo_client(conn);
        if (echoed < 0)
            fprintf(stderr, "echo_server: client %s: %s\n", name, ps_strerror((int)echoed));
        else
            printf("client %s done, %lld bytes echoed\n", name, echoed);
        fflush(stdout);
        ps_close(conn);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *text = "127.0.0.1:10000";
    char name[128];
    long count = 0;
    ps_socket *listener;
    ps_addr addr;
    int i, rc, status;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            char *end;
            count = strtol(argv[++i], &end, 10);
            if (*end != '\0' || count < 0)
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

    if ((rc = ps_create_server(&listener, &addr, PS_BACKLOG_DEFAULT, 0)) < 0)
        return fail(text, rc);
    if ((rc = ps_getsockname(listener, &addr)) < 0 ||
        (rc = ps_settimeout(listener, POLL_SECONDS)) < 0) {
        ps_close(listener);
        return fail(text, rc);
    }
    ps_addr_format(&addr, name, sizeof name);
    printf("listening on %s\n", name);
    fflush(stdout);

    status = serve(listener, count);
    ps_close(listener);
    printf("server stopped\n");
    return status;
}
