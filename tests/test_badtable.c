/*
 * The bad-argument table (issue 8): every public function of portsock.h,
 * called with each kind of bad argument that applies to it, and the exact
 * result its contract in portsock.h gives.
 *
 * A row names the function, the kind of bad argument, what exactly is bad,
 * the setup it needs, a small function that makes the call, and the result
 * it wants. The runner builds the setup (sockets, a stream, a selector, a
 * file), closes the socket's native handle underneath portsock for the rows
 * of that kind, makes the call, and takes everything down again, checking
 * each close: a socket whose handle was closed underneath must give the
 * dead-handle code once more from ps_close, and be freed all the same
 * (AddressSanitizer/LeakSanitizer watch every row on Linux). A row's call
 * also checks what the header promises about outputs on failure: counts
 * set to 0, buffers not written past their size, and output pointers left
 * NULL or as they were (never a pointer to something freed).
 *
 * A row of the kind "closed native handle" closes the handle after its
 * setup (with close() / closesocket() on ps_fileno's value) and makes the
 * call at once. Nothing opens a descriptor or handle between that close,
 * the call and the final ps_close, so the number cannot have been reused
 * by anything (each TEST is a process of its own, and each row builds its
 * own sockets).
 *
 * Where POSIX and Windows legitimately differ, the row gives both results
 * (PW) and says why; a program run on either target checks its own. Every
 * PS_API function of portsock.h has at least one row: CMake lists them at
 * configure time (badtable_functions.h), and a test checks the table
 * against that list both ways.
 *
 * PS_BADTABLE_VERBOSE=1 prints every row, not only the failing ones.
 */
/* ftello of a position past 2 GiB on 32-bit targets (the file rows). */
#if !defined(_WIN32) && !defined(_FILE_OFFSET_BITS)
#define _FILE_OFFSET_BITS 64
#endif
#include "ps_test.h"

#include <math.h>

#ifdef _WIN32
#include <mswsock.h> /* WSACMSGHDR in mingw-w64 (ws2def.h in Microsoft's SDK) */
#else
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include "badtable_functions.h"

/* ------------------------------------------------------------------------ */
/* Platform results                                                         */
/* ------------------------------------------------------------------------ */

/* A socket whose native handle is no longer valid: PS_EBADF on POSIX,
 * PS_ENOTSOCK on Windows (portsock.h, the conventions at its top). PW gives
 * a row's POSIX and Windows results where they legitimately differ; such a
 * row says why. */
#define DEAD TEST_DEAD_HANDLE_ERR
#ifdef _WIN32
#define PW(posix, windows) (windows)
#else
#define PW(posix, windows) (posix)
#endif

/* The epoll backend is Linux's own; elsewhere it is PS_ENOTSUP. */
#ifdef __linux__
#define EPOLL_HERE 0
#else
#define EPOLL_HERE PS_ENOTSUP
#endif

/* ------------------------------------------------------------------------ */
/* The table's types                                                        */
/* ------------------------------------------------------------------------ */

typedef enum bad_kind {
    K_NULL,        /* a NULL pointer */
    K_CLOSED,      /* the socket's native handle closed underneath */
    K_TYPE,        /* a socket (message, address) of the wrong type or state for the call */
    K_CONST,       /* an unknown constant: family, type, option, how, flags, events, mode... */
    K_NEG_TIMEOUT, /* a negative timeout (other than PS_TIMEOUT_NONE) */
    K_NAN_TIMEOUT, /* NaN, or an infinite timeout */
    K_LENGTH,      /* an absurd length or count */
    K_SMALL,       /* a too-small output buffer */
    K_ANY,         /* a function that cannot fail, given out-of-range input */
    K_COUNT
} bad_kind;

static const char *const kind_names[K_COUNT] = {
    "NULL pointer",     "closed native handle", "wrong type or state",
    "unknown constant", "negative timeout",     "NaN/infinite timeout",
    "absurd length",    "too-small buffer",     "any input",
};

/* What the runner builds before a row's call (and takes down after it). */
typedef enum bad_setup {
    S_NONE,
    S_TCP,            /* s: a TCP socket, unconnected, blocking */
    S_UDP,            /* s: a UDP socket bound to 127.0.0.1, unconnected, blocking */
    S_LISTENER,       /* s: a TCP listener on 127.0.0.1 */
    S_TCP_PAIR,       /* s, peer: a connected TCP pair, timeouts 2 s */
    S_UDP_PAIR,       /* s, peer: a connected UDP pair, timeouts 2 s */
    S_FILE_R,         /* S_TCP_PAIR, f: ps_makefile(s, "r", 0) */
    S_FILE_W,         /* S_TCP_PAIR, f: ps_makefile(s, "w", 0) */
    S_FILE_RW,        /* S_TCP_PAIR, f: ps_makefile(s, "rw", 16) */
    S_FILE_LINE,      /* S_TCP_PAIR, f: ps_makefile(s, "w", 1), line-buffered */
    S_SEL,            /* S_TCP_PAIR, sel: the default selector, s registered for PS_POLLIN */
    S_SEL_POLL,       /* the same with PS_SELECTOR_POLL */
    S_SEL_EMPTY,      /* S_TCP_PAIR, sel: the default selector, nothing registered */
    S_SEL_POLL_EMPTY, /* the same with PS_SELECTOR_POLL */
    S_DISK            /* S_TCP_PAIR, fp: a binary file of 100 bytes, at position 0 */
} bad_setup;

typedef struct bad_ctx bad_ctx;

typedef struct bad_row {
    const char *fn;   /* the public function */
    bad_kind kind;    /* the kind of bad argument */
    bad_setup setup;  /* what the call needs */
    const char *what; /* what exactly is bad, and what must happen */
    long long (*call)(bad_ctx *c);
    long long arg;   /* the call's parameter (a constant, a length or a shape: see each call) */
    long long want;  /* the result: a PS_E... code, or a value */
    const char *why; /* non-NULL: why POSIX and Windows want different results */
} bad_row;

struct bad_ctx {
    long long arg;
    ps_socket *s, *peer, *extra;
    ps_file *f;
    ps_selector *sel;
    FILE *fp;
    ps_native killed; /* the handle closed underneath, or PS_INVALID_NATIVE */
    int f_close_want; /* what the final ps_file_close of f must return */
    char broken[240]; /* why the call's outputs break the contract */
};

/* The row running now, for messages from its setup. */
static char row_label[320];

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A step of a row's setup that must succeed. */
#define NEED(expr)                                                                        \
    do {                                                                                  \
        long long need_r_ = (long long)(expr);                                            \
        if (need_r_ < 0)                                                                  \
            FAILF("%s: setup %s failed: %s", row_label, #expr, ps_errname((int)need_r_)); \
    } while (0)

static PS_TEST_PRINTF(2, 3) void broke(bad_ctx *c, const char *fmt, ...)
{
    va_list ap;
    if (c->broken[0] != '\0')
        return; /* the first one says most */
    va_start(ap, fmt);
    vsnprintf(c->broken, sizeof c->broken, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Arguments                                                                */
/* ------------------------------------------------------------------------ */

/* Output pointers start as SENTINEL: after a failure they must be NULL or
 * SENTINEL still, never an object. */
static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

static void out_left(bad_ctx *c, const char *name, const void *p)
{
    if (p != NULL && p != SENTINEL)
        broke(c, "%s holds a pointer after the failure", name);
}

/* Absurd lengths, as a row's arg (non-negative args are lengths as they are). */
#define L_SIZE_MAX (-1LL)      /* SIZE_MAX */
#define L_PTRDIFF_MAX_1 (-2LL) /* PTRDIFF_MAX + 1: more than a ptrdiff_t result can report */
#define L_INT_MAX_1 (-3LL)     /* INT_MAX + 1: more than an int holds */

static size_t len_of(long long a)
{
    switch (a) {
    case L_SIZE_MAX: return SIZE_MAX;
    case L_PTRDIFF_MAX_1: return (size_t)PTRDIFF_MAX + 1u;
    case L_INT_MAX_1: return (size_t)INT_MAX + 1u;
    default: return (size_t)a;
    }
}

/* Timeouts, as a row's arg (computed at run time: NAN and INFINITY are no
 * constant initializers everywhere, and MSVC warns about them). */
enum { TO_ONE, TO_NEG_HALF, TO_DEFAULT, TO_NEG_INF, TO_NEG_HUGE, TO_NAN, TO_POS_INF };

static double timeout_of(long long which)
{
    switch (which) {
    case TO_NEG_HALF: return -0.5;
    case TO_DEFAULT: return PS_TIMEOUT_DEFAULT;
    case TO_NEG_INF: return -test_inf();
    case TO_NEG_HUGE: return -1e300;
    case TO_NAN: return test_nan();
    case TO_POS_INF: return test_inf();
    default: return 1.0;
    }
}

/* Addresses, as a row's arg. */
enum {
    A_NULL,     /* NULL */
    A_V4,       /* 127.0.0.1:9 */
    A_V6,       /* [::1]:9 */
    A_UNIX,     /* unix:/tmp/ps-badtable-never-created */
    A_EMPTY,    /* len 0 */
    A_LONG,     /* len 5000, beyond the storage */
    A_HUGE,     /* len UINT32_MAX */
    A_ONE_BYTE, /* len 1: not even a family */
    A_SHORT_V4, /* an IPv4 address cut to 4 bytes */
    A_FAMILY77  /* an IPv4 address whose family field says 77, no family at all */
};

static const ps_addr *addr_arg(long long which, ps_addr *a)
{
    struct sockaddr sa;
    switch (which) {
    case A_NULL: return NULL;
    case A_V6: *a = test_addr("[::1]:9"); return a;
    case A_UNIX: *a = test_addr("unix:/tmp/ps-badtable-never-created"); return a;
    default: break;
    }
    *a = test_addr("127.0.0.1:9");
    switch (which) {
    case A_EMPTY: a->len = 0; break;
    case A_LONG: a->len = 5000; break;
    case A_HUGE: a->len = UINT32_MAX; break;
    case A_ONE_BYTE: a->len = 1; break;
    case A_SHORT_V4: a->len = 4; break;
    case A_FAMILY77:
        memcpy(&sa, a->storage.bytes, sizeof sa);
        sa.sa_family = 77;
        memcpy(a->storage.bytes, &sa, sizeof sa);
        break;
    default: break;
    }
    return a;
}

/* An output address after a failure: left empty or as it was. */
static void addr_out_prepare(ps_addr *a)
{
    memset(a, 0x5a, sizeof *a);
    a->len = 77;
}

static void addr_out_left(bad_ctx *c, const ps_addr *a)
{
    if (a->len != 0 && a->len != 77)
        broke(c, "the output address has length %lu after the failure", (unsigned long)a->len);
}

/* Bytes a call must not write: filled with 0x5a, checked afterwards. */
static void canary_fill(void *p, size_t n)
{
    memset(p, 0x5a, n);
}

static int canary_intact(const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0x5a)
            return 0;
    }
    return 1;
}

/* A socket a call returned: left NULL on failure, closed on (unexpected)
 * success so that a failing row leaks nothing more. */
static long long sock_out(bad_ctx *c, int r, ps_socket *o)
{
    if (r < 0)
        out_left(c, "*out", o);
    else if (o != NULL && o != SENTINEL)
        ps_close(o);
    return r;
}

static void close_native_or_fail(ps_native h)
{
    if (h == PS_INVALID_NATIVE)
        FAILF("%s: no native handle to close", row_label);
#ifdef _WIN32
    if (closesocket((SOCKET)h) != 0)
        FAILF("%s: closesocket failed (%d)", row_label, WSAGetLastError());
#else
    if (close(h) != 0)
        FAILF("%s: close failed (errno %d)", row_label, errno);
#endif
}

/* A binary file of 100 bytes, removed when closed. */
static FILE *temp_file_100(void)
{
    unsigned char bytes[100];
    FILE *f;
#ifdef _WIN32
    char dir[MAX_PATH + 1], path[MAX_PATH + 64];
    static int serial;
    DWORD n = GetTempPathA(MAX_PATH, dir);
    if (n == 0 || n >= MAX_PATH)
        FAILF("%s: GetTempPathA failed", row_label);
    snprintf(path, sizeof path, "%sps-badtable-%lu-%d.bin", dir,
             (unsigned long)GetCurrentProcessId(), serial++);
    f = fopen(path, "w+bD"); /* D: deleted when closed */
#else
    f = tmpfile();
#endif
    if (!f)
        FAILF("%s: cannot create a temporary file", row_label);
    memset(bytes, 'f', sizeof bytes);
    if (fwrite(bytes, 1, sizeof bytes, f) != sizeof bytes || fflush(f) != 0)
        FAILF("%s: cannot write the temporary file", row_label);
    rewind(f);
    return f;
}

static uint64_t file_pos(FILE *f)
{
#ifdef _WIN32
    return (uint64_t)_ftelli64(f);
#else
    return (uint64_t)ftello(f);
#endif
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static long long str_is(bad_ctx *c, const char *got, const char *want)
{
    if (got == NULL || strcmp(got, want) != 0)
        broke(c, "got \"%s\", want \"%s\"", got ? got : "(null)", want);
    return 0;
}

static long long strerror_unknown(bad_ctx *c)
{
    return str_is(c, ps_strerror((int)c->arg), "unknown error");
}

static long long strerror_success(bad_ctx *c)
{
    return str_is(c, ps_strerror((int)c->arg), "success");
}

static long long errname_unknown(bad_ctx *c)
{
    return str_is(c, ps_errname((int)c->arg), "EUNKNOWN");
}

static long long errname_ok(bad_ctx *c)
{
    return str_is(c, ps_errname((int)c->arg), "OK");
}

static long long error_from_native_of(bad_ctx *c)
{
    return ps_error_from_native((int)c->arg);
}

static long long error_native_of(bad_ctx *c)
{
    return ps_error_native((int)c->arg);
}

static const bad_row rows_errors[] = {
    {"ps_error_native", K_ANY, S_NONE, "INT_MIN: none", error_native_of, INT_MIN, 0, NULL},
    {"ps_error_native", K_ANY, S_NONE, "INT_MAX: none", error_native_of, INT_MAX, 0, NULL},
    {"ps_error_native", K_ANY, S_NONE, "PS_ESYSERR itself: none", error_native_of, PS_ESYSERR, 0,
     NULL},
    {"ps_error_native", K_ANY, S_NONE, "PS_EUNKNOWN: none", error_native_of, PS_EUNKNOWN, 0, NULL},
    {"ps_strerror", K_ANY, S_NONE, "INT_MIN: \"unknown error\"", strerror_unknown, INT_MIN, 0,
     NULL},
    {"ps_strerror", K_ANY, S_NONE, "one past the last code: \"unknown error\"", strerror_unknown,
     PS__ERROR_LAST_ - 1, 0, NULL},
    {"ps_strerror", K_ANY, S_NONE, "INT_MAX: \"success\"", strerror_success, INT_MAX, 0, NULL},
    {"ps_errname", K_ANY, S_NONE, "INT_MIN: \"EUNKNOWN\"", errname_unknown, INT_MIN, 0, NULL},
    {"ps_errname", K_ANY, S_NONE, "one past the last code: \"EUNKNOWN\"", errname_unknown,
     PS__ERROR_LAST_ - 1, 0, NULL},
    {"ps_errname", K_ANY, S_NONE, "INT_MAX: \"OK\"", errname_ok, INT_MAX, 0, NULL},
    {"ps_error_from_native", K_ANY, S_NONE, "INT_MIN: unmapped", error_from_native_of, INT_MIN,
     PS_EUNKNOWN, NULL},
    {"ps_error_from_native", K_ANY, S_NONE, "-1: unmapped", error_from_native_of, -1, PS_EUNKNOWN,
     NULL},
    {"ps_error_from_native", K_ANY, S_NONE, "0: no error", error_from_native_of, 0, 0, NULL},
};

/* ------------------------------------------------------------------------ */
/* Library lifetime                                                         */
/* ------------------------------------------------------------------------ */

#define BT_STR2(x) #x
#define BT_STR(x) BT_STR2(x)

static long long version_is_the_headers(bad_ctx *c)
{
    return str_is(
        c, ps_version(),
        BT_STR(PS_VERSION_MAJOR) "." BT_STR(PS_VERSION_MINOR) "." BT_STR(PS_VERSION_PATCH));
}

static long long init_twice_balanced(bad_ctx *c)
{
    int a = ps_init(), b = ps_init();
    (void)c;
    ps_cleanup();
    ps_cleanup();
    return a < 0 ? a : b;
}

static long long cleanup_without_init(bad_ctx *c)
{
    ps_socket *s = NULL;
    int r;
    (void)c;
    ps_cleanup();
    ps_cleanup();
    r = ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0);
    return r < 0 ? r : ps_close(s);
}

static void *bt_malloc(size_t n)
{
    return malloc(n);
}

static void *bt_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

static void *bt_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

static void bt_free(void *p)
{
    free(p);
}

/* arg: which of the four functions is NULL (0 malloc .. 3 free). */
static long long set_allocator_null(bad_ctx *c)
{
    return ps_set_allocator(c->arg == 0 ? NULL : bt_malloc, c->arg == 1 ? NULL : bt_realloc,
                            c->arg == 2 ? NULL : bt_calloc, c->arg == 3 ? NULL : bt_free);
}

/* The setup's socket is an allocation of the present (counting) allocator:
 * switching now is refused. */
static long long set_allocator_while_a_socket_is_open(bad_ctx *c)
{
    (void)c;
    return ps_set_allocator(bt_malloc, bt_realloc, bt_calloc, bt_free);
}

static const bad_row rows_library[] = {
    {"ps_set_allocator", K_NULL, S_NONE, "malloc_fn NULL", set_allocator_null, 0, PS_EINVAL, NULL},
    {"ps_set_allocator", K_NULL, S_NONE, "realloc_fn NULL", set_allocator_null, 1, PS_EINVAL, NULL},
    {"ps_set_allocator", K_NULL, S_NONE, "calloc_fn NULL", set_allocator_null, 2, PS_EINVAL, NULL},
    {"ps_set_allocator", K_NULL, S_NONE, "free_fn NULL", set_allocator_null, 3, PS_EINVAL, NULL},
    {"ps_set_allocator", K_TYPE, S_TCP, "while a socket is open: PS_EBUSY",
     set_allocator_while_a_socket_is_open, 0, PS_EBUSY, NULL},
    {"ps_version", K_ANY, S_NONE, "the header's PS_VERSION_*", version_is_the_headers, 0, 0, NULL},
    {"ps_init", K_ANY, S_NONE, "twice, then two ps_cleanup", init_twice_balanced, 0, 0, NULL},
    {"ps_cleanup", K_ANY, S_NONE, "twice without ps_init: no-op, sockets still open",
     cleanup_without_init, 0, 0, NULL},
};

/* ------------------------------------------------------------------------ */
/* Sockets: creation, identity, lifetime                                    */
/* ------------------------------------------------------------------------ */

static long long socket_open_null_out(bad_ctx *c)
{
    (void)c;
    return ps_socket_open(NULL, PS_AF_INET, PS_SOCK_STREAM, 0);
}

static long long socket_open_family(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_socket_open(&o, (int)c->arg, PS_SOCK_STREAM, 0);
    return sock_out(c, r, o);
}

static long long socket_open_type(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_socket_open(&o, PS_AF_INET, (int)c->arg, 0);
    return sock_out(c, r, o);
}

static long long socket_open_protocol(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_socket_open(&o, PS_AF_INET, PS_SOCK_STREAM, (int)c->arg);
    return sock_out(c, r, o);
}

static long long close_of(bad_ctx *c)
{
    ps_socket *s = c->s;
    c->s = NULL; /* gone, whatever ps_close says */
    return ps_close(s);
}

static long long detach_of(bad_ctx *c)
{
    ps_socket *s = c->s;
    ps_native h;
    c->s = NULL;
    h = ps_detach(s);
    if (s == NULL && h != PS_INVALID_NATIVE)
        broke(c, "not PS_INVALID_NATIVE");
    if (s != NULL && h != c->killed)
        broke(c, "not the handle's old value");
    return 0;
}

static long long fileno_of(bad_ctx *c)
{
    ps_native h = ps_fileno(c->s);
    if (c->s == NULL && h != PS_INVALID_NATIVE)
        broke(c, "not PS_INVALID_NATIVE");
    if (c->s != NULL && h != c->killed)
        broke(c, "not the handle's old value");
    return 0;
}

static long long family_of(bad_ctx *c)
{
    return ps_family(c->s);
}

static long long type_of(bad_ctx *c)
{
    return ps_type(c->s);
}

static long long from_native_null_out(bad_ctx *c)
{
    return ps_socket_from_native(NULL, ps_fileno(c->s));
}

static long long from_native_closed(bad_ctx *c)
{
    ps_socket *s = NULL, *o = (ps_socket *)SENTINEL;
    ps_native h;
    int r;
    NEED(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    h = ps_detach(s);
    close_native_or_fail(h);
    /* nothing opened since: h names nothing now */
    r = ps_socket_from_native(&o, h);
    return sock_out(c, r, o);
}

static long long from_native_invalid(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_socket_from_native(&o, PS_INVALID_NATIVE);
    return sock_out(c, r, o);
}

/* A handle that is no socket: a pipe's descriptor, an event's HANDLE. It
 * stays the caller's, open. */
static long long from_native_no_socket(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r;
#ifdef _WIN32
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    if (ev == NULL)
        FAILF("%s: CreateEventA failed", row_label);
    r = ps_socket_from_native(&o, (ps_native)(uintptr_t)ev);
    if (!CloseHandle(ev))
        broke(c, "the handle was closed");
#else
    int p[2];
    if (pipe(p) != 0)
        FAILF("%s: pipe failed", row_label);
    r = ps_socket_from_native(&o, p[0]);
    if (fcntl(p[0], F_GETFD) < 0)
        broke(c, "the descriptor was closed");
    close(p[0]);
    close(p[1]);
#endif
    return sock_out(c, r, o);
}

#ifdef __linux__
/* A socket type portsock has no name for: an AF_UNIX SOCK_SEQPACKET. */
static long long from_native_seqpacket(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r, fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (fd < 0)
        FAILF("%s: socket(AF_UNIX, SOCK_SEQPACKET) failed (errno %d)", row_label, errno);
    r = ps_socket_from_native(&o, fd);
    if (fcntl(fd, F_GETFD) < 0)
        broke(c, "the descriptor was closed");
    close(fd);
    return sock_out(c, r, o);
}
#endif

static long long dup_of(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_dup(c->s, &o);
    return sock_out(c, r, o);
}

static long long dup_null_out(bad_ctx *c)
{
    return ps_dup(c->s, NULL);
}

static long long get_inheritable_of(bad_ctx *c)
{
    return ps_get_inheritable(c->s);
}

static long long set_inheritable_of(bad_ctx *c)
{
    return ps_set_inheritable(c->s, 0);
}

static long long pair_out(bad_ctx *c, int r, ps_socket *p[2])
{
    if (r < 0) {
        out_left(c, "pair[0]", p[0]);
        out_left(c, "pair[1]", p[1]);
    } else {
        ps_close(p[0]);
        ps_close(p[1]);
    }
    return r;
}

static long long socketpair_null(bad_ctx *c)
{
    (void)c;
    return ps_socketpair(NULL, PS_AF_UNSPEC, PS_SOCK_STREAM);
}

static long long socketpair_family(bad_ctx *c)
{
    ps_socket *p[2];
    p[0] = p[1] = (ps_socket *)SENTINEL;
    return pair_out(c, ps_socketpair(p, (int)c->arg, PS_SOCK_STREAM), p);
}

static long long socketpair_type(bad_ctx *c)
{
    ps_socket *p[2];
    p[0] = p[1] = (ps_socket *)SENTINEL;
    return pair_out(c, ps_socketpair(p, PS_AF_INET, (int)c->arg), p);
}

static long long socketpair_unix_dgram(bad_ctx *c)
{
    ps_socket *p[2];
    p[0] = p[1] = (ps_socket *)SENTINEL;
    return pair_out(c, ps_socketpair(p, PS_AF_UNIX, PS_SOCK_DGRAM), p);
}

static const bad_row rows_sockets[] = {
    {"ps_socket_open", K_NULL, S_NONE, "out NULL", socket_open_null_out, 0, PS_EINVAL, NULL},
    {"ps_socket_open", K_CONST, S_NONE, "family 99", socket_open_family, 99, PS_EINVAL, NULL},
    {"ps_socket_open", K_CONST, S_NONE, "family -1", socket_open_family, -1, PS_EINVAL, NULL},
    {"ps_socket_open", K_CONST, S_NONE, "family PS_AF_UNSPEC", socket_open_family, PS_AF_UNSPEC,
     PS_EAFNOSUPPORT, NULL},
    {"ps_socket_open", K_CONST, S_NONE, "type 99", socket_open_type, 99, PS_EINVAL, NULL},
    {"ps_socket_open", K_CONST, S_NONE, "type 0", socket_open_type, 0, PS_EINVAL, NULL},
    {"ps_socket_open", K_CONST, S_NONE, "protocol -1", socket_open_protocol, -1, PS_EINVAL, NULL},
    {"ps_socket_open", K_TYPE, S_NONE, "stream with UDP's protocol 17", socket_open_protocol, 17,
     PS_EPROTONOSUPPORT, NULL},
    {"ps_close", K_NULL, S_NONE, "s NULL", close_of, 0, PS_EINVAL, NULL},
    {"ps_close", K_CLOSED, S_TCP, "reports the dead handle, frees the object", close_of, 0, DEAD,
     NULL},
    {"ps_detach", K_NULL, S_NONE, "s NULL: PS_INVALID_NATIVE", detach_of, 0, 0, NULL},
    {"ps_detach", K_CLOSED, S_TCP, "the old value, object freed", detach_of, 0, 0, NULL},
    {"ps_fileno", K_NULL, S_NONE, "s NULL: PS_INVALID_NATIVE", fileno_of, 0, 0, NULL},
    {"ps_fileno", K_CLOSED, S_TCP, "the old value", fileno_of, 0, 0, NULL},
    {"ps_family", K_NULL, S_NONE, "s NULL", family_of, 0, PS_EINVAL, NULL},
    {"ps_family", K_CLOSED, S_TCP, "the object's family", family_of, 0, PS_AF_INET, NULL},
    {"ps_type", K_NULL, S_NONE, "s NULL", type_of, 0, PS_EINVAL, NULL},
    {"ps_type", K_CLOSED, S_TCP, "the object's type", type_of, 0, PS_SOCK_STREAM, NULL},
    {"ps_socket_from_native", K_NULL, S_TCP, "out NULL", from_native_null_out, 0, PS_EINVAL, NULL},
    {"ps_socket_from_native", K_CLOSED, S_NONE, "a handle closed before adoption",
     from_native_closed, 0, DEAD, NULL},
    {"ps_socket_from_native", K_CONST, S_NONE, "PS_INVALID_NATIVE", from_native_invalid, 0,
     PS_EBADF, NULL},
    {"ps_socket_from_native", K_TYPE, S_NONE, "a handle that is no socket, left open",
     from_native_no_socket, 0, PS_ENOTSOCK, NULL},
#ifdef __linux__
    {"ps_socket_from_native", K_TYPE, S_NONE, "an AF_UNIX SOCK_SEQPACKET socket, left open",
     from_native_seqpacket, 0, PS_ENOTSUP, NULL},
#endif
    {"ps_dup", K_NULL, S_NONE, "s NULL", dup_of, 0, PS_EINVAL, NULL},
    {"ps_dup", K_NULL, S_TCP, "out NULL", dup_null_out, 0, PS_EINVAL, NULL},
    {"ps_dup", K_CLOSED, S_TCP, "no duplicate", dup_of, 0, DEAD, NULL},
    {"ps_get_inheritable", K_NULL, S_NONE, "s NULL", get_inheritable_of, 0, PS_EINVAL, NULL},
    {"ps_get_inheritable", K_CLOSED, S_TCP, "", get_inheritable_of, 0, DEAD, NULL},
    {"ps_set_inheritable", K_NULL, S_NONE, "s NULL", set_inheritable_of, 0, PS_EINVAL, NULL},
    {"ps_set_inheritable", K_CLOSED, S_TCP, "", set_inheritable_of, 0, DEAD, NULL},
    {"ps_socketpair", K_NULL, S_NONE, "pair NULL", socketpair_null, 0, PS_EINVAL, NULL},
    {"ps_socketpair", K_CONST, S_NONE, "family 99", socketpair_family, 99, PS_EINVAL, NULL},
    {"ps_socketpair", K_CONST, S_NONE, "type 99", socketpair_type, 99, PS_EINVAL, NULL},
    {"ps_socketpair", K_TYPE, S_NONE, "PS_AF_UNIX datagrams", socketpair_unix_dgram, 0,
     PW(0, PS_EAFNOSUPPORT),
     "Windows' AF_UNIX has streams only (Wine has none): PS_EAFNOSUPPORT, as the header says; "
     "POSIX pairs datagrams"},
};

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

static long long setopt_of(bad_ctx *c)
{
    return ps_setopt(c->s, (int)c->arg, 1);
}

static long long setopt_rcvbuf(bad_ctx *c)
{
    return ps_setopt(c->s, PS_OPT_RCVBUF, (int)c->arg);
}

static long long setopt_sndbuf(bad_ctx *c)
{
    return ps_setopt(c->s, PS_OPT_SNDBUF, (int)c->arg);
}

static long long setopt_linger(bad_ctx *c)
{
    int r = ps_setopt(c->s, PS_OPT_LINGER, (int)c->arg);
    if (r == 0)
        NEED(ps_setopt(c->s, PS_OPT_LINGER, -1));
    return r;
}

static long long getopt_of(bad_ctx *c)
{
    int v = 12345;
    int r = ps_getopt(c->s, (int)c->arg, &v);
    if (r < 0 && v != 12345)
        broke(c, "*value became %d on failure", v);
    return r;
}

static long long getopt_null_value(bad_ctx *c)
{
    return ps_getopt(c->s, PS_OPT_KEEPALIVE, NULL);
}

/* An option name SOL_SOCKET has not (arg), or SO_KEEPALIVE. */
#define UNKNOWN_SOCKOPT 0x7ff1

static long long setsockopt_native_of(bad_ctx *c)
{
    int v = 1;
    return ps_setsockopt_native(c->s, SOL_SOCKET, (int)c->arg, &v, sizeof v);
}

static long long setsockopt_native_null_v(bad_ctx *c)
{
    return ps_setsockopt_native(c->s, SOL_SOCKET, SO_KEEPALIVE, NULL, sizeof(int));
}

static long long setsockopt_native_len(bad_ctx *c)
{
    int v = 1;
    return ps_setsockopt_native(c->s, SOL_SOCKET, SO_KEEPALIVE, &v, len_of(c->arg));
}

static long long getsockopt_native_of(bad_ctx *c)
{
    int v = 12345;
    size_t len = sizeof v;
    int r = ps_getsockopt_native(c->s, SOL_SOCKET, (int)c->arg, &v, &len);
    if (r < 0 && len != sizeof v)
        broke(c, "*len became %zu on failure", len);
    return r;
}

static long long getsockopt_native_null_len(bad_ctx *c)
{
    int v = 0;
    return ps_getsockopt_native(c->s, SOL_SOCKET, SO_TYPE, &v, NULL);
}

static long long getsockopt_native_null_v(bad_ctx *c)
{
    size_t len = sizeof(int);
    return ps_getsockopt_native(c->s, SOL_SOCKET, SO_TYPE, NULL, &len);
}

static long long getsockopt_native_len(bad_ctx *c)
{
    int v = 0;
    size_t len = len_of(c->arg), before = len;
    int r = ps_getsockopt_native(c->s, SOL_SOCKET, SO_TYPE, &v, &len);
    if (r < 0 && len != before)
        broke(c, "*len changed on failure");
    return r;
}

static long long getsockopt_native_one_byte(bad_ctx *c)
{
    unsigned char b[8];
    size_t len = 1;
    int r;
    canary_fill(b, sizeof b);
    r = ps_getsockopt_native(c->s, SOL_SOCKET, SO_TYPE, b, &len);
    if (!canary_intact(b + 1, sizeof b - 1))
        broke(c, "bytes past *len were written");
    if (r == 0 && len != 1)
        broke(c, "*len is %zu, more than the buffer", len);
    return r;
}

static const bad_row rows_options[] = {
    {"ps_setopt", K_NULL, S_NONE, "s NULL", setopt_of, PS_OPT_KEEPALIVE, PS_EINVAL, NULL},
    {"ps_setopt", K_CLOSED, S_TCP, "PS_OPT_KEEPALIVE", setopt_of, PS_OPT_KEEPALIVE, DEAD, NULL},
    {"ps_setopt", K_CONST, S_TCP, "opt 999", setopt_of, 999, PS_EINVAL, NULL},
    {"ps_setopt", K_CONST, S_TCP, "opt 0", setopt_of, 0, PS_EINVAL, NULL},
    {"ps_setopt", K_CONST, S_TCP, "opt -1", setopt_of, -1, PS_EINVAL, NULL},
    {"ps_setopt", K_CONST, S_TCP, "get-only PS_OPT_ERROR", setopt_of, PS_OPT_ERROR, PS_EINVAL,
     NULL},
    {"ps_setopt", K_CONST, S_TCP, "get-only PS_OPT_TYPE", setopt_of, PS_OPT_TYPE, PS_EINVAL, NULL},
    {"ps_setopt", K_CONST, S_TCP, "PS_OPT_LINGER -2", setopt_linger, -2, PS_EINVAL, NULL},
    {"ps_setopt", K_CONST, S_TCP, "PS_OPT_LINGER 70000 s", setopt_linger, 70000, PW(0, PS_EINVAL),
     "Winsock's l_linger is a u_short (at most 65535 s), POSIX's an int"},
    {"ps_setopt", K_LENGTH, S_TCP, "PS_OPT_RCVBUF 0 bytes", setopt_rcvbuf, 0, PS_EINVAL, NULL},
    {"ps_setopt", K_LENGTH, S_TCP, "PS_OPT_SNDBUF -5 bytes", setopt_sndbuf, -5, PS_EINVAL, NULL},
    {"ps_setopt", K_TYPE, S_UDP, "PS_OPT_NODELAY on UDP", setopt_of, PS_OPT_NODELAY, PS_ENOTSUP,
     NULL},
    {"ps_setopt", K_TYPE, S_TCP, "PS_OPT_BROADCAST on TCP", setopt_of, PS_OPT_BROADCAST, PS_ENOTSUP,
     NULL},
    {"ps_setopt", K_TYPE, S_TCP, "PS_OPT_V6ONLY on IPv4", setopt_of, PS_OPT_V6ONLY, PS_ENOTSUP,
     NULL},
    {"ps_setopt", K_TYPE, S_TCP, "PS_OPT_PKTINFO on TCP", setopt_of, PS_OPT_PKTINFO, PS_ENOTSUP,
     NULL},
    {"ps_getopt", K_NULL, S_NONE, "s NULL", getopt_of, PS_OPT_KEEPALIVE, PS_EINVAL, NULL},
    {"ps_getopt", K_NULL, S_TCP, "value NULL", getopt_null_value, 0, PS_EINVAL, NULL},
    {"ps_getopt", K_CLOSED, S_TCP, "PS_OPT_TYPE, value untouched", getopt_of, PS_OPT_TYPE, DEAD,
     NULL},
    {"ps_getopt", K_CLOSED, S_TCP, "PS_OPT_ERROR, value untouched", getopt_of, PS_OPT_ERROR, DEAD,
     NULL},
    {"ps_getopt", K_CLOSED, S_TCP, "PS_OPT_KEEPALIVE, value untouched", getopt_of, PS_OPT_KEEPALIVE,
     DEAD, NULL},
    {"ps_getopt", K_CONST, S_TCP, "opt 999, value untouched", getopt_of, 999, PS_EINVAL, NULL},
    {"ps_getopt", K_TYPE, S_UDP, "PS_OPT_NODELAY on UDP", getopt_of, PS_OPT_NODELAY, PS_ENOTSUP,
     NULL},
    {"ps_getopt", K_TYPE, S_TCP, "PS_OPT_V6ONLY on IPv4", getopt_of, PS_OPT_V6ONLY, PS_ENOTSUP,
     NULL},
    {"ps_setsockopt_native", K_NULL, S_NONE, "s NULL", setsockopt_native_of, SO_KEEPALIVE,
     PS_EINVAL, NULL},
    {"ps_setsockopt_native", K_NULL, S_TCP, "v NULL, len 4", setsockopt_native_null_v, 0, PS_EINVAL,
     NULL},
    {"ps_setsockopt_native", K_CLOSED, S_TCP, "SO_KEEPALIVE", setsockopt_native_of, SO_KEEPALIVE,
     DEAD, NULL},
    {"ps_setsockopt_native", K_CONST, S_TCP, "an option name SOL_SOCKET has not",
     setsockopt_native_of, UNKNOWN_SOCKOPT, PS_ENOPROTOOPT, NULL},
    {"ps_setsockopt_native", K_LENGTH, S_TCP, "len INT_MAX + 1", setsockopt_native_len, L_INT_MAX_1,
     PS_EINVAL, NULL},
    {"ps_setsockopt_native", K_LENGTH, S_TCP, "len SIZE_MAX", setsockopt_native_len, L_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_getsockopt_native", K_NULL, S_NONE, "s NULL", getsockopt_native_of, SO_TYPE, PS_EINVAL,
     NULL},
    {"ps_getsockopt_native", K_NULL, S_TCP, "len NULL", getsockopt_native_null_len, 0, PS_EINVAL,
     NULL},
    {"ps_getsockopt_native", K_NULL, S_TCP, "v NULL, *len 4", getsockopt_native_null_v, 0,
     PS_EINVAL, NULL},
    {"ps_getsockopt_native", K_CLOSED, S_TCP, "SO_TYPE, *len untouched", getsockopt_native_of,
     SO_TYPE, DEAD, NULL},
    {"ps_getsockopt_native", K_CONST, S_TCP, "an option name SOL_SOCKET has not",
     getsockopt_native_of, UNKNOWN_SOCKOPT, PS_ENOPROTOOPT, NULL},
    {"ps_getsockopt_native", K_LENGTH, S_TCP, "*len INT_MAX + 1, untouched", getsockopt_native_len,
     L_INT_MAX_1, PS_EINVAL, NULL},
    {"ps_getsockopt_native", K_SMALL, S_TCP, "SO_TYPE into 1 byte, nothing written past it",
     getsockopt_native_one_byte, 0, PW(0, PS_EINVAL),
     "the native pass-through hands on the OS's answer: Linux cuts the value to the buffer, "
     "Winsock refuses a short one (WSAEFAULT)"},
};

/* ------------------------------------------------------------------------ */
/* Connections                                                              */
/* ------------------------------------------------------------------------ */

static long long bind_to(bad_ctx *c)
{
    ps_addr a;
    return ps_bind(c->s, addr_arg(c->arg, &a));
}

static long long listen_of(bad_ctx *c)
{
    return ps_listen(c->s, 5);
}

static long long listen_backlog(bad_ctx *c)
{
    ps_addr a = test_addr("127.0.0.1:0");
    NEED(ps_bind(c->s, &a));
    return ps_listen(c->s, (int)c->arg);
}

static long long accept_of(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr peer;
    int r = ps_accept(c->s, &o, &peer);
    return sock_out(c, r, o);
}

static long long accept_null_conn(bad_ctx *c)
{
    return ps_accept(c->s, NULL, NULL);
}

static long long connect_to(bad_ctx *c)
{
    ps_addr a;
    return ps_connect(c->s, addr_arg(c->arg, &a));
}

static long long connect_ex_to(bad_ctx *c)
{
    ps_addr a;
    return ps_connect_ex(c->s, addr_arg(c->arg, &a));
}

static long long getsockname_of(bad_ctx *c)
{
    ps_addr a;
    int r;
    addr_out_prepare(&a);
    r = ps_getsockname(c->s, &a);
    if (r < 0)
        addr_out_left(c, &a);
    return r;
}

static long long getsockname_null_out(bad_ctx *c)
{
    return ps_getsockname(c->s, NULL);
}

static long long getpeername_of(bad_ctx *c)
{
    ps_addr a;
    int r;
    addr_out_prepare(&a);
    r = ps_getpeername(c->s, &a);
    if (r < 0)
        addr_out_left(c, &a);
    return r;
}

static long long getpeername_null_out(bad_ctx *c)
{
    return ps_getpeername(c->s, NULL);
}

static long long shutdown_how(bad_ctx *c)
{
    return ps_shutdown(c->s, (int)c->arg);
}

static const bad_row rows_connections[] = {
    {"ps_bind", K_NULL, S_NONE, "s NULL", bind_to, A_V4, PS_EINVAL, NULL},
    {"ps_bind", K_NULL, S_TCP, "a NULL", bind_to, A_NULL, PS_EINVAL, NULL},
    {"ps_bind", K_CLOSED, S_TCP, "", bind_to, A_V4, DEAD, NULL},
    {"ps_bind", K_LENGTH, S_TCP, "a.len 0", bind_to, A_EMPTY, PS_EINVAL, NULL},
    {"ps_bind", K_LENGTH, S_TCP, "a.len 5000", bind_to, A_LONG, PS_EINVAL, NULL},
    {"ps_bind", K_LENGTH, S_TCP, "a.len UINT32_MAX", bind_to, A_HUGE, PS_EINVAL, NULL},
    {"ps_bind", K_LENGTH, S_TCP, "an IPv4 address cut to 4 bytes", bind_to, A_SHORT_V4, PS_EINVAL,
     NULL},
    {"ps_bind", K_CONST, S_TCP, "address family 77", bind_to, A_FAMILY77, PS_EINVAL, NULL},
    {"ps_bind", K_TYPE, S_TCP, "an IPv6 address on an IPv4 socket", bind_to, A_V6, PS_EAFNOSUPPORT,
     NULL},
    {"ps_listen", K_NULL, S_NONE, "s NULL", listen_of, 0, PS_EINVAL, NULL},
    {"ps_listen", K_CLOSED, S_TCP, "", listen_of, 0, DEAD, NULL},
    {"ps_listen", K_TYPE, S_UDP, "a UDP socket", listen_of, 0, PS_ENOTSUP, NULL},
    {"ps_listen", K_CONST, S_TCP, "backlog INT_MIN counts as 0", listen_backlog, INT_MIN, 0, NULL},
    {"ps_accept", K_NULL, S_NONE, "s NULL", accept_of, 0, PS_EINVAL, NULL},
    {"ps_accept", K_NULL, S_LISTENER, "conn NULL", accept_null_conn, 0, PS_EINVAL, NULL},
    {"ps_accept", K_CLOSED, S_LISTENER, "conn left NULL", accept_of, 0, DEAD, NULL},
    {"ps_accept", K_TYPE, S_UDP, "a UDP socket", accept_of, 0, PS_ENOTSUP, NULL},
    {"ps_accept", K_TYPE, S_TCP, "a TCP socket that does not listen", accept_of, 0, PS_EINVAL,
     NULL},
    {"ps_connect", K_NULL, S_NONE, "s NULL", connect_to, A_V4, PS_EINVAL, NULL},
    {"ps_connect", K_NULL, S_TCP, "a NULL", connect_to, A_NULL, PS_EINVAL, NULL},
    {"ps_connect", K_CLOSED, S_TCP, "", connect_to, A_V4, DEAD, NULL},
    {"ps_connect", K_LENGTH, S_TCP, "a.len 0", connect_to, A_EMPTY, PS_EINVAL, NULL},
    {"ps_connect", K_LENGTH, S_TCP, "a.len 5000", connect_to, A_LONG, PS_EINVAL, NULL},
    {"ps_connect", K_CONST, S_TCP, "address family 77", connect_to, A_FAMILY77, PS_EINVAL, NULL},
    {"ps_connect", K_TYPE, S_TCP, "an IPv6 address on an IPv4 socket", connect_to, A_V6,
     PS_EAFNOSUPPORT, NULL},
    {"ps_connect_ex", K_NULL, S_NONE, "s NULL: a portsock code", connect_ex_to, A_V4, PS_EINVAL,
     NULL},
    {"ps_connect_ex", K_NULL, S_TCP, "a NULL: a portsock code", connect_ex_to, A_NULL, PS_EINVAL,
     NULL},
    {"ps_connect_ex", K_CLOSED, S_TCP, "the OS's own number", connect_ex_to, A_V4,
     PW(EBADF, WSAENOTSOCK),
     "connect_ex returns the OS's own error number (header): errno EBADF on POSIX, WSAENOTSOCK "
     "on Windows"},
    {"ps_connect_ex", K_LENGTH, S_TCP, "a.len 0: a portsock code", connect_ex_to, A_EMPTY,
     PS_EINVAL, NULL},
    {"ps_connect_ex", K_CONST, S_TCP, "address family 77: a portsock code", connect_ex_to,
     A_FAMILY77, PS_EINVAL, NULL},
    {"ps_connect_ex", K_TYPE, S_TCP, "an IPv6 address on an IPv4 socket: a portsock code",
     connect_ex_to, A_V6, PS_EAFNOSUPPORT, NULL},
    {"ps_getsockname", K_NULL, S_NONE, "s NULL", getsockname_of, 0, PS_EINVAL, NULL},
    {"ps_getsockname", K_NULL, S_TCP, "out NULL", getsockname_null_out, 0, PS_EINVAL, NULL},
    {"ps_getsockname", K_CLOSED, S_TCP, "out left empty", getsockname_of, 0, DEAD, NULL},
    {"ps_getpeername", K_NULL, S_NONE, "s NULL", getpeername_of, 0, PS_EINVAL, NULL},
    {"ps_getpeername", K_NULL, S_TCP, "out NULL", getpeername_null_out, 0, PS_EINVAL, NULL},
    {"ps_getpeername", K_CLOSED, S_TCP_PAIR, "out left empty", getpeername_of, 0, DEAD, NULL},
    {"ps_getpeername", K_TYPE, S_TCP, "an unconnected TCP socket", getpeername_of, 0, PS_ENOTCONN,
     NULL},
    {"ps_getpeername", K_TYPE, S_UDP, "an unconnected UDP socket", getpeername_of, 0, PS_ENOTCONN,
     NULL},
    {"ps_shutdown", K_NULL, S_NONE, "s NULL", shutdown_how, PS_SHUT_WR, PS_EINVAL, NULL},
    {"ps_shutdown", K_CLOSED, S_TCP_PAIR, "", shutdown_how, PS_SHUT_RDWR, DEAD, NULL},
    {"ps_shutdown", K_CONST, S_TCP_PAIR, "how 3", shutdown_how, 3, PS_EINVAL, NULL},
    {"ps_shutdown", K_CONST, S_TCP_PAIR, "how -1", shutdown_how, -1, PS_EINVAL, NULL},
    {"ps_shutdown", K_TYPE, S_TCP, "an unconnected TCP socket", shutdown_how, PS_SHUT_WR,
     PS_ENOTCONN, NULL},
};

/* ------------------------------------------------------------------------ */
/* create_connection / create_server                                        */
/* ------------------------------------------------------------------------ */

static long long create_connection_null_out(bad_ctx *c)
{
    (void)c;
    return ps_create_connection(NULL, "127.0.0.1", "9", 1.0, NULL);
}

static long long create_connection_null_host(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_create_connection(&o, NULL, "9", 1.0, NULL);
    return sock_out(c, r, o);
}

static long long create_connection_null_port(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_create_connection(&o, "127.0.0.1", NULL, 1.0, NULL);
    return sock_out(c, r, o);
}

static long long create_connection_timeout(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    int r = ps_create_connection(&o, "127.0.0.1", "9", timeout_of(c->arg), NULL);
    return sock_out(c, r, o);
}

static long long create_connection_source(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a;
    int r = ps_create_connection(&o, "127.0.0.1", "9", 1.0, addr_arg(c->arg, &a));
    return sock_out(c, r, o);
}

static long long addrs_null_out(bad_ctx *c)
{
    ps_addr a;
    (void)c;
    return ps_create_connection_addrs(NULL, addr_arg(A_V4, &a), 1, 1.0, NULL);
}

static long long addrs_of(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a;
    int r = ps_create_connection_addrs(&o, addr_arg(c->arg, &a), 1, 1.0, NULL);
    return sock_out(c, r, o);
}

static long long addrs_count(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a;
    int r = ps_create_connection_addrs(&o, addr_arg(A_V4, &a), len_of(c->arg), 1.0, NULL);
    return sock_out(c, r, o);
}

static long long addrs_timeout(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a;
    int r = ps_create_connection_addrs(&o, addr_arg(A_V4, &a), 1, timeout_of(c->arg), NULL);
    return sock_out(c, r, o);
}

static long long addrs_source(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a, src;
    int r = ps_create_connection_addrs(&o, addr_arg(A_V4, &a), 1, 1.0, addr_arg(c->arg, &src));
    return sock_out(c, r, o);
}

static long long server_null_out(bad_ctx *c)
{
    ps_addr a;
    (void)c;
    return ps_create_server(NULL, addr_arg(A_V4, &a), 5, 0);
}

static long long server_at(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a;
    int r = ps_create_server(&o, addr_arg(c->arg, &a), 5, 0);
    return sock_out(c, r, o);
}

static long long server_flags(bad_ctx *c)
{
    ps_socket *o = (ps_socket *)SENTINEL;
    ps_addr a;
    int r = ps_create_server(&o, addr_arg(A_V4, &a), 5, (int)c->arg);
    return sock_out(c, r, o);
}

static const bad_row rows_create[] = {
    {"ps_create_connection", K_NULL, S_NONE, "out NULL", create_connection_null_out, 0, PS_EINVAL,
     NULL},
    {"ps_create_connection", K_NULL, S_NONE, "host NULL", create_connection_null_host, 0, PS_EINVAL,
     NULL},
    {"ps_create_connection", K_NULL, S_NONE, "port NULL", create_connection_null_port, 0, PS_EINVAL,
     NULL},
    {"ps_create_connection", K_NEG_TIMEOUT, S_NONE, "timeout -0.5", create_connection_timeout,
     TO_NEG_HALF, PS_EINVAL, NULL},
    {"ps_create_connection", K_NEG_TIMEOUT, S_NONE, "timeout -INFINITY", create_connection_timeout,
     TO_NEG_INF, PS_EINVAL, NULL},
    {"ps_create_connection", K_NAN_TIMEOUT, S_NONE, "timeout NaN", create_connection_timeout,
     TO_NAN, PS_EINVAL, NULL},
    {"ps_create_connection", K_NAN_TIMEOUT, S_NONE, "timeout +INFINITY", create_connection_timeout,
     TO_POS_INF, PS_EINVAL, NULL},
    {"ps_create_connection", K_LENGTH, S_NONE, "source.len 0", create_connection_source, A_EMPTY,
     PS_EINVAL, NULL},
    {"ps_create_connection", K_TYPE, S_NONE, "an IPv6 source for an IPv4 host",
     create_connection_source, A_V6, PS_EAFNOSUPPORT, NULL},
    {"ps_create_connection_addrs", K_NULL, S_NONE, "out NULL", addrs_null_out, 0, PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_NULL, S_NONE, "addrs NULL", addrs_of, A_NULL, PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_LENGTH, S_NONE, "n 0", addrs_count, 0, PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_LENGTH, S_NONE, "addrs[0].len 0", addrs_of, A_EMPTY, PS_EINVAL,
     NULL},
    {"ps_create_connection_addrs", K_LENGTH, S_NONE, "addrs[0].len 5000", addrs_of, A_LONG,
     PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_CONST, S_NONE, "addrs[0] of family 77", addrs_of, A_FAMILY77,
     PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_NEG_TIMEOUT, S_NONE, "timeout -0.5", addrs_timeout,
     TO_NEG_HALF, PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_NEG_TIMEOUT, S_NONE, "timeout -1e300", addrs_timeout,
     TO_NEG_HUGE, PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_NAN_TIMEOUT, S_NONE, "timeout NaN", addrs_timeout, TO_NAN,
     PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_NAN_TIMEOUT, S_NONE, "timeout +INFINITY", addrs_timeout,
     TO_POS_INF, PS_EINVAL, NULL},
    {"ps_create_connection_addrs", K_TYPE, S_NONE, "an IPv6 source for an IPv4 address",
     addrs_source, A_V6, PS_EAFNOSUPPORT, NULL},
    {"ps_create_server", K_NULL, S_NONE, "out NULL", server_null_out, 0, PS_EINVAL, NULL},
    {"ps_create_server", K_NULL, S_NONE, "a NULL", server_at, A_NULL, PS_EINVAL, NULL},
    {"ps_create_server", K_LENGTH, S_NONE, "a.len 0", server_at, A_EMPTY, PS_EINVAL, NULL},
    {"ps_create_server", K_CONST, S_NONE, "address family 77", server_at, A_FAMILY77, PS_EINVAL,
     NULL},
    {"ps_create_server", K_CONST, S_NONE, "flags 0x4000", server_flags, 0x4000, PS_EINVAL, NULL},
    {"ps_create_server", K_TYPE, S_NONE, "PS_SERVER_DUALSTACK on an IPv4 address", server_flags,
     PS_SERVER_DUALSTACK, PS_EINVAL, NULL},
};

/* ------------------------------------------------------------------------ */
/* Data                                                                     */
/* ------------------------------------------------------------------------ */

/* Lengths above INT_MAX are legal for the data calls: test_bigio checks
 * them with buffers that large. Here only lengths no result can report. */
static long long recv_of(bad_ctx *c)
{
    char buf[16];
    return ps_recv(c->s, buf, sizeof buf, (int)c->arg);
}

static long long recv_null_buf(bad_ctx *c)
{
    return ps_recv(c->s, NULL, 10, 0);
}

static long long recv_len(bad_ctx *c)
{
    char buf[16];
    return ps_recv(c->s, buf, len_of(c->arg), 0);
}

/* A datagram longer than the buffer: its first bytes, and nothing written
 * past the length given. */
static long long recv_datagram_cut(bad_ctx *c)
{
    char buf[12];
    ptrdiff_t r;
    canary_fill(buf, sizeof buf);
    NEED(ps_send(c->peer, "0123456789", 10, 0));
    r = ps_recv(c->s, buf, 4, 0);
    if (r == 4 && memcmp(buf, "0123", 4) != 0)
        broke(c, "not the datagram's first bytes");
    if (!canary_intact(buf + 4, sizeof buf - 4))
        broke(c, "bytes past len were written");
    return r;
}

static long long recvfrom_of(bad_ctx *c)
{
    char buf[16];
    ps_addr from;
    return ps_recvfrom(c->s, buf, sizeof buf, (int)c->arg, &from);
}

static long long recvfrom_null_buf(bad_ctx *c)
{
    ps_addr from;
    return ps_recvfrom(c->s, NULL, 10, 0, &from);
}

static long long recvfrom_len(bad_ctx *c)
{
    char buf[16];
    ps_addr from;
    return ps_recvfrom(c->s, buf, len_of(c->arg), 0, &from);
}

static long long recvfrom_datagram_cut(bad_ctx *c)
{
    char buf[12];
    ps_addr from, peer;
    ptrdiff_t r;
    canary_fill(buf, sizeof buf);
    NEED(ps_getsockname(c->peer, &peer));
    NEED(ps_send(c->peer, "0123456789", 10, 0));
    r = ps_recvfrom(c->s, buf, 4, 0, &from);
    if (r == 4 && (memcmp(buf, "0123", 4) != 0 || !test_addr_equal(&from, &peer)))
        broke(c, "not the datagram's first bytes and its source");
    if (!canary_intact(buf + 4, sizeof buf - 4))
        broke(c, "bytes past len were written");
    return r;
}

static long long send_of(bad_ctx *c)
{
    return ps_send(c->s, "x", 1, (int)c->arg);
}

static long long send_null_buf(bad_ctx *c)
{
    return ps_send(c->s, NULL, 10, 0);
}

static long long send_len(bad_ctx *c)
{
    char buf[16];
    memset(buf, 'x', sizeof buf);
    return ps_send(c->s, buf, len_of(c->arg), 0);
}

/* ps_sendall's *sent is set on failure too (header): 0 here. */
static long long sendall_sent(bad_ctx *c, int r, size_t sent)
{
    if (sent != 0)
        broke(c, "*sent is %zu, not 0", sent);
    return r;
}

static long long sendall_of(bad_ctx *c)
{
    size_t sent = 12345;
    int r = ps_sendall(c->s, "x", 1, (int)c->arg, &sent);
    return sendall_sent(c, r, sent);
}

static long long sendall_null_buf(bad_ctx *c)
{
    size_t sent = 12345;
    int r = ps_sendall(c->s, NULL, 10, 0, &sent);
    return sendall_sent(c, r, sent);
}

static long long sendall_len(bad_ctx *c)
{
    char buf[16];
    size_t sent = 12345;
    int r;
    memset(buf, 'x', sizeof buf);
    r = ps_sendall(c->s, buf, len_of(c->arg), 0, &sent);
    return sendall_sent(c, r, sent);
}

static long long sendto_addr(bad_ctx *c)
{
    ps_addr a;
    return ps_sendto(c->s, "x", 1, 0, addr_arg(c->arg, &a));
}

static long long sendto_flags(bad_ctx *c)
{
    ps_addr a;
    return ps_sendto(c->s, "x", 1, (int)c->arg, addr_arg(A_V4, &a));
}

static long long sendto_null_buf(bad_ctx *c)
{
    ps_addr a;
    return ps_sendto(c->s, NULL, 10, 0, addr_arg(A_V4, &a));
}

static long long sendto_len(bad_ctx *c)
{
    char buf[16];
    ps_addr a;
    memset(buf, 'x', sizeof buf);
    return ps_sendto(c->s, buf, len_of(c->arg), 0, addr_arg(A_V4, &a));
}

static const bad_row rows_data[] = {
    {"ps_recv", K_NULL, S_NONE, "s NULL", recv_of, 0, PS_EINVAL, NULL},
    {"ps_recv", K_NULL, S_TCP_PAIR, "buf NULL, len 10", recv_null_buf, 0, PS_EINVAL, NULL},
    {"ps_recv", K_CLOSED, S_TCP_PAIR, "", recv_of, 0, DEAD, NULL},
    {"ps_recv", K_TYPE, S_TCP, "an unconnected TCP socket", recv_of, 0, PS_ENOTCONN, NULL},
    {"ps_recv", K_CONST, S_TCP_PAIR, "flags 0x4000", recv_of, 0x4000, PS_EINVAL, NULL},
    {"ps_recv", K_CONST, S_TCP_PAIR, "flags -1", recv_of, -1, PS_EINVAL, NULL},
    {"ps_recv", K_CONST, S_TCP_PAIR, "the out-only flag PS_MSG_TRUNC", recv_of, PS_MSG_TRUNC,
     PS_EINVAL, NULL},
    {"ps_recv", K_LENGTH, S_TCP_PAIR, "len SIZE_MAX", recv_len, L_SIZE_MAX, PS_EINVAL, NULL},
    {"ps_recv", K_LENGTH, S_TCP_PAIR, "len PTRDIFF_MAX + 1", recv_len, L_PTRDIFF_MAX_1, PS_EINVAL,
     NULL},
    {"ps_recv", K_SMALL, S_UDP_PAIR, "a 10-byte datagram into 4 bytes: 4", recv_datagram_cut, 0, 4,
     NULL},
    {"ps_recvfrom", K_NULL, S_NONE, "s NULL", recvfrom_of, 0, PS_EINVAL, NULL},
    {"ps_recvfrom", K_NULL, S_UDP_PAIR, "buf NULL, len 10", recvfrom_null_buf, 0, PS_EINVAL, NULL},
    {"ps_recvfrom", K_CLOSED, S_UDP, "", recvfrom_of, 0, DEAD, NULL},
    {"ps_recvfrom", K_TYPE, S_TCP, "an unconnected TCP socket", recvfrom_of, 0, PS_ENOTCONN, NULL},
    {"ps_recvfrom", K_CONST, S_UDP_PAIR, "flags 0x4000", recvfrom_of, 0x4000, PS_EINVAL, NULL},
    {"ps_recvfrom", K_LENGTH, S_UDP_PAIR, "len SIZE_MAX", recvfrom_len, L_SIZE_MAX, PS_EINVAL,
     NULL},
    {"ps_recvfrom", K_SMALL, S_UDP_PAIR, "a 10-byte datagram into 4 bytes: 4 and its source",
     recvfrom_datagram_cut, 0, 4, NULL},
    {"ps_send", K_NULL, S_NONE, "s NULL", send_of, 0, PS_EINVAL, NULL},
    {"ps_send", K_NULL, S_TCP_PAIR, "buf NULL, len 10", send_null_buf, 0, PS_EINVAL, NULL},
    {"ps_send", K_CLOSED, S_TCP_PAIR, "", send_of, 0, DEAD, NULL},
    {"ps_send", K_TYPE, S_UDP, "an unconnected UDP socket", send_of, 0, PS_EDESTADDRREQ, NULL},
    {"ps_send", K_CONST, S_TCP_PAIR, "flags 0x4000", send_of, 0x4000, PS_EINVAL, NULL},
    {"ps_send", K_CONST, S_TCP_PAIR, "the out-only flag PS_MSG_CTRUNC", send_of, PS_MSG_CTRUNC,
     PS_EINVAL, NULL},
    {"ps_send", K_LENGTH, S_TCP_PAIR, "len SIZE_MAX", send_len, L_SIZE_MAX, PS_EINVAL, NULL},
    {"ps_send", K_LENGTH, S_TCP_PAIR, "len PTRDIFF_MAX + 1", send_len, L_PTRDIFF_MAX_1, PS_EINVAL,
     NULL},
    {"ps_sendall", K_NULL, S_NONE, "s NULL, *sent 0", sendall_of, 0, PS_EINVAL, NULL},
    {"ps_sendall", K_NULL, S_TCP_PAIR, "buf NULL, len 10, *sent 0", sendall_null_buf, 0, PS_EINVAL,
     NULL},
    {"ps_sendall", K_CLOSED, S_TCP_PAIR, "*sent 0", sendall_of, 0, DEAD, NULL},
    {"ps_sendall", K_CONST, S_TCP_PAIR, "flags 0x4000, *sent 0", sendall_of, 0x4000, PS_EINVAL,
     NULL},
    {"ps_sendall", K_LENGTH, S_TCP_PAIR, "len SIZE_MAX, *sent 0", sendall_len, L_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_sendto", K_NULL, S_NONE, "s NULL", sendto_addr, A_V4, PS_EINVAL, NULL},
    {"ps_sendto", K_NULL, S_UDP, "buf NULL, len 10", sendto_null_buf, 0, PS_EINVAL, NULL},
    {"ps_sendto", K_CLOSED, S_UDP, "", sendto_addr, A_V4, DEAD, NULL},
    {"ps_sendto", K_TYPE, S_UDP, "no destination on an unconnected UDP socket", sendto_addr, A_NULL,
     PS_EDESTADDRREQ, NULL},
    {"ps_sendto", K_TYPE, S_UDP, "an IPv6 destination on an IPv4 socket", sendto_addr, A_V6,
     PS_EAFNOSUPPORT, NULL},
    {"ps_sendto", K_CONST, S_UDP, "flags 0x4000", sendto_flags, 0x4000, PS_EINVAL, NULL},
    {"ps_sendto", K_CONST, S_UDP, "destination family 77", sendto_addr, A_FAMILY77, PS_EINVAL,
     NULL},
    {"ps_sendto", K_LENGTH, S_UDP, "len SIZE_MAX", sendto_len, L_SIZE_MAX, PS_EINVAL, NULL},
    {"ps_sendto", K_LENGTH, S_UDP, "to.len 0", sendto_addr, A_EMPTY, PS_EINVAL, NULL},
    {"ps_sendto", K_LENGTH, S_UDP, "to.len 5000", sendto_addr, A_LONG, PS_EINVAL, NULL},
    {"ps_sendto", K_LENGTH, S_UDP, "to.len 1: not even a family", sendto_addr, A_ONE_BYTE,
     PS_EINVAL, NULL},
};

/* ------------------------------------------------------------------------ */
/* Scatter/gather                                                           */
/* ------------------------------------------------------------------------ */

/* A control buffer aligned for any platform's control message header. */
typedef union ctl_buf {
    unsigned char b[256];
    uint64_t align_;
    void *ptr_;
} ctl_buf;

/* A message's shape, as a row's arg. */
enum {
    M_PLAIN,           /* one buffer of 16 bytes */
    M_IOV_NULL,        /* iov NULL, iovlen 1 */
    M_BASE_NULL,       /* iov[0] = {NULL, 4} */
    M_CONTROL_NULL,    /* control NULL, controllen 8 */
    M_IOVLEN_OVER,     /* iovlen PS_IOV_MAX + 1 */
    M_IOVLEN_SIZE_MAX, /* iovlen SIZE_MAX */
    M_LEN_SIZE_MAX,    /* iov[0].len SIZE_MAX */
    M_LENS_OVERFLOW,   /* two buffers whose lengths add up past PTRDIFF_MAX */
    M_ADDR_EMPTY,      /* addr->len 0 */
    M_ADDR_LONG,       /* addr->len 5000 */
    M_ADDR_FAMILY77,   /* addr of family 77 */
    M_ADDR_V6          /* an IPv6 address */
};

typedef struct msg_parts {
    char buf[16];
    ps_iovec iov[2];
    ps_addr addr;
    ctl_buf ctl;
    ps_msg m;
} msg_parts;

static ps_msg *msg_shape(long long shape, msg_parts *p)
{
    memset(p, 0, sizeof *p);
    memcpy(p->buf, "0123456789abcdef", sizeof p->buf);
    p->iov[0].base = p->buf;
    p->iov[0].len = sizeof p->buf;
    p->m.iov = p->iov;
    p->m.iovlen = 1;
    switch (shape) {
    case M_IOV_NULL: p->m.iov = NULL; break;
    case M_BASE_NULL:
        p->iov[0].base = NULL;
        p->iov[0].len = 4;
        break;
    case M_CONTROL_NULL: p->m.controllen = 8; break;
    case M_IOVLEN_OVER: p->m.iovlen = PS_IOV_MAX + 1; break;
    case M_IOVLEN_SIZE_MAX: p->m.iovlen = SIZE_MAX; break;
    case M_LEN_SIZE_MAX: p->iov[0].len = SIZE_MAX; break;
    case M_LENS_OVERFLOW:
        p->iov[1].base = p->buf;
        p->iov[0].len = p->iov[1].len = (size_t)PTRDIFF_MAX / 2 + 1;
        p->m.iovlen = 2;
        break;
    case M_ADDR_EMPTY:
    case M_ADDR_LONG:
    case M_ADDR_FAMILY77:
    case M_ADDR_V6:
        addr_arg(shape == M_ADDR_EMPTY  ? A_EMPTY
                 : shape == M_ADDR_LONG ? A_LONG
                 : shape == M_ADDR_V6   ? A_V6
                                        : A_FAMILY77,
                 &p->addr);
        p->m.addr = &p->addr;
        break;
    default: break;
    }
    return &p->m;
}

static long long recvmsg_shape(bad_ctx *c)
{
    msg_parts p;
    return ps_recvmsg(c->s, msg_shape(c->arg, &p), 0);
}

static long long recvmsg_flags(bad_ctx *c)
{
    msg_parts p;
    return ps_recvmsg(c->s, msg_shape(M_PLAIN, &p), (int)c->arg);
}

static long long recvmsg_null_msg(bad_ctx *c)
{
    return ps_recvmsg(c->s, NULL, 0);
}

/* A datagram longer than the buffers: their bytes and PS_MSG_TRUNC. */
static long long recvmsg_datagram_cut(bad_ctx *c)
{
    msg_parts p;
    ps_msg *m = msg_shape(M_PLAIN, &p);
    ptrdiff_t r;
    p.iov[0].len = 4;
    NEED(ps_send(c->peer, "0123456789", 10, 0));
    r = ps_recvmsg(c->s, m, 0);
    if (r == 4 && (!(m->flags & PS_MSG_TRUNC) || memcmp(p.buf, "0123", 4) != 0))
        broke(c, "flags %#x: no PS_MSG_TRUNC, or not the first bytes", (unsigned)m->flags);
    return r;
}

/* Control data (PS_OPT_PKTINFO) into 1 byte: the data and PS_MSG_CTRUNC. */
static long long recvmsg_control_cut(bad_ctx *c)
{
    msg_parts p;
    ps_msg *m = msg_shape(M_PLAIN, &p);
    ptrdiff_t r;
    NEED(ps_setopt(c->s, PS_OPT_PKTINFO, 1));
    m->control = p.ctl.b;
    m->controllen = 1;
    NEED(ps_send(c->peer, "0123456789", 10, 0));
    r = ps_recvmsg(c->s, m, 0);
    if (r == 10 && !(m->flags & PS_MSG_CTRUNC))
        broke(c, "flags %#x: no PS_MSG_CTRUNC", (unsigned)m->flags);
    if (m->controllen > 1)
        broke(c, "controllen %zu, more than the buffer", m->controllen);
    return r;
}

static long long sendmsg_shape(bad_ctx *c)
{
    msg_parts p;
    return ps_sendmsg(c->s, msg_shape(c->arg, &p), 0);
}

static long long sendmsg_flags(bad_ctx *c)
{
    msg_parts p;
    return ps_sendmsg(c->s, msg_shape(M_PLAIN, &p), (int)c->arg);
}

static long long sendmsg_null_msg(bad_ctx *c)
{
    return ps_sendmsg(c->s, NULL, 0);
}

static const bad_row rows_msg[] = {
    {"ps_recvmsg", K_NULL, S_NONE, "s NULL", recvmsg_shape, M_PLAIN, PS_EINVAL, NULL},
    {"ps_recvmsg", K_NULL, S_UDP_PAIR, "msg NULL", recvmsg_null_msg, 0, PS_EINVAL, NULL},
    {"ps_recvmsg", K_NULL, S_UDP_PAIR, "iov NULL, iovlen 1", recvmsg_shape, M_IOV_NULL, PS_EINVAL,
     NULL},
    {"ps_recvmsg", K_NULL, S_UDP_PAIR, "iov[0].base NULL, len 4", recvmsg_shape, M_BASE_NULL,
     PS_EINVAL, NULL},
    {"ps_recvmsg", K_NULL, S_UDP_PAIR, "control NULL, controllen 8", recvmsg_shape, M_CONTROL_NULL,
     PS_EINVAL, NULL},
    {"ps_recvmsg", K_CLOSED, S_UDP_PAIR, "a datagram socket", recvmsg_shape, M_PLAIN, DEAD, NULL},
    {"ps_recvmsg", K_CLOSED, S_TCP_PAIR, "a stream socket", recvmsg_shape, M_PLAIN, DEAD, NULL},
    {"ps_recvmsg", K_TYPE, S_TCP, "an unconnected TCP socket", recvmsg_shape, M_PLAIN, PS_ENOTCONN,
     NULL},
    {"ps_recvmsg", K_CONST, S_UDP_PAIR, "flags 0x4000", recvmsg_flags, 0x4000, PS_EINVAL, NULL},
    {"ps_recvmsg", K_CONST, S_UDP_PAIR, "the out-only flag PS_MSG_TRUNC", recvmsg_flags,
     PS_MSG_TRUNC, PS_EINVAL, NULL},
    {"ps_recvmsg", K_LENGTH, S_UDP_PAIR, "iovlen PS_IOV_MAX + 1", recvmsg_shape, M_IOVLEN_OVER,
     PS_EINVAL, NULL},
    {"ps_recvmsg", K_LENGTH, S_UDP_PAIR, "iovlen SIZE_MAX", recvmsg_shape, M_IOVLEN_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_recvmsg", K_LENGTH, S_UDP_PAIR, "iov[0].len SIZE_MAX", recvmsg_shape, M_LEN_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_recvmsg", K_LENGTH, S_UDP_PAIR, "lengths adding up past PTRDIFF_MAX", recvmsg_shape,
     M_LENS_OVERFLOW, PS_EINVAL, NULL},
    {"ps_recvmsg", K_SMALL, S_UDP_PAIR, "10 bytes into 4: 4, PS_MSG_TRUNC", recvmsg_datagram_cut, 0,
     4, NULL},
    {"ps_recvmsg", K_SMALL, S_UDP_PAIR, "PKTINFO into 1 byte: the data, PS_MSG_CTRUNC",
     recvmsg_control_cut, 0, 10, NULL},
    {"ps_sendmsg", K_NULL, S_NONE, "s NULL", sendmsg_shape, M_PLAIN, PS_EINVAL, NULL},
    {"ps_sendmsg", K_NULL, S_UDP_PAIR, "msg NULL", sendmsg_null_msg, 0, PS_EINVAL, NULL},
    {"ps_sendmsg", K_NULL, S_UDP_PAIR, "iov NULL, iovlen 1", sendmsg_shape, M_IOV_NULL, PS_EINVAL,
     NULL},
    {"ps_sendmsg", K_NULL, S_UDP_PAIR, "iov[0].base NULL, len 4", sendmsg_shape, M_BASE_NULL,
     PS_EINVAL, NULL},
    {"ps_sendmsg", K_NULL, S_UDP_PAIR, "control NULL, controllen 8", sendmsg_shape, M_CONTROL_NULL,
     PS_EINVAL, NULL},
    {"ps_sendmsg", K_CLOSED, S_UDP_PAIR, "a datagram socket", sendmsg_shape, M_PLAIN, DEAD, NULL},
    {"ps_sendmsg", K_CLOSED, S_TCP_PAIR, "a stream socket", sendmsg_shape, M_PLAIN, DEAD, NULL},
    {"ps_sendmsg", K_TYPE, S_UDP, "no address on an unconnected UDP socket", sendmsg_shape, M_PLAIN,
     PS_EDESTADDRREQ, NULL},
    {"ps_sendmsg", K_TYPE, S_UDP, "an IPv6 address on an IPv4 socket", sendmsg_shape, M_ADDR_V6,
     PS_EAFNOSUPPORT, NULL},
    {"ps_sendmsg", K_CONST, S_UDP_PAIR, "flags 0x4000", sendmsg_flags, 0x4000, PS_EINVAL, NULL},
    {"ps_sendmsg", K_CONST, S_UDP, "address family 77", sendmsg_shape, M_ADDR_FAMILY77, PS_EINVAL,
     NULL},
    {"ps_sendmsg", K_LENGTH, S_UDP_PAIR, "iovlen PS_IOV_MAX + 1", sendmsg_shape, M_IOVLEN_OVER,
     PS_EINVAL, NULL},
    {"ps_sendmsg", K_LENGTH, S_UDP_PAIR, "iov[0].len SIZE_MAX", sendmsg_shape, M_LEN_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_sendmsg", K_LENGTH, S_UDP, "addr->len 0", sendmsg_shape, M_ADDR_EMPTY, PS_EINVAL, NULL},
    {"ps_sendmsg", K_LENGTH, S_UDP, "addr->len 5000", sendmsg_shape, M_ADDR_LONG, PS_EINVAL, NULL},
};

/* ------------------------------------------------------------------------ */
/* Control messages                                                         */
/* ------------------------------------------------------------------------ */

/* The platform's control message header, to damage one on purpose. */
#ifdef _WIN32
typedef WSACMSGHDR native_cmsghdr;
#else
typedef struct cmsghdr native_cmsghdr;
#endif

static void cmsg_set_len(void *at, size_t len)
{
    native_cmsghdr h;
    memcpy(&h, at, sizeof h);
    h.cmsg_len = len;
    memcpy(at, &h, sizeof h);
}

static void cmsg_set_level(void *at, int level)
{
    native_cmsghdr h;
    memcpy(&h, at, sizeof h);
    h.cmsg_level = level;
    memcpy(at, &h, sizeof h);
}

/* A control buffer holding n PKTINFO messages (source 127.0.0.1). */
static void ctl_pktinfo(ps_msg *m, ctl_buf *cb, int n)
{
    ps_addr src = test_addr("127.0.0.1:0");
    int i;
    memset(m, 0, sizeof *m);
    memset(cb, 0, sizeof *cb);
    m->control = cb->b;
    for (i = 0; i < n; i++)
        NEED(ps_cmsg_put_pktinfo(m, sizeof cb->b, &src));
}

static const ps_cmsg *first_of(const ps_msg *m)
{
    const ps_cmsg *first = ps_cmsg_first(m);
    if (!first)
        FAILF("%s: setup: no first control message", row_label);
    return first;
}

/* Bytes from the message's start to its data, and the data's length. */
static size_t cmsg_data_at(const ps_cmsg *cm, size_t *datalen)
{
    int level, type;
    const void *data;
    NEED(ps_cmsg_native(cm, &level, &type, &data, datalen));
    return (size_t)((const unsigned char *)data - (const unsigned char *)cm);
}

/* Pointer results: 1 for a message, 0 for NULL. */
static long long cmsg_ptr(const ps_cmsg *cm)
{
    return cm != NULL;
}

static long long cmsg_space_of(bad_ctx *c)
{
    return (long long)ps_cmsg_space(len_of(c->arg));
}

static long long cmsg_first_null_msg(bad_ctx *c)
{
    (void)c;
    return cmsg_ptr(ps_cmsg_first(NULL));
}

static long long cmsg_first_null_control(bad_ctx *c)
{
    ps_msg m;
    (void)c;
    memset(&m, 0, sizeof m);
    m.controllen = 64;
    return cmsg_ptr(ps_cmsg_first(&m));
}

static long long cmsg_first_short(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    m.controllen = 3;
    return cmsg_ptr(ps_cmsg_first(&m));
}

static long long cmsg_first_huge_header(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    cmsg_set_len(cb.b, (size_t)1 << 30);
    return cmsg_ptr(ps_cmsg_first(&m));
}

static long long cmsg_next_null_msg(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    (void)c;
    ctl_pktinfo(&m, &cb, 2);
    return cmsg_ptr(ps_cmsg_next(NULL, first_of(&m)));
}

static long long cmsg_next_null_c(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    (void)c;
    ctl_pktinfo(&m, &cb, 2);
    return cmsg_ptr(ps_cmsg_next(&m, NULL));
}

static long long cmsg_next_outside(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    return cmsg_ptr(ps_cmsg_next(&m, (const ps_cmsg *)(const void *)(cb.b + 200)));
}

static long long cmsg_next_huge_header(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    size_t datalen;
    const ps_cmsg *first;
    (void)c;
    ctl_pktinfo(&m, &cb, 2);
    first = first_of(&m);
    cmsg_data_at(first, &datalen);
    cmsg_set_len(cb.b + ps_cmsg_space(datalen), (size_t)1 << 30);
    return cmsg_ptr(ps_cmsg_next(&m, first));
}

static long long cmsg_kind_null(bad_ctx *c)
{
    (void)c;
    return ps_cmsg_kind(NULL);
}

static long long cmsg_kind_unknown_level(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    cmsg_set_level(cb.b, 0x7ff1);
    return ps_cmsg_kind(first_of(&m));
}

static long long cmsg_native_null_c(bad_ctx *c)
{
    int level, type;
    const void *data;
    size_t len;
    (void)c;
    return ps_cmsg_native(NULL, &level, &type, &data, &len);
}

static long long cmsg_native_null_out(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    int level, type;
    const void *data;
    size_t len;
    ctl_pktinfo(&m, &cb, 1);
    switch (c->arg) {
    case 0: return ps_cmsg_native(first_of(&m), NULL, &type, &data, &len);
    case 1: return ps_cmsg_native(first_of(&m), &level, NULL, &data, &len);
    case 2: return ps_cmsg_native(first_of(&m), &level, &type, NULL, &len);
    default: return ps_cmsg_native(first_of(&m), &level, &type, &data, NULL);
    }
}

static long long cmsg_get_pktinfo_null(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr dst;
    ctl_pktinfo(&m, &cb, 1);
    return c->arg == 0 ? ps_cmsg_get_pktinfo(NULL, &dst) : ps_cmsg_get_pktinfo(first_of(&m), NULL);
}

static long long cmsg_get_pktinfo_other_kind(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr dst;
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    cmsg_set_level(cb.b, 0x7ff1);
    return ps_cmsg_get_pktinfo(first_of(&m), &dst);
}

/* A PKTINFO header whose data is 2 bytes long: too short to hold one. */
static long long cmsg_get_pktinfo_short(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr dst;
    size_t datalen, at;
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    at = cmsg_data_at(first_of(&m), &datalen);
    cmsg_set_len(cb.b, at + 2);
    return ps_cmsg_get_pktinfo(first_of(&m), &dst);
}

static long long cmsg_get_fds_null(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ctl_pktinfo(&m, &cb, 1);
    return c->arg == 0 ? ps_cmsg_get_fds(NULL, NULL, 0) : ps_cmsg_get_fds(first_of(&m), NULL, 2);
}

static long long cmsg_get_fds_of_pktinfo(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_native fds[2];
    (void)c;
    ctl_pktinfo(&m, &cb, 1);
    return ps_cmsg_get_fds(first_of(&m), fds, 2);
}

/* A message holding 3 descriptors (the numbers only: nothing is passed),
 * read into room for 1: the count, and nothing written past the room. On
 * Windows, which has no SCM_RIGHTS to build, any message. */
static long long cmsg_get_fds_small(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_native fds[3];
    int r;
#ifdef _WIN32
    ctl_pktinfo(&m, &cb, 1);
#else
    static const ps_native three[3] = {0, 1, 2};
    memset(&m, 0, sizeof m);
    memset(&cb, 0, sizeof cb);
    m.control = cb.b;
    NEED(ps_cmsg_put_fds(&m, sizeof cb.b, three, 3));
#endif
    canary_fill(fds, sizeof fds);
    r = ps_cmsg_get_fds(first_of(&m), fds, 1);
    if (r >= 0 && (fds[0] != 0 || !canary_intact(&fds[1], 2 * sizeof fds[0])))
        broke(c, "not the first descriptor alone");
    return r;
}

static long long put_pktinfo_null(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr src = test_addr("127.0.0.1:0");
    memset(&m, 0, sizeof m);
    m.control = cb.b;
    switch (c->arg) {
    case 0: return ps_cmsg_put_pktinfo(NULL, sizeof cb.b, &src);
    case 1: return ps_cmsg_put_pktinfo(&m, sizeof cb.b, NULL);
    default: m.control = NULL; return ps_cmsg_put_pktinfo(&m, sizeof cb.b, &src);
    }
}

static long long put_pktinfo_src(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr src;
    memset(&m, 0, sizeof m);
    m.control = cb.b;
    return ps_cmsg_put_pktinfo(&m, sizeof cb.b, addr_arg(c->arg, &src));
}

static long long put_pktinfo_used_past_capacity(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr src = test_addr("127.0.0.1:0");
    (void)c;
    memset(&m, 0, sizeof m);
    m.control = cb.b;
    m.controllen = 100;
    return ps_cmsg_put_pktinfo(&m, 64, &src);
}

/* Room for 8 bytes: nothing fits, nothing is written, controllen stays. */
static long long put_pktinfo_small(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    ps_addr src = test_addr("127.0.0.1:0");
    int r;
    memset(&m, 0, sizeof m);
    canary_fill(cb.b, sizeof cb.b);
    m.control = cb.b;
    r = ps_cmsg_put_pktinfo(&m, 8, &src);
    if (m.controllen != 0 || !canary_intact(cb.b, sizeof cb.b))
        broke(c, "the buffer or controllen changed");
    return r;
}

static long long put_fds_null(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    static const ps_native one[1] = {0};
    memset(&m, 0, sizeof m);
    m.control = cb.b;
    return c->arg == 0 ? ps_cmsg_put_fds(NULL, sizeof cb.b, one, 1)
                       : ps_cmsg_put_fds(&m, sizeof cb.b, NULL, 1);
}

static long long put_fds_count(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    static const ps_native one[1] = {0};
    memset(&m, 0, sizeof m);
    m.control = cb.b;
    return ps_cmsg_put_fds(&m, sizeof cb.b, one, len_of(c->arg));
}

static long long put_fds_small(bad_ctx *c)
{
    ps_msg m;
    ctl_buf cb;
    static const ps_native one[1] = {0};
    int r;
    memset(&m, 0, sizeof m);
    canary_fill(cb.b, sizeof cb.b);
    m.control = cb.b;
    r = ps_cmsg_put_fds(&m, 8, one, 1);
    if (m.controllen != 0 || !canary_intact(cb.b, sizeof cb.b))
        broke(c, "the buffer or controllen changed");
    return r;
}

static const bad_row rows_cmsg[] = {
    {"ps_cmsg_space", K_LENGTH, S_NONE, "datalen SIZE_MAX: 0", cmsg_space_of, L_SIZE_MAX, 0, NULL},
    {"ps_cmsg_space", K_LENGTH, S_NONE, "datalen 65536: 0", cmsg_space_of, 65536, 0, NULL},
    {"ps_cmsg_first", K_NULL, S_NONE, "msg NULL: NULL", cmsg_first_null_msg, 0, 0, NULL},
    {"ps_cmsg_first", K_NULL, S_NONE, "control NULL, controllen 64: NULL", cmsg_first_null_control,
     0, 0, NULL},
    {"ps_cmsg_first", K_LENGTH, S_NONE, "controllen 3, less than a header: NULL", cmsg_first_short,
     0, 0, NULL},
    {"ps_cmsg_first", K_LENGTH, S_NONE, "a header claiming 1 GiB: NULL", cmsg_first_huge_header, 0,
     0, NULL},
    {"ps_cmsg_next", K_NULL, S_NONE, "msg NULL: NULL", cmsg_next_null_msg, 0, 0, NULL},
    {"ps_cmsg_next", K_NULL, S_NONE, "c NULL: NULL", cmsg_next_null_c, 0, 0, NULL},
    {"ps_cmsg_next", K_LENGTH, S_NONE, "c past controllen: NULL", cmsg_next_outside, 0, 0, NULL},
    {"ps_cmsg_next", K_LENGTH, S_NONE, "a next header claiming 1 GiB: NULL", cmsg_next_huge_header,
     0, 0, NULL},
    {"ps_cmsg_kind", K_NULL, S_NONE, "c NULL", cmsg_kind_null, 0, PS_EINVAL, NULL},
    {"ps_cmsg_kind", K_CONST, S_NONE, "an unknown level: PS_CMSG_OTHER", cmsg_kind_unknown_level, 0,
     PS_CMSG_OTHER, NULL},
    {"ps_cmsg_native", K_NULL, S_NONE, "c NULL", cmsg_native_null_c, 0, PS_EINVAL, NULL},
    {"ps_cmsg_native", K_NULL, S_NONE, "level NULL", cmsg_native_null_out, 0, PS_EINVAL, NULL},
    {"ps_cmsg_native", K_NULL, S_NONE, "type NULL", cmsg_native_null_out, 1, PS_EINVAL, NULL},
    {"ps_cmsg_native", K_NULL, S_NONE, "data NULL", cmsg_native_null_out, 2, PS_EINVAL, NULL},
    {"ps_cmsg_native", K_NULL, S_NONE, "len NULL", cmsg_native_null_out, 3, PS_EINVAL, NULL},
    {"ps_cmsg_get_pktinfo", K_NULL, S_NONE, "c NULL", cmsg_get_pktinfo_null, 0, PS_EINVAL, NULL},
    {"ps_cmsg_get_pktinfo", K_NULL, S_NONE, "dst NULL", cmsg_get_pktinfo_null, 1, PS_EINVAL, NULL},
    {"ps_cmsg_get_pktinfo", K_TYPE, S_NONE, "a message of another kind",
     cmsg_get_pktinfo_other_kind, 0, PS_EINVAL, NULL},
    {"ps_cmsg_get_pktinfo", K_LENGTH, S_NONE, "a PKTINFO message with 2 bytes of data",
     cmsg_get_pktinfo_short, 0, PS_EINVAL, NULL},
    {"ps_cmsg_get_fds", K_NULL, S_NONE, "c NULL", cmsg_get_fds_null, 0, PS_EINVAL, NULL},
    {"ps_cmsg_get_fds", K_NULL, S_NONE, "fds NULL, max 2", cmsg_get_fds_null, 1, PS_EINVAL, NULL},
    {"ps_cmsg_get_fds", K_TYPE, S_NONE, "a PKTINFO message", cmsg_get_fds_of_pktinfo, 0,
     PW(PS_EINVAL, PS_ENOTSUP), "Windows has no SCM_RIGHTS: PS_ENOTSUP for any message (header)"},
    {"ps_cmsg_get_fds", K_SMALL, S_NONE, "3 descriptors into room for 1: the count 3",
     cmsg_get_fds_small, 0, PW(3, PS_ENOTSUP),
     "Windows has no SCM_RIGHTS: PS_ENOTSUP for any message (header)"},
    {"ps_cmsg_put_pktinfo", K_NULL, S_NONE, "msg NULL", put_pktinfo_null, 0, PS_EINVAL, NULL},
    {"ps_cmsg_put_pktinfo", K_NULL, S_NONE, "src NULL", put_pktinfo_null, 1, PS_EINVAL, NULL},
    {"ps_cmsg_put_pktinfo", K_NULL, S_NONE, "control NULL", put_pktinfo_null, 2, PS_EINVAL, NULL},
    {"ps_cmsg_put_pktinfo", K_LENGTH, S_NONE, "controllen 100 past capacity 64",
     put_pktinfo_used_past_capacity, 0, PS_EINVAL, NULL},
    {"ps_cmsg_put_pktinfo", K_LENGTH, S_NONE, "src.len 0", put_pktinfo_src, A_EMPTY, PS_EINVAL,
     NULL},
    {"ps_cmsg_put_pktinfo", K_CONST, S_NONE, "src of family 77", put_pktinfo_src, A_FAMILY77,
     PS_EINVAL, NULL},
    {"ps_cmsg_put_pktinfo", K_TYPE, S_NONE, "an AF_UNIX source", put_pktinfo_src, A_UNIX, PS_EINVAL,
     NULL},
    {"ps_cmsg_put_pktinfo", K_SMALL, S_NONE, "capacity 8: nothing written", put_pktinfo_small, 0,
     PS_ENOBUFS, NULL},
    {"ps_cmsg_put_fds", K_NULL, S_NONE, "msg NULL", put_fds_null, 0, PS_EINVAL, NULL},
    {"ps_cmsg_put_fds", K_NULL, S_NONE, "fds NULL", put_fds_null, 1, PS_EINVAL, NULL},
    {"ps_cmsg_put_fds", K_LENGTH, S_NONE, "n 0", put_fds_count, 0, PS_EINVAL, NULL},
    {"ps_cmsg_put_fds", K_LENGTH, S_NONE, "n 254, past SCM_MAX_FD", put_fds_count, 254, PS_EINVAL,
     NULL},
    {"ps_cmsg_put_fds", K_LENGTH, S_NONE, "n SIZE_MAX", put_fds_count, L_SIZE_MAX, PS_EINVAL, NULL},
    {"ps_cmsg_put_fds", K_SMALL, S_NONE, "capacity 8: nothing written", put_fds_small, 0,
     PW(PS_ENOBUFS, PS_ENOTSUP),
     "Windows has no SCM_RIGHTS: PS_ENOTSUP once the arguments are checked (header)"},
};

/* ------------------------------------------------------------------------ */
/* sendfile                                                                 */
/* ------------------------------------------------------------------------ */

/* An offset as a row's arg: -1 is UINT64_MAX. */
static uint64_t offset_of(long long a)
{
    return a < 0 ? UINT64_MAX : (uint64_t)a;
}

/* The position after a sendfile that got as far as the file: offset plus
 * the bytes sent, on failure too (header). */
static void pos_is(bad_ctx *c, uint64_t want)
{
    uint64_t pos = file_pos(c->fp);
    if (pos != want)
        broke(c, "the file position is %llu, not %llu", (unsigned long long)pos,
              (unsigned long long)want);
}

static long long sendfile_of(bad_ctx *c)
{
    int64_t r = ps_sendfile(c->s, c->fp, offset_of(c->arg), 0);
    if (c->s && c->arg >= 0)
        pos_is(c, offset_of(c->arg) + (r > 0 ? (uint64_t)r : 0));
    return r;
}

static long long sendfile_null_file(bad_ctx *c)
{
    return ps_sendfile(c->s, NULL, 0, 0);
}

static long long sendfile_udp(bad_ctx *c)
{
    NEED(ps_socket_open(&c->extra, PS_AF_INET, PS_SOCK_DGRAM, 0));
    return ps_sendfile(c->extra, c->fp, 0, 0);
}

static long long sendfile_nonblocking(bad_ctx *c)
{
    NEED(ps_settimeout(c->s, 0.0));
    return ps_sendfile(c->s, c->fp, 0, 0);
}

/* *path and *sent are set on failure too (header): nothing, 0. */
static long long sendfile_ex_of(bad_ctx *c)
{
    int path = 77;
    uint64_t sent = 77;
    int64_t r = ps_sendfile_ex(c->s, c->fp, 0, 0, (int)c->arg, &path, &sent);
    if (r < 0 && (path != PS_SENDFILE_PATH_NONE || sent != 0))
        broke(c, "*path %d, *sent %llu after the failure", path, (unsigned long long)sent);
    return r;
}

static long long sendfile_null_socket(bad_ctx *c)
{
    return ps_sendfile(NULL, c->fp, 0, 0);
}

static long long sendfile_ex_null_socket(bad_ctx *c)
{
    int path = 77;
    uint64_t sent = 77;
    int64_t r = ps_sendfile_ex(NULL, c->fp, 0, 0, 0, &path, &sent);
    if (path != PS_SENDFILE_PATH_NONE || sent != 0)
        broke(c, "*path %d, *sent %llu after the failure", path, (unsigned long long)sent);
    return r;
}

static const bad_row rows_sendfile[] = {
    {"ps_sendfile", K_NULL, S_DISK, "s NULL", sendfile_null_socket, 0, PS_EINVAL, NULL},
    {"ps_sendfile", K_NULL, S_TCP_PAIR, "f NULL", sendfile_null_file, 0, PS_EINVAL, NULL},
    {"ps_sendfile", K_CLOSED, S_DISK, "from offset 10: the position at 10", sendfile_of, 10, DEAD,
     NULL},
    {"ps_sendfile", K_TYPE, S_DISK, "a UDP socket", sendfile_udp, 0, PS_EINVAL, NULL},
    {"ps_sendfile", K_TYPE, S_DISK, "a non-blocking socket", sendfile_nonblocking, 0, PS_EINVAL,
     NULL},
    {"ps_sendfile", K_LENGTH, S_DISK, "offset UINT64_MAX", sendfile_of, -1, PS_EINVAL, NULL},
    {"ps_sendfile", K_LENGTH, S_DISK, "offset 1 TiB, past the end: 0, the position there",
     sendfile_of, 1LL << 40, 0, NULL},
    {"ps_sendfile_ex", K_NULL, S_DISK, "s NULL: *path none, *sent 0", sendfile_ex_null_socket, 0,
     PS_EINVAL, NULL},
    {"ps_sendfile_ex", K_CLOSED, S_DISK, "*path none, *sent 0", sendfile_ex_of, 0, DEAD, NULL},
    {"ps_sendfile_ex", K_CONST, S_DISK, "flags 0x80: *path none, *sent 0", sendfile_ex_of, 0x80,
     PS_EINVAL, NULL},
};

/* ------------------------------------------------------------------------ */
/* Streams                                                                  */
/* ------------------------------------------------------------------------ */

static const char *const makefile_modes[] = {"x", "rr", "", "r+", "a", "wbw"};
static const char *const fdopen_modes[] = {"", "q"};

/* A stream a call returned: left NULL on failure, closed on success. */
static long long file_out(bad_ctx *c, int r, ps_file *o)
{
    if (r < 0)
        out_left(c, "*out", o);
    else if (o != NULL && o != SENTINEL)
        ps_file_close(o);
    return r;
}

static long long makefile_null_out(bad_ctx *c)
{
    return ps_makefile(c->s, "r", 0, NULL);
}

static long long makefile_of(bad_ctx *c)
{
    ps_file *o = (ps_file *)SENTINEL;
    int r = ps_makefile(c->s, "r", 0, &o);
    return file_out(c, r, o);
}

static long long makefile_null_mode(bad_ctx *c)
{
    ps_file *o = (ps_file *)SENTINEL;
    int r = ps_makefile(c->s, NULL, 0, &o);
    return file_out(c, r, o);
}

static long long makefile_mode(bad_ctx *c)
{
    ps_file *o = (ps_file *)SENTINEL;
    int r = ps_makefile(c->s, makefile_modes[c->arg], 0, &o);
    return file_out(c, r, o);
}

static long long makefile_bufsize(bad_ctx *c)
{
    ps_file *o = (ps_file *)SENTINEL;
    int r = ps_makefile(c->s, "r", len_of(c->arg), &o);
    return file_out(c, r, o);
}

/* ps_makefile uses no handle (as Python's makefile): it succeeds, and the
 * stream's first read reports the handle. */
static long long makefile_on_dead(bad_ctx *c)
{
    ps_file *o = NULL;
    char buf[4];
    int r = ps_makefile(c->s, "r", 0, &o);
    if (r == 0) {
        ptrdiff_t n = ps_file_read(o, buf, sizeof buf);
        if (n != DEAD)
            broke(c, "the stream's read gave %s", ps_errname((int)n));
        if (ps_file_close(o) != 0)
            broke(c, "ps_file_close of the stream failed");
    }
    return r;
}

static long long file_read_of(bad_ctx *c)
{
    char buf[8];
    return ps_file_read(c->f, buf, sizeof buf);
}

static long long file_read_null_buf(bad_ctx *c)
{
    return ps_file_read(c->f, NULL, 4);
}

static long long file_read_len(bad_ctx *c)
{
    char buf[8];
    return ps_file_read(c->f, buf, len_of(c->arg));
}

static long long file_readline_of(bad_ctx *c)
{
    char buf[8];
    return ps_file_readline(c->f, buf, sizeof buf);
}

static long long file_readline_null_buf(bad_ctx *c)
{
    return ps_file_readline(c->f, NULL, 8);
}

static long long file_readline_size(bad_ctx *c)
{
    char buf[8];
    return ps_file_readline(c->f, buf, len_of(c->arg));
}

/* size 2: a line comes back 1 byte at a time, NUL-terminated, nothing
 * written past size. */
static long long file_readline_pieces(bad_ctx *c)
{
    char buf[8];
    ptrdiff_t r;
    canary_fill(buf, sizeof buf);
    NEED(ps_send(c->peer, "abc\n", 4, 0));
    r = ps_file_readline(c->f, buf, 2);
    if (r == 1 && (buf[0] != 'a' || buf[1] != '\0'))
        broke(c, "not \"a\"");
    if (!canary_intact(buf + 2, sizeof buf - 2))
        broke(c, "bytes past size were written");
    return r;
}

static long long file_write_of(bad_ctx *c)
{
    return ps_file_write(c->f, "abcd", 4);
}

static long long file_write_null_buf(bad_ctx *c)
{
    return ps_file_write(c->f, NULL, 4);
}

static long long file_write_len(bad_ctx *c)
{
    char buf[8];
    memset(buf, 'w', sizeof buf);
    return ps_file_write(c->f, buf, len_of(c->arg));
}

/* 64 bytes into a stream of 16: past the buffer, sent at once. */
static long long file_write_big(bad_ctx *c)
{
    char buf[64];
    memset(buf, 'w', sizeof buf);
    return ps_file_write(c->f, buf, sizeof buf);
}

static long long file_printf_of(bad_ctx *c)
{
    int r = ps_file_printf(c->f, "%s", "x\n");
    /* A line-buffered stream took the text whole: the final close sends it
     * again, and meets the dead handle too (header). */
    if (r < 0 && c->f && c->killed != PS_INVALID_NATIVE)
        c->f_close_want = r;
    return r;
}

/* Read through a volatile, so that no compiler sees a NULL format. */
static const char *volatile no_format = NULL;

static long long file_printf_null_fmt(bad_ctx *c)
{
    return ps_file_printf(c->f, no_format, 1);
}

static long long file_flush_of(bad_ctx *c)
{
    return ps_file_flush(c->f);
}

/* 4 bytes buffered, then the flush: they stay buffered for the final close,
 * which fails the same way. */
static long long file_flush_pending(bad_ctx *c)
{
    int r;
    NEED(ps_file_write(c->f, "abcd", 4));
    r = ps_file_flush(c->f);
    c->f_close_want = r;
    return r;
}

static long long file_close_of(bad_ctx *c)
{
    ps_file *f = c->f;
    c->f = NULL; /* freed, whatever it returns */
    if (f)
        NEED(ps_file_write(f, "abcd", 4));
    return ps_file_close(f);
}

/* POSIX: the socket's descriptor, which is ps_fileno's (0 here when it
 * is); Windows: PS_ENOTSUP. */
static long long file_fd_of(bad_ctx *c)
{
    int r = ps_file_fd(c->f);
    if (r >= 0 && r != (int)ps_fileno(c->s))
        broke(c, "descriptor %d, not ps_fileno's", r);
    return r >= 0 ? 0 : r;
}

static long long file_pending_of(bad_ctx *c)
{
    return (long long)ps_file_pending(c->f);
}

static long long fdopen_null_out(bad_ctx *c)
{
    return ps_fdopen(c->s, "r", NULL);
}

static long long fdopen_out(bad_ctx *c, int r, FILE *fp)
{
    if (r < 0)
        out_left(c, "*out", fp);
    else if (fp != NULL && fp != SENTINEL)
        fclose(fp);
    return r;
}

static long long fdopen_of(bad_ctx *c)
{
    FILE *fp = (FILE *)SENTINEL;
    int r = ps_fdopen(c->s, "r", &fp);
    return fdopen_out(c, r, fp);
}

static long long fdopen_null_mode(bad_ctx *c)
{
    FILE *fp = (FILE *)SENTINEL;
    int r = ps_fdopen(c->s, NULL, &fp);
    return fdopen_out(c, r, fp);
}

static long long fdopen_mode(bad_ctx *c)
{
    FILE *fp = (FILE *)SENTINEL;
    int r = ps_fdopen(c->s, fdopen_modes[c->arg], &fp);
    return fdopen_out(c, r, fp);
}

static const bad_row rows_streams[] = {
    {"ps_makefile", K_NULL, S_TCP, "out NULL", makefile_null_out, 0, PS_EINVAL, NULL},
    {"ps_makefile", K_NULL, S_NONE, "s NULL", makefile_of, 0, PS_EINVAL, NULL},
    {"ps_makefile", K_NULL, S_TCP, "mode NULL", makefile_null_mode, 0, PS_EINVAL, NULL},
    {"ps_makefile", K_CLOSED, S_TCP, "uses no handle: 0, and the first read reports it",
     makefile_on_dead, 0, 0, NULL},
    {"ps_makefile", K_CONST, S_TCP, "mode \"x\"", makefile_mode, 0, PS_EINVAL, NULL},
    {"ps_makefile", K_CONST, S_TCP, "mode \"rr\"", makefile_mode, 1, PS_EINVAL, NULL},
    {"ps_makefile", K_CONST, S_TCP, "mode \"\"", makefile_mode, 2, PS_EINVAL, NULL},
    {"ps_makefile", K_CONST, S_TCP, "mode \"r+\"", makefile_mode, 3, PS_EINVAL, NULL},
    {"ps_makefile", K_CONST, S_TCP, "mode \"a\"", makefile_mode, 4, PS_EINVAL, NULL},
    {"ps_makefile", K_CONST, S_TCP, "mode \"wbw\"", makefile_mode, 5, PS_EINVAL, NULL},
    {"ps_makefile", K_LENGTH, S_TCP, "bufsize INT_MAX + 1", makefile_bufsize, L_INT_MAX_1,
     PS_EINVAL, NULL},
    {"ps_makefile", K_LENGTH, S_TCP, "bufsize SIZE_MAX", makefile_bufsize, L_SIZE_MAX, PS_EINVAL,
     NULL},
    {"ps_file_read", K_NULL, S_NONE, "f NULL", file_read_of, 0, PS_EINVAL, NULL},
    {"ps_file_read", K_NULL, S_FILE_R, "buf NULL, n 4", file_read_null_buf, 0, PS_EINVAL, NULL},
    {"ps_file_read", K_CLOSED, S_FILE_R, "", file_read_of, 0, DEAD, NULL},
    {"ps_file_read", K_TYPE, S_FILE_W, "a write-only stream", file_read_of, 0, PS_EBADF, NULL},
    {"ps_file_read", K_LENGTH, S_FILE_R, "n PTRDIFF_MAX + 1", file_read_len, L_PTRDIFF_MAX_1,
     PS_EINVAL, NULL},
    {"ps_file_read", K_LENGTH, S_FILE_R, "n SIZE_MAX", file_read_len, L_SIZE_MAX, PS_EINVAL, NULL},
    {"ps_file_readline", K_NULL, S_NONE, "f NULL", file_readline_of, 0, PS_EINVAL, NULL},
    {"ps_file_readline", K_NULL, S_FILE_R, "buf NULL", file_readline_null_buf, 0, PS_EINVAL, NULL},
    {"ps_file_readline", K_CLOSED, S_FILE_R, "", file_readline_of, 0, DEAD, NULL},
    {"ps_file_readline", K_TYPE, S_FILE_W, "a write-only stream", file_readline_of, 0, PS_EBADF,
     NULL},
    {"ps_file_readline", K_LENGTH, S_FILE_R, "size SIZE_MAX", file_readline_size, L_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_file_readline", K_SMALL, S_FILE_R, "size 0", file_readline_size, 0, PS_EINVAL, NULL},
    {"ps_file_readline", K_SMALL, S_FILE_R, "size 1: no room for a byte and the NUL",
     file_readline_size, 1, PS_EINVAL, NULL},
    {"ps_file_readline", K_SMALL, S_FILE_R, "size 2 for \"abc\\n\": \"a\"", file_readline_pieces, 0,
     1, NULL},
    {"ps_file_write", K_NULL, S_NONE, "f NULL", file_write_of, 0, PS_EINVAL, NULL},
    {"ps_file_write", K_NULL, S_FILE_W, "buf NULL, n 4", file_write_null_buf, 0, PS_EINVAL, NULL},
    {"ps_file_write", K_CLOSED, S_FILE_RW, "64 bytes past a 16-byte buffer", file_write_big, 0,
     DEAD, NULL},
    {"ps_file_write", K_TYPE, S_FILE_R, "a read-only stream", file_write_of, 0, PS_EBADF, NULL},
    {"ps_file_write", K_LENGTH, S_FILE_W, "n PTRDIFF_MAX + 1", file_write_len, L_PTRDIFF_MAX_1,
     PS_EINVAL, NULL},
    {"ps_file_write", K_LENGTH, S_FILE_W, "n SIZE_MAX", file_write_len, L_SIZE_MAX, PS_EINVAL,
     NULL},
    {"ps_file_printf", K_NULL, S_NONE, "f NULL", file_printf_of, 0, PS_EINVAL, NULL},
    {"ps_file_printf", K_NULL, S_FILE_W, "fmt NULL", file_printf_null_fmt, 0, PS_EINVAL, NULL},
    {"ps_file_printf", K_CLOSED, S_FILE_LINE, "a line on a line-buffered stream", file_printf_of, 0,
     DEAD, NULL},
    {"ps_file_printf", K_TYPE, S_FILE_R, "a read-only stream", file_printf_of, 0, PS_EBADF, NULL},
    {"ps_file_flush", K_NULL, S_NONE, "f NULL", file_flush_of, 0, PS_EINVAL, NULL},
    {"ps_file_flush", K_CLOSED, S_FILE_RW, "4 bytes buffered", file_flush_pending, 0, DEAD, NULL},
    {"ps_file_flush", K_TYPE, S_FILE_R, "a read-only stream: nothing to send", file_flush_of, 0, 0,
     NULL},
    {"ps_file_close", K_NULL, S_NONE, "f NULL", file_close_of, 0, PS_EINVAL, NULL},
    {"ps_file_close", K_CLOSED, S_FILE_RW, "4 bytes buffered: freed all the same", file_close_of, 0,
     DEAD, NULL},
    {"ps_file_pending", K_NULL, S_NONE, "f NULL", file_pending_of, 0, PS_EINVAL, NULL},
    {"ps_file_pending", K_CLOSED, S_FILE_R, "nothing buffered, no system call: 0", file_pending_of,
     0, 0, NULL},
    {"ps_file_pending", K_TYPE, S_FILE_W, "a write-only stream: 0", file_pending_of, 0, 0, NULL},
    {"ps_file_fd", K_NULL, S_NONE, "f NULL", file_fd_of, 0, PS_EINVAL, NULL},
    {"ps_file_fd", K_CLOSED, S_FILE_R, "the socket's (old) descriptor", file_fd_of, 0,
     PW(0, PS_ENOTSUP),
     "a SOCKET is no C runtime descriptor: PS_ENOTSUP on Windows (header); POSIX hands out the "
     "descriptor, as ps_fileno does, without asking the kernel"},
    {"ps_fdopen", K_NULL, S_TCP, "out NULL", fdopen_null_out, 0, PS_EINVAL, NULL},
    {"ps_fdopen", K_NULL, S_NONE, "s NULL", fdopen_of, 0, PS_EINVAL, NULL},
    {"ps_fdopen", K_NULL, S_TCP, "mode NULL", fdopen_null_mode, 0, PS_EINVAL, NULL},
    {"ps_fdopen", K_CLOSED, S_TCP, "", fdopen_of, 0, PW(PS_EBADF, PS_ENOTSUP),
     "Windows makes no C runtime stream of a SOCKET: PS_ENOTSUP before the handle is looked at "
     "(header)"},
    {"ps_fdopen", K_CONST, S_TCP, "mode \"\"", fdopen_mode, 0, PS_EINVAL, NULL},
    {"ps_fdopen", K_CONST, S_TCP, "mode \"q\"", fdopen_mode, 1, PW(PS_EINVAL, PS_ENOTSUP),
     "Windows makes no C runtime stream of a SOCKET: PS_ENOTSUP before the mode is looked at "
     "(header); POSIX fdopen refuses the mode"},
};

/* ------------------------------------------------------------------------ */
/* ps_poll                                                                  */
/* ------------------------------------------------------------------------ */

static long long poll_null_fds(bad_ctx *c)
{
    (void)c;
    return ps_poll(NULL, 1, 0.0);
}

/* An entry without a socket is ignored: revents 0. */
static long long poll_null_sock(bad_ctx *c)
{
    ps_pollfd p;
    int r;
    p.sock = NULL;
    p.events = PS_POLLIN;
    p.revents = 77;
    r = ps_poll(&p, 1, 0.0);
    if (r >= 0 && p.revents != 0)
        broke(c, "revents %#x, not 0", (unsigned)p.revents);
    return r;
}

static long long poll_events(bad_ctx *c)
{
    ps_pollfd p;
    p.sock = c->s;
    p.events = (short)c->arg;
    p.revents = 0;
    return ps_poll(&p, 1, 0.0);
}

static long long poll_timeout(bad_ctx *c)
{
    ps_pollfd p;
    p.sock = c->s;
    p.events = PS_POLLIN;
    p.revents = 0;
    return ps_poll(&p, 1, timeout_of(c->arg));
}

static long long poll_count(bad_ctx *c)
{
    ps_pollfd p;
    p.sock = c->s;
    p.events = PS_POLLIN;
    p.revents = 0;
    return ps_poll(&p, len_of(c->arg), 0.0);
}

/* A handle closed underneath: PS_POLLNVAL (header). */
static long long poll_dead(bad_ctx *c)
{
    ps_pollfd p;
    int r;
    p.sock = c->s;
    p.events = PS_POLLIN;
    p.revents = 0;
    r = ps_poll(&p, 1, 0.0);
    if (r == 1 && !(p.revents & PS_POLLNVAL))
        broke(c, "revents %#x without PS_POLLNVAL", (unsigned)p.revents);
    return r;
}

static const bad_row rows_poll[] = {
    {"ps_poll", K_NULL, S_NONE, "fds NULL, n 1", poll_null_fds, 0, PS_EINVAL, NULL},
    {"ps_poll", K_NULL, S_NONE, "an entry with sock NULL: ignored, 0", poll_null_sock, 0, 0, NULL},
    {"ps_poll", K_CLOSED, S_TCP, "1, PS_POLLNVAL", poll_dead, 0, 1, NULL},
    {"ps_poll", K_CONST, S_TCP, "events 0x80", poll_events, 0x80, PS_EINVAL, NULL},
    {"ps_poll", K_CONST, S_TCP, "the out-only PS_POLLERR in events", poll_events, PS_POLLERR,
     PS_EINVAL, NULL},
    {"ps_poll", K_CONST, S_TCP, "the out-only PS_POLLNVAL in events", poll_events, PS_POLLNVAL,
     PS_EINVAL, NULL},
    {"ps_poll", K_NEG_TIMEOUT, S_TCP, "timeout -0.5", poll_timeout, TO_NEG_HALF, PS_EINVAL, NULL},
    {"ps_poll", K_NEG_TIMEOUT, S_TCP, "timeout PS_TIMEOUT_DEFAULT", poll_timeout, TO_DEFAULT,
     PS_EINVAL, NULL},
    {"ps_poll", K_NEG_TIMEOUT, S_TCP, "timeout -INFINITY", poll_timeout, TO_NEG_INF, PS_EINVAL,
     NULL},
    {"ps_poll", K_NAN_TIMEOUT, S_TCP, "timeout NaN", poll_timeout, TO_NAN, PS_EINVAL, NULL},
    {"ps_poll", K_NAN_TIMEOUT, S_TCP, "timeout +INFINITY", poll_timeout, TO_POS_INF, PS_EINVAL,
     NULL},
    {"ps_poll", K_LENGTH, S_TCP, "n INT_MAX + 1", poll_count, L_INT_MAX_1, PS_EINVAL, NULL},
    {"ps_poll", K_LENGTH, S_TCP, "n SIZE_MAX", poll_count, L_SIZE_MAX, PS_EINVAL, NULL},
};

/* ------------------------------------------------------------------------ */
/* Selectors                                                                */
/* ------------------------------------------------------------------------ */

static long long selector_open_null(bad_ctx *c)
{
    (void)c;
    return ps_selector_open(NULL);
}

static long long selector_open_backend_null(bad_ctx *c)
{
    (void)c;
    return ps_selector_open_backend(NULL, PS_SELECTOR_DEFAULT);
}

static long long selector_open_backend_of(bad_ctx *c)
{
    ps_selector *o = (ps_selector *)SENTINEL;
    int r = ps_selector_open_backend(&o, (int)c->arg);
    if (r < 0)
        out_left(c, "*out", o);
    else if (o != NULL && o != SENTINEL)
        ps_selector_close(o);
    return r;
}

static long long selector_backend_null(bad_ctx *c)
{
    (void)c;
    return ps_selector_backend(NULL);
}

static long long selector_add_of(bad_ctx *c)
{
    return ps_selector_add(c->sel, c->s, (int)c->arg, NULL);
}

static long long selector_add_null_sock(bad_ctx *c)
{
    return ps_selector_add(c->sel, NULL, PS_POLLIN, NULL);
}

static long long selector_modify_of(bad_ctx *c)
{
    return ps_selector_modify(c->sel, c->s, (int)c->arg, NULL);
}

static long long selector_modify_null_sock(bad_ctx *c)
{
    return ps_selector_modify(c->sel, NULL, PS_POLLIN, NULL);
}

/* The registration goes whatever the OS says: a second remove finds none. */
static long long selector_remove_of(bad_ctx *c)
{
    int r = ps_selector_remove(c->sel, c->s);
    if (c->sel && c->s && c->killed != PS_INVALID_NATIVE &&
        ps_selector_remove(c->sel, c->s) != PS_ENOENT)
        broke(c, "still registered");
    return r;
}

static long long selector_remove_null_sock(bad_ctx *c)
{
    return ps_selector_remove(c->sel, NULL);
}

/* A socket closed underneath while registered: reported PS_POLLNVAL, or
 * gone (see the rows). */
static long long selector_wait_of(bad_ctx *c)
{
    ps_event ev[4];
    int r = ps_selector_wait(c->sel, ev, COUNT(ev), 0.0);
    if (r == 1 && (ev[0].sock != c->s || !(ev[0].events & PS_POLLNVAL)))
        broke(c, "the event is not PS_POLLNVAL for the socket");
    return r;
}

static long long selector_wait_null_out(bad_ctx *c)
{
    return ps_selector_wait(c->sel, NULL, 4, 0.0);
}

/* max is the room in out; nothing is ready, so nothing is written. */
static long long selector_wait_max(bad_ctx *c)
{
    ps_event ev[4];
    return ps_selector_wait(c->sel, ev, len_of(c->arg), 0.0);
}

static long long selector_wait_timeout(bad_ctx *c)
{
    ps_event ev[4];
    return ps_selector_wait(c->sel, ev, COUNT(ev), timeout_of(c->arg));
}

static long long selector_close_null(bad_ctx *c)
{
    (void)c;
    ps_selector_close(NULL);
    return 0;
}

static long long selector_close_of(bad_ctx *c)
{
    ps_selector_close(c->sel);
    c->sel = NULL;
    return 0;
}

static const char why_poll_selector[] =
    "the default selector is epoll on Linux, whose epoll_ctl sees the dead handle; on Windows it "
    "is the poll selector, which asks the OS nothing before the wait (the wait then reports "
    "PS_POLLNVAL), as Python's PollSelector";

static const bad_row rows_selector[] = {
    {"ps_selector_open", K_NULL, S_NONE, "out NULL", selector_open_null, 0, PS_EINVAL, NULL},
    {"ps_selector_open_backend", K_NULL, S_NONE, "out NULL", selector_open_backend_null, 0,
     PS_EINVAL, NULL},
    {"ps_selector_open_backend", K_CONST, S_NONE, "backend 99", selector_open_backend_of, 99,
     PS_EINVAL, NULL},
    {"ps_selector_open_backend", K_CONST, S_NONE, "backend -1", selector_open_backend_of, -1,
     PS_EINVAL, NULL},
    {"ps_selector_open_backend", K_CONST, S_NONE, "PS_SELECTOR_KQUEUE", selector_open_backend_of,
     PS_SELECTOR_KQUEUE, PS_ENOTSUP, NULL},
    {"ps_selector_open_backend", K_CONST, S_NONE, "PS_SELECTOR_EPOLL", selector_open_backend_of,
     PS_SELECTOR_EPOLL, PW(EPOLL_HERE, PS_ENOTSUP), "epoll is Linux's alone"},
    {"ps_selector_backend", K_NULL, S_NONE, "sel NULL", selector_backend_null, 0, PS_EINVAL, NULL},
    {"ps_selector_add", K_NULL, S_TCP, "sel NULL", selector_add_of, PS_POLLIN, PS_EINVAL, NULL},
    {"ps_selector_add", K_NULL, S_SEL_EMPTY, "s NULL", selector_add_null_sock, 0, PS_EINVAL, NULL},
    {"ps_selector_add", K_CLOSED, S_SEL_EMPTY, "the default selector", selector_add_of, PS_POLLIN,
     PW(PS_EBADF, 0), why_poll_selector},
    {"ps_selector_add", K_CLOSED, S_SEL_POLL_EMPTY, "the poll selector: 0, PS_POLLNVAL later",
     selector_add_of, PS_POLLIN, 0, NULL},
    {"ps_selector_add", K_TYPE, S_SEL, "a socket registered already", selector_add_of, PS_POLLIN,
     PS_EEXIST, NULL},
    {"ps_selector_add", K_CONST, S_SEL_EMPTY, "events 0", selector_add_of, 0, PS_EINVAL, NULL},
    {"ps_selector_add", K_CONST, S_SEL_EMPTY, "events 0x80", selector_add_of, 0x80, PS_EINVAL,
     NULL},
    {"ps_selector_add", K_CONST, S_SEL_EMPTY, "the out-only PS_POLLERR", selector_add_of,
     PS_POLLERR, PS_EINVAL, NULL},
    {"ps_selector_modify", K_NULL, S_TCP, "sel NULL", selector_modify_of, PS_POLLIN, PS_EINVAL,
     NULL},
    {"ps_selector_modify", K_NULL, S_SEL, "s NULL", selector_modify_null_sock, 0, PS_EINVAL, NULL},
    {"ps_selector_modify", K_CLOSED, S_SEL, "the default selector", selector_modify_of,
     PS_POLLIN | PS_POLLOUT, PW(PS_EBADF, 0), why_poll_selector},
    {"ps_selector_modify", K_CLOSED, S_SEL_POLL, "the poll selector: 0, PS_POLLNVAL later",
     selector_modify_of, PS_POLLIN | PS_POLLOUT, 0, NULL},
    {"ps_selector_modify", K_TYPE, S_SEL_EMPTY, "a socket of no selector", selector_modify_of,
     PS_POLLIN, PS_ENOENT, NULL},
    {"ps_selector_modify", K_CONST, S_SEL, "events 0", selector_modify_of, 0, PS_EINVAL, NULL},
    {"ps_selector_modify", K_CONST, S_SEL, "events 0x80", selector_modify_of, 0x80, PS_EINVAL,
     NULL},
    {"ps_selector_remove", K_NULL, S_TCP, "sel NULL", selector_remove_of, 0, PS_EINVAL, NULL},
    {"ps_selector_remove", K_NULL, S_SEL, "s NULL", selector_remove_null_sock, 0, PS_EINVAL, NULL},
    {"ps_selector_remove", K_CLOSED, S_SEL, "the default selector: removed all the same",
     selector_remove_of, 0, PW(PS_EBADF, 0), why_poll_selector},
    {"ps_selector_remove", K_CLOSED, S_SEL_POLL, "the poll selector: removed", selector_remove_of,
     0, 0, NULL},
    {"ps_selector_remove", K_TYPE, S_SEL_EMPTY, "a socket of no selector", selector_remove_of, 0,
     PS_ENOENT, NULL},
    {"ps_selector_wait", K_NULL, S_NONE, "sel NULL", selector_wait_of, 0, PS_EINVAL, NULL},
    {"ps_selector_wait", K_NULL, S_SEL, "out NULL", selector_wait_null_out, 0, PS_EINVAL, NULL},
    {"ps_selector_wait", K_CLOSED, S_SEL, "the default selector", selector_wait_of, 0, PW(0, 1),
     "epoll forgets a descriptor once it is closed (the kernel's doing): the wait has nothing to "
     "report; Windows' poll selector reports PS_POLLNVAL, as ps_poll does"},
    {"ps_selector_wait", K_CLOSED, S_SEL_POLL, "the poll selector: 1, PS_POLLNVAL",
     selector_wait_of, 0, 1, NULL},
    {"ps_selector_wait", K_LENGTH, S_SEL, "max 0", selector_wait_max, 0, PS_EINVAL, NULL},
    {"ps_selector_wait", K_NEG_TIMEOUT, S_SEL, "timeout -0.5", selector_wait_timeout, TO_NEG_HALF,
     PS_EINVAL, NULL},
    {"ps_selector_wait", K_NEG_TIMEOUT, S_SEL, "timeout PS_TIMEOUT_DEFAULT", selector_wait_timeout,
     TO_DEFAULT, PS_EINVAL, NULL},
    {"ps_selector_wait", K_NEG_TIMEOUT, S_SEL, "timeout -INFINITY", selector_wait_timeout,
     TO_NEG_INF, PS_EINVAL, NULL},
    {"ps_selector_wait", K_NAN_TIMEOUT, S_SEL, "timeout NaN", selector_wait_timeout, TO_NAN,
     PS_EINVAL, NULL},
    {"ps_selector_wait", K_NAN_TIMEOUT, S_SEL, "timeout +INFINITY", selector_wait_timeout,
     TO_POS_INF, PS_EINVAL, NULL},
    {"ps_selector_close", K_NULL, S_NONE, "sel NULL: nothing", selector_close_null, 0, 0, NULL},
    {"ps_selector_close", K_CLOSED, S_SEL, "with the dead socket registered", selector_close_of, 0,
     0, NULL},
    {"ps_selector_close", K_CLOSED, S_SEL_POLL, "the poll selector, the dead socket registered",
     selector_close_of, 0, 0, NULL},
    /* Last, so that every other row has run: the epoll selector has met this
     * row with an allocation of max events (24 GiB), which fails with
     * PS_ENOMEM, or under AddressSanitizer aborts the process. */
    {"ps_selector_wait", K_LENGTH, S_SEL_POLL, "the poll selector: max SIZE_MAX, nothing ready: 0",
     selector_wait_max, L_SIZE_MAX, 0, NULL},
    {"ps_selector_wait", K_LENGTH, S_SEL, "max SIZE_MAX, nothing ready: 0", selector_wait_max,
     L_SIZE_MAX, 0, NULL},
};

/* ------------------------------------------------------------------------ */
/* Timeouts and modes                                                       */
/* ------------------------------------------------------------------------ */

static long long settimeout_of(bad_ctx *c)
{
    double before = ps_gettimeout(c->s);
    int r = ps_settimeout(c->s, timeout_of(c->arg));
    if (r < 0 && c->s && ps_gettimeout(c->s) != before)
        broke(c, "the timeout changed");
    return r;
}

/* Invalid values change nothing (header): the timeout stays 2.5 s. */
static long long settimeout_invalid(bad_ctx *c)
{
    int r;
    NEED(ps_settimeout(c->s, 2.5));
    r = ps_settimeout(c->s, timeout_of(c->arg));
    if (ps_gettimeout(c->s) != 2.5)
        broke(c, "the timeout is %g, not 2.5", ps_gettimeout(c->s));
    return r;
}

static long long gettimeout_of(bad_ctx *c)
{
    double t = ps_gettimeout(c->s);
    if (c->s == NULL)
        return (long long)t; /* PS_EINVAL, as a double */
    if (t != PS_TIMEOUT_NONE)
        broke(c, "%g, not the object's PS_TIMEOUT_NONE", t);
    return 0;
}

static long long setblocking_of(bad_ctx *c)
{
    return ps_setblocking(c->s, 0);
}

static long long getblocking_of(bad_ctx *c)
{
    return ps_getblocking(c->s);
}

/* An invalid default is ignored (header). */
static long long setdefaulttimeout_invalid(bad_ctx *c)
{
    double got;
    ps_setdefaulttimeout(3.5);
    ps_setdefaulttimeout(timeout_of(c->arg));
    got = ps_getdefaulttimeout();
    ps_setdefaulttimeout(PS_TIMEOUT_NONE);
    if (got != 3.5)
        broke(c, "the default is %g, not 3.5", got);
    return 0;
}

static long long getdefaulttimeout_after_invalid(bad_ctx *c)
{
    double got;
    ps_setdefaulttimeout(0.25);
    ps_setdefaulttimeout(timeout_of(TO_NAN));
    ps_setdefaulttimeout(timeout_of(TO_NEG_HUGE));
    got = ps_getdefaulttimeout();
    ps_setdefaulttimeout(PS_TIMEOUT_NONE);
    if (got != 0.25)
        broke(c, "the default is %g, not 0.25", got);
    return 0;
}

static const bad_row rows_timeouts[] = {
    {"ps_settimeout", K_NULL, S_NONE, "s NULL", settimeout_of, TO_ONE, PS_EINVAL, NULL},
    {"ps_settimeout", K_CLOSED, S_TCP, "1.0 on a blocking socket: unchanged", settimeout_of, TO_ONE,
     DEAD, NULL},
    {"ps_settimeout", K_NEG_TIMEOUT, S_TCP, "-0.5: unchanged", settimeout_invalid, TO_NEG_HALF,
     PS_EINVAL, NULL},
    {"ps_settimeout", K_NEG_TIMEOUT, S_TCP, "PS_TIMEOUT_DEFAULT: unchanged", settimeout_invalid,
     TO_DEFAULT, PS_EINVAL, NULL},
    {"ps_settimeout", K_NEG_TIMEOUT, S_TCP, "-INFINITY: unchanged", settimeout_invalid, TO_NEG_INF,
     PS_EINVAL, NULL},
    {"ps_settimeout", K_NEG_TIMEOUT, S_TCP, "-1e300: unchanged", settimeout_invalid, TO_NEG_HUGE,
     PS_EINVAL, NULL},
    {"ps_settimeout", K_NAN_TIMEOUT, S_TCP, "NaN: unchanged", settimeout_invalid, TO_NAN, PS_EINVAL,
     NULL},
    {"ps_settimeout", K_NAN_TIMEOUT, S_TCP, "+INFINITY: unchanged", settimeout_invalid, TO_POS_INF,
     PS_EINVAL, NULL},
    {"ps_gettimeout", K_NULL, S_NONE, "s NULL", gettimeout_of, 0, PS_EINVAL, NULL},
    {"ps_gettimeout", K_CLOSED, S_TCP, "the object's timeout", gettimeout_of, 0, 0, NULL},
    {"ps_setblocking", K_NULL, S_NONE, "s NULL", setblocking_of, 0, PS_EINVAL, NULL},
    {"ps_setblocking", K_CLOSED, S_TCP, "non-blocking, on a blocking socket", setblocking_of, 0,
     DEAD, NULL},
    {"ps_getblocking", K_NULL, S_NONE, "s NULL", getblocking_of, 0, PS_EINVAL, NULL},
    {"ps_getblocking", K_CLOSED, S_TCP, "the object's mode", getblocking_of, 0, 1, NULL},
    {"ps_setdefaulttimeout", K_NEG_TIMEOUT, S_NONE, "-0.5: ignored", setdefaulttimeout_invalid,
     TO_NEG_HALF, 0, NULL},
    {"ps_setdefaulttimeout", K_NEG_TIMEOUT, S_NONE, "PS_TIMEOUT_DEFAULT: ignored",
     setdefaulttimeout_invalid, TO_DEFAULT, 0, NULL},
    {"ps_setdefaulttimeout", K_NEG_TIMEOUT, S_NONE, "-INFINITY: ignored", setdefaulttimeout_invalid,
     TO_NEG_INF, 0, NULL},
    {"ps_setdefaulttimeout", K_NAN_TIMEOUT, S_NONE, "NaN: ignored", setdefaulttimeout_invalid,
     TO_NAN, 0, NULL},
    {"ps_setdefaulttimeout", K_NAN_TIMEOUT, S_NONE, "+INFINITY: ignored", setdefaulttimeout_invalid,
     TO_POS_INF, 0, NULL},
    {"ps_getdefaulttimeout", K_ANY, S_NONE, "after invalid values: the last valid one",
     getdefaulttimeout_after_invalid, 0, 0, NULL},
};

/* ------------------------------------------------------------------------ */
/* Addresses                                                                */
/* ------------------------------------------------------------------------ */

/* Text arguments, as a row's arg. */
enum {
    T_NULL,
    T_LOCALHOST,
    T_FIVE_PARTS,
    T_UNKNOWN_IF,
    T_EMPTY_SCOPE,
    T_V4_SCOPE,
    T_HUGE_SCOPE,
    T_LONG,
    T_PORT_65536,
    T_NO_PORT,
    T_V4_BRACKETS,
    T_V6_NO_BRACKETS,
    T_LOCALHOST_PORT,
    T_UNIX_EMPTY,
    T_UNIX_LONG
};

static const char *text_arg(long long which)
{
    static char long_text[301], unix_long[5 + 200 + 1];
    switch (which) {
    case T_NULL: return NULL;
    case T_LOCALHOST: return "localhost";
    case T_FIVE_PARTS: return "1.2.3.4.5";
    case T_UNKNOWN_IF: return "fe80::1%nosuchif0";
    case T_EMPTY_SCOPE: return "::1%";
    case T_V4_SCOPE: return "1.2.3.4%1";
    case T_HUGE_SCOPE: return "fe80::1%99999999999";
    case T_LONG:
        memset(long_text, '1', sizeof long_text - 1);
        long_text[sizeof long_text - 1] = '\0';
        return long_text;
    case T_PORT_65536: return "1.2.3.4:65536";
    case T_NO_PORT: return "1.2.3.4";
    case T_V4_BRACKETS: return "[1.2.3.4]:80";
    case T_V6_NO_BRACKETS: return "::1:80";
    case T_LOCALHOST_PORT: return "localhost:80";
    case T_UNIX_EMPTY: return "unix:";
    default:
        memcpy(unix_long, "unix:", 5);
        memset(unix_long + 5, 'a', 200);
        unix_long[sizeof unix_long - 1] = '\0';
        return unix_long;
    }
}

static long long addr_set_null_out(bad_ctx *c)
{
    (void)c;
    return ps_addr_set(NULL, "1.2.3.4", 80);
}

static long long addr_set_host(bad_ctx *c)
{
    ps_addr a;
    int r;
    addr_out_prepare(&a);
    r = ps_addr_set(&a, text_arg(c->arg), 80);
    if (r < 0)
        addr_out_left(c, &a);
    return r;
}

static long long addr_parse_null_out(bad_ctx *c)
{
    (void)c;
    return ps_addr_parse(NULL, "1.2.3.4:80");
}

static long long addr_parse_text(bad_ctx *c)
{
    ps_addr a;
    int r;
    addr_out_prepare(&a);
    r = ps_addr_parse(&a, text_arg(c->arg));
    if (r < 0)
        addr_out_left(c, &a);
    return r;
}

static long long addr_format_of(bad_ctx *c)
{
    ps_addr a;
    char buf[64];
    return ps_addr_format(addr_arg(c->arg, &a), buf, sizeof buf);
}

static long long addr_format_null_buf(bad_ctx *c)
{
    ps_addr a;
    (void)c;
    return ps_addr_format(addr_arg(A_V4, &a), NULL, 64);
}

/* "127.0.0.1:9" is 11 bytes and its NUL: nothing past buf[size - 1] may be
 * written (header). */
static long long addr_format_small(bad_ctx *c)
{
    ps_addr a;
    char buf[16];
    size_t size = (size_t)c->arg;
    int r;
    canary_fill(buf, sizeof buf);
    r = ps_addr_format(addr_arg(A_V4, &a), buf, size);
    if (!canary_intact(buf + size, sizeof buf - size))
        broke(c, "bytes past size were written");
    return r;
}

static long long addr_format_null_buf_size0(bad_ctx *c)
{
    ps_addr a;
    (void)c;
    return ps_addr_format(addr_arg(A_V4, &a), NULL, 0);
}

static long long addr_family_of(bad_ctx *c)
{
    ps_addr a;
    return ps_addr_family(addr_arg(c->arg, &a));
}

static long long addr_port_of(bad_ctx *c)
{
    ps_addr a;
    return ps_addr_port(addr_arg(c->arg, &a));
}

static const bad_row rows_addresses[] = {
    {"ps_addr_set", K_NULL, S_NONE, "out NULL", addr_set_null_out, 0, PS_EINVAL, NULL},
    {"ps_addr_set", K_NULL, S_NONE, "numeric_host NULL", addr_set_host, T_NULL, PS_EINVAL, NULL},
    {"ps_addr_set", K_CONST, S_NONE, "\"localhost\": no resolution", addr_set_host, T_LOCALHOST,
     PS_EINVAL, NULL},
    {"ps_addr_set", K_CONST, S_NONE, "\"1.2.3.4.5\"", addr_set_host, T_FIVE_PARTS, PS_EINVAL, NULL},
    {"ps_addr_set", K_CONST, S_NONE, "an unknown interface as scope", addr_set_host, T_UNKNOWN_IF,
     PS_EINVAL, NULL},
    {"ps_addr_set", K_CONST, S_NONE, "an empty scope", addr_set_host, T_EMPTY_SCOPE, PS_EINVAL,
     NULL},
    {"ps_addr_set", K_CONST, S_NONE, "a scope on IPv4", addr_set_host, T_V4_SCOPE, PS_EINVAL, NULL},
    {"ps_addr_set", K_LENGTH, S_NONE, "a scope of 11 digits", addr_set_host, T_HUGE_SCOPE,
     PS_EINVAL, NULL},
    {"ps_addr_set", K_LENGTH, S_NONE, "a host of 300 characters", addr_set_host, T_LONG, PS_EINVAL,
     NULL},
    {"ps_addr_parse", K_NULL, S_NONE, "out NULL", addr_parse_null_out, 0, PS_EINVAL, NULL},
    {"ps_addr_parse", K_NULL, S_NONE, "text NULL", addr_parse_text, T_NULL, PS_EINVAL, NULL},
    {"ps_addr_parse", K_CONST, S_NONE, "port 65536", addr_parse_text, T_PORT_65536, PS_EINVAL,
     NULL},
    {"ps_addr_parse", K_CONST, S_NONE, "no port", addr_parse_text, T_NO_PORT, PS_EINVAL, NULL},
    {"ps_addr_parse", K_CONST, S_NONE, "IPv4 in brackets", addr_parse_text, T_V4_BRACKETS,
     PS_EINVAL, NULL},
    {"ps_addr_parse", K_CONST, S_NONE, "IPv6 without brackets", addr_parse_text, T_V6_NO_BRACKETS,
     PS_EINVAL, NULL},
    {"ps_addr_parse", K_CONST, S_NONE, "\"localhost:80\": no resolution", addr_parse_text,
     T_LOCALHOST_PORT, PS_EINVAL, NULL},
    {"ps_addr_parse", K_LENGTH, S_NONE, "\"unix:\" without a path", addr_parse_text, T_UNIX_EMPTY,
     PS_EINVAL, NULL},
    {"ps_addr_parse", K_LENGTH, S_NONE, "a unix path of 200 bytes", addr_parse_text, T_UNIX_LONG,
     PS_EINVAL, NULL},
    {"ps_addr_parse", K_LENGTH, S_NONE, "300 characters", addr_parse_text, T_LONG, PS_EINVAL, NULL},
    {"ps_addr_format", K_NULL, S_NONE, "a NULL", addr_format_of, A_NULL, PS_EINVAL, NULL},
    {"ps_addr_format", K_NULL, S_NONE, "buf NULL, size 64", addr_format_null_buf, 0, PS_EINVAL,
     NULL},
    {"ps_addr_format", K_LENGTH, S_NONE, "a.len 0", addr_format_of, A_EMPTY, PS_EINVAL, NULL},
    {"ps_addr_format", K_LENGTH, S_NONE, "a.len 5000", addr_format_of, A_LONG, PS_EINVAL, NULL},
    {"ps_addr_format", K_LENGTH, S_NONE, "an IPv4 address cut to 4 bytes", addr_format_of,
     A_SHORT_V4, PS_EINVAL, NULL},
    {"ps_addr_format", K_CONST, S_NONE, "family 77", addr_format_of, A_FAMILY77, PS_EINVAL, NULL},
    {"ps_addr_format", K_SMALL, S_NONE, "size 5", addr_format_small, 5, PS_ENOBUFS, NULL},
    {"ps_addr_format", K_SMALL, S_NONE, "size 11: no room for the NUL", addr_format_small, 11,
     PS_ENOBUFS, NULL},
    {"ps_addr_format", K_SMALL, S_NONE, "buf NULL, size 0", addr_format_null_buf_size0, 0,
     PS_ENOBUFS, NULL},
    {"ps_addr_family", K_NULL, S_NONE, "a NULL", addr_family_of, A_NULL, PS_EINVAL, NULL},
    {"ps_addr_family", K_LENGTH, S_NONE, "a.len 0", addr_family_of, A_EMPTY, PS_EINVAL, NULL},
    {"ps_addr_family", K_LENGTH, S_NONE, "a.len 5000", addr_family_of, A_LONG, PS_EINVAL, NULL},
    {"ps_addr_family", K_LENGTH, S_NONE, "a.len 1: not even a family", addr_family_of, A_ONE_BYTE,
     PS_EINVAL, NULL},
    {"ps_addr_family", K_CONST, S_NONE, "family 77", addr_family_of, A_FAMILY77, PS_EINVAL, NULL},
    {"ps_addr_port", K_NULL, S_NONE, "a NULL", addr_port_of, A_NULL, PS_EINVAL, NULL},
    {"ps_addr_port", K_LENGTH, S_NONE, "a.len 0", addr_port_of, A_EMPTY, PS_EINVAL, NULL},
    {"ps_addr_port", K_LENGTH, S_NONE, "a.len UINT32_MAX", addr_port_of, A_HUGE, PS_EINVAL, NULL},
    {"ps_addr_port", K_LENGTH, S_NONE, "an IPv4 address cut to 4 bytes", addr_port_of, A_SHORT_V4,
     PS_EINVAL, NULL},
    {"ps_addr_port", K_CONST, S_NONE, "family 77", addr_port_of, A_FAMILY77, PS_EINVAL, NULL},
    {"ps_addr_port", K_TYPE, S_NONE, "an AF_UNIX address", addr_port_of, A_UNIX, PS_EAFNOSUPPORT,
     NULL},
};

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

/* ps_getaddrinfo's arguments, as a row's arg. */
typedef struct gai_case {
    const char *host, *service;
    int family, type, flags;
} gai_case;

static const gai_case gai_cases[] = {
    {NULL, NULL, PS_AF_UNSPEC, 0, 0},
    {"127.0.0.1", "80", PS_AF_UNSPEC, 0, 0x100},
    {"127.0.0.1", "80", 99, 0, PS_AI_NUMERICHOST},
    {"127.0.0.1", "80", PS_AF_UNIX, 0, PS_AI_NUMERICHOST},
    {"127.0.0.1", "80", PS_AF_UNSPEC, 99, PS_AI_NUMERICHOST},
    {"127.0.0.1", "no-such-service-xyz", PS_AF_UNSPEC, PS_SOCK_STREAM, PS_AI_NUMERICHOST},
};

static long long getaddrinfo_null_res(bad_ctx *c)
{
    (void)c;
    return ps_getaddrinfo("127.0.0.1", "80", PS_AF_UNSPEC, 0, PS_AI_NUMERICHOST, NULL);
}

static long long getaddrinfo_of(bad_ctx *c)
{
    const gai_case *g = &gai_cases[c->arg];
    ps_addrinfo *res = (ps_addrinfo *)SENTINEL;
    int r = ps_getaddrinfo(g->host, g->service, g->family, g->type, g->flags, &res);
    if (r < 0)
        out_left(c, "*res", res);
    else if (res != NULL && res != SENTINEL)
        ps_freeaddrinfo(res);
    return r;
}

static long long freeaddrinfo_null(bad_ctx *c)
{
    (void)c;
    ps_freeaddrinfo(NULL);
    return 0;
}

static long long getnameinfo_of(bad_ctx *c)
{
    ps_addr a;
    char host[64];
    return ps_getnameinfo(addr_arg(c->arg, &a), host, sizeof host, NULL, 0, PS_NI_NUMERICHOST);
}

static long long getnameinfo_no_buffers(bad_ctx *c)
{
    ps_addr a;
    (void)c;
    return ps_getnameinfo(addr_arg(A_V4, &a), NULL, 0, NULL, 0, PS_NI_NUMERICHOST);
}

static long long getnameinfo_null_host(bad_ctx *c)
{
    ps_addr a;
    (void)c;
    return ps_getnameinfo(addr_arg(A_V4, &a), NULL, 64, NULL, 0, PS_NI_NUMERICHOST);
}

static long long getnameinfo_flags(bad_ctx *c)
{
    ps_addr a;
    char host[64];
    return ps_getnameinfo(addr_arg(A_V4, &a), host, sizeof host, NULL, 0, (int)c->arg);
}

static long long getnameinfo_hostlen(bad_ctx *c)
{
    ps_addr a;
    char host[64];
    return ps_getnameinfo(addr_arg(A_V4, &a), host, len_of(c->arg), NULL, 0, PS_NI_NUMERICHOST);
}

static long long getnameinfo_servlen(bad_ctx *c)
{
    ps_addr a = test_addr("127.0.0.1:8080");
    char serv[64];
    return ps_getnameinfo(&a, NULL, 0, serv, len_of(c->arg), PS_NI_NUMERICSERV);
}

static long long gethostname_null(bad_ctx *c)
{
    (void)c;
    return ps_gethostname(NULL, 64);
}

/* Too small a buffer: nothing written past size. */
static long long gethostname_size(bad_ctx *c)
{
    char buf[8];
    size_t size = (size_t)c->arg;
    int r;
    canary_fill(buf, sizeof buf);
    r = ps_gethostname(buf, size);
    if (!canary_intact(buf + size, sizeof buf - size))
        broke(c, "bytes past size were written");
    return r;
}

static const bad_row rows_names[] = {
    {"ps_getaddrinfo", K_NULL, S_NONE, "res NULL", getaddrinfo_null_res, 0, PS_EINVAL, NULL},
    {"ps_getaddrinfo", K_NULL, S_NONE, "host and service NULL", getaddrinfo_of, 0, PS_EINVAL, NULL},
    {"ps_getaddrinfo", K_CONST, S_NONE, "flags 0x100", getaddrinfo_of, 1, PS_EINVAL, NULL},
    {"ps_getaddrinfo", K_CONST, S_NONE, "family 99", getaddrinfo_of, 2, PS_EAI_FAMILY, NULL},
    {"ps_getaddrinfo", K_CONST, S_NONE, "family PS_AF_UNIX", getaddrinfo_of, 3, PS_EAI_FAMILY,
     NULL},
    {"ps_getaddrinfo", K_CONST, S_NONE, "type 99", getaddrinfo_of, 4, PS_EAI_SOCKTYPE, NULL},
    {"ps_getaddrinfo", K_CONST, S_NONE, "an unknown service name", getaddrinfo_of, 5,
     PS_EAI_SERVICE, NULL},
    {"ps_freeaddrinfo", K_NULL, S_NONE, "res NULL: nothing", freeaddrinfo_null, 0, 0, NULL},
    {"ps_getnameinfo", K_NULL, S_NONE, "a NULL", getnameinfo_of, A_NULL, PS_EINVAL, NULL},
    {"ps_getnameinfo", K_NULL, S_NONE, "host and serv NULL", getnameinfo_no_buffers, 0, PS_EINVAL,
     NULL},
    {"ps_getnameinfo", K_NULL, S_NONE, "host NULL, hostlen 64", getnameinfo_null_host, 0, PS_EINVAL,
     NULL},
    {"ps_getnameinfo", K_CONST, S_NONE, "flags 0x100", getnameinfo_flags, 0x100, PS_EINVAL, NULL},
    {"ps_getnameinfo", K_CONST, S_NONE, "family 77", getnameinfo_of, A_FAMILY77, PS_EINVAL, NULL},
    {"ps_getnameinfo", K_TYPE, S_NONE, "an AF_UNIX address", getnameinfo_of, A_UNIX,
     PS_EAFNOSUPPORT, NULL},
    {"ps_getnameinfo", K_LENGTH, S_NONE, "a.len 0", getnameinfo_of, A_EMPTY, PS_EINVAL, NULL},
    {"ps_getnameinfo", K_LENGTH, S_NONE, "hostlen 65536", getnameinfo_hostlen, 65536, PS_EINVAL,
     NULL},
    {"ps_getnameinfo", K_LENGTH, S_NONE, "hostlen SIZE_MAX", getnameinfo_hostlen, L_SIZE_MAX,
     PS_EINVAL, NULL},
    {"ps_getnameinfo", K_SMALL, S_NONE, "\"127.0.0.1\" into 3 bytes", getnameinfo_hostlen, 3,
     PS_ENOBUFS, NULL},
    {"ps_getnameinfo", K_SMALL, S_NONE, "\"8080\" into 2 bytes", getnameinfo_servlen, 2, PS_ENOBUFS,
     NULL},
    {"ps_gethostname", K_NULL, S_NONE, "buf NULL", gethostname_null, 0, PS_EINVAL, NULL},
    {"ps_gethostname", K_LENGTH, S_NONE, "size 0", gethostname_size, 0, PS_EINVAL, NULL},
    {"ps_gethostname", K_SMALL, S_NONE, "size 1: no room for a name", gethostname_size, 1,
     PS_ENOBUFS, NULL},
};

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                              */
/* ------------------------------------------------------------------------ */

static long long diag_count_of(bad_ctx *c)
{
    return (long long)ps_diag_count((int)c->arg);
}

static long long diag_force_of(bad_ctx *c)
{
    int r = ps_diag_force((int)c->arg, 1);
    if (r == 0)
        NEED(ps_diag_force((int)c->arg, 0));
    return r;
}

static const bad_row rows_diagnostics[] = {
    {"ps_diag_count", K_CONST, S_NONE, "counter 0: 0", diag_count_of, 0, 0, NULL},
    {"ps_diag_count", K_CONST, S_NONE, "counter 99: 0", diag_count_of, 99, 0, NULL},
    {"ps_diag_count", K_CONST, S_NONE, "counter INT_MIN: 0", diag_count_of, INT_MIN, 0, NULL},
    {"ps_diag_force", K_CONST, S_NONE, "knob 0", diag_force_of, 0, PS_EINVAL, NULL},
    {"ps_diag_force", K_CONST, S_NONE, "knob 99", diag_force_of, 99, PS_EINVAL, NULL},
    {"ps_diag_force", K_CONST, S_NONE, "knob -1", diag_force_of, -1, PS_EINVAL, NULL},
    {"ps_diag_force", K_CONST, S_NONE, "PS_DIAG_FORCE_POLL_SELECT", diag_force_of,
     PS_DIAG_FORCE_POLL_SELECT, PW(PS_ENOTSUP, 0),
     "the select path it forces is Windows' alone: PS_ENOTSUP elsewhere (header)"},
    {"ps_diag_force", K_CONST, S_NONE, "PS_DIAG_FORCE_NO_AFD", diag_force_of, PS_DIAG_FORCE_NO_AFD,
     PW(PS_ENOTSUP, 0), "the AFD selector it refuses is Windows' alone: PS_ENOTSUP elsewhere"},
};

/* ------------------------------------------------------------------------ */
/* The runner                                                               */
/* ------------------------------------------------------------------------ */

static void setup(bad_ctx *c, bad_setup how)
{
    ps_socket *p[2];
    switch (how) {
    case S_NONE: return;
    case S_TCP: NEED(ps_socket_open(&c->s, PS_AF_INET, PS_SOCK_STREAM, 0)); return;
    case S_UDP: c->s = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL); return;
    case S_LISTENER: c->s = test_listener(PS_AF_INET, NULL); return;
    case S_UDP_PAIR:
        NEED(ps_socketpair(p, PS_AF_INET, PS_SOCK_DGRAM));
        c->s = p[0];
        c->peer = p[1];
        break;
    default: test_tcp_pair(PS_AF_INET, &c->s, &c->peer); break;
    }
    /* Nothing here may wait long: a row whose call waited by mistake ends
     * with PS_ETIMEDOUT, not in the watchdog. */
    NEED(ps_settimeout(c->s, 2.0));
    NEED(ps_settimeout(c->peer, 2.0));
    switch (how) {
    case S_FILE_R: NEED(ps_makefile(c->s, "r", 0, &c->f)); break;
    case S_FILE_W: NEED(ps_makefile(c->s, "w", 0, &c->f)); break;
    case S_FILE_RW: NEED(ps_makefile(c->s, "rw", 16, &c->f)); break;
    case S_FILE_LINE: NEED(ps_makefile(c->s, "w", 1, &c->f)); break;
    case S_SEL:
    case S_SEL_EMPTY: NEED(ps_selector_open(&c->sel)); break;
    case S_SEL_POLL:
    case S_SEL_POLL_EMPTY: NEED(ps_selector_open_backend(&c->sel, PS_SELECTOR_POLL)); break;
    case S_DISK: c->fp = temp_file_100(); break;
    default: break;
    }
    if (how == S_SEL || how == S_SEL_POLL)
        NEED(ps_selector_add(c->sel, c->s, PS_POLLIN, NULL));
}

static const char *describe(long long v, char buf[64])
{
    if (v < 0 && v >= INT_MIN)
        snprintf(buf, 64, "%lld (%s)", v, ps_errname((int)v));
    else
        snprintf(buf, 64, "%lld", v);
    return buf;
}

/* One close of the teardown; returns 1 when it gave the wrong result. */
static int closed_as(const char *what, long long got, long long want)
{
    char g[64], w[64];
    if (got == want)
        return 0;
    printf("# FAIL %s: teardown: %s gave %s, want %s\n", row_label, what, describe(got, g),
           describe(want, w));
    return 1;
}

/* Takes down what setup built. The socket whose handle was closed
 * underneath reports it once more from ps_close (and is freed all the
 * same); everything else closes cleanly. */
static int teardown(bad_ctx *c)
{
    int bad = 0;
    if (c->f)
        bad += closed_as("ps_file_close", ps_file_close(c->f), c->f_close_want);
    if (c->sel)
        ps_selector_close(c->sel);
    if (c->fp)
        fclose(c->fp);
    if (c->extra)
        bad += closed_as("ps_close of the extra socket", ps_close(c->extra), 0);
    if (c->s)
        bad += closed_as("ps_close of the socket", ps_close(c->s),
                         c->killed != PS_INVALID_NATIVE ? DEAD : 0);
    if (c->peer)
        bad += closed_as("ps_close of the peer", ps_close(c->peer), 0);
    return bad;
}

/* Runs one row; returns 1 when it failed (printed). */
static int run_row(const bad_row *r, int verbose)
{
    bad_ctx c;
    long long got;
    char g[64], w[64];
    int ok;
    memset(&c, 0, sizeof c);
    c.arg = r->arg;
    c.killed = PS_INVALID_NATIVE;
    snprintf(row_label, sizeof row_label, "%s [%s]%s%s", r->fn, kind_names[r->kind],
             r->what[0] ? " " : "", r->what);
    setup(&c, r->setup);
    if (r->kind == K_CLOSED && c.s) {
        /* From here to the call nothing opens a handle: its number cannot be
         * reused before the call, nor before the final ps_close. */
        c.killed = ps_fileno(c.s);
        close_native_or_fail(c.killed);
    }
    got = r->call(&c);
    ok = got == r->want && c.broken[0] == '\0';
    if (!ok || verbose)
        printf("# %s %s: got %s, want %s%s%s\n", ok ? "ok  " : "FAIL", row_label, describe(got, g),
               describe(r->want, w), c.broken[0] ? "; " : "", c.broken);
    return teardown(&c) > 0 || !ok;
}

static void run_rows(const bad_row *rows, size_t n)
{
    const char *v = getenv("PS_BADTABLE_VERBOSE");
    int verbose = v != NULL && strcmp(v, "1") == 0;
    size_t i, failed = 0;
    for (i = 0; i < n; i++)
        failed += (size_t)run_row(&rows[i], verbose);
    if (failed > 0)
        FAILF("%zu of %zu rows failed (listed above)", failed, n);
}

/* ------------------------------------------------------------------------ */
/* The tests                                                                */
/* ------------------------------------------------------------------------ */

typedef struct bad_family {
    const char *name;
    const bad_row *rows;
    size_t n;
} bad_family;

/* clang-format off */
#define FAMILY(name, rows) {name, rows, COUNT(rows)}
/* clang-format on */

static const bad_family families[] = {
    FAMILY("errors", rows_errors),
    FAMILY("library", rows_library),
    FAMILY("sockets", rows_sockets),
    FAMILY("options", rows_options),
    FAMILY("connections", rows_connections),
    FAMILY("create", rows_create),
    FAMILY("data", rows_data),
    FAMILY("msg", rows_msg),
    FAMILY("cmsg", rows_cmsg),
    FAMILY("sendfile", rows_sendfile),
    FAMILY("streams", rows_streams),
    FAMILY("poll", rows_poll),
    FAMILY("selector", rows_selector),
    FAMILY("timeouts", rows_timeouts),
    FAMILY("addresses", rows_addresses),
    FAMILY("names", rows_names),
    FAMILY("diagnostics", rows_diagnostics),
};

TEST(error_functions_answer_out_of_range_codes_as_documented)
{
    run_rows(rows_errors, COUNT(rows_errors));
}

TEST(library_lifetime_functions_take_any_call_order)
{
    run_rows(rows_library, COUNT(rows_library));
}

TEST(socket_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_sockets, COUNT(rows_sockets));
}

TEST(option_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_options, COUNT(rows_options));
}

TEST(connection_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_connections, COUNT(rows_connections));
}

TEST(create_connection_and_server_answer_each_bad_argument_exactly)
{
    run_rows(rows_create, COUNT(rows_create));
}

TEST(data_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_data, COUNT(rows_data));
}

TEST(sendmsg_and_recvmsg_answer_each_bad_argument_exactly)
{
    run_rows(rows_msg, COUNT(rows_msg));
}

TEST(control_message_helpers_answer_each_bad_argument_exactly)
{
    run_rows(rows_cmsg, COUNT(rows_cmsg));
}

TEST(sendfile_answers_each_bad_argument_exactly)
{
    run_rows(rows_sendfile, COUNT(rows_sendfile));
}

TEST(stream_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_streams, COUNT(rows_streams));
}

TEST(poll_answers_each_bad_argument_exactly)
{
    run_rows(rows_poll, COUNT(rows_poll));
}

TEST(selector_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_selector, COUNT(rows_selector));
}

TEST(timeout_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_timeouts, COUNT(rows_timeouts));
}

TEST(address_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_addresses, COUNT(rows_addresses));
}

TEST(name_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_names, COUNT(rows_names));
}

TEST(diagnostic_functions_answer_each_bad_argument_exactly)
{
    run_rows(rows_diagnostics, COUNT(rows_diagnostics));
}

static int table_has(const char *fn)
{
    size_t f, i;
    for (f = 0; f < COUNT(families); f++) {
        for (i = 0; i < families[f].n; i++) {
            if (strcmp(families[f].rows[i].fn, fn) == 0)
                return 1;
        }
    }
    return 0;
}

static int is_public(const char *fn)
{
    size_t i;
    for (i = 0; i < COUNT(badtable_functions); i++) {
        if (strcmp(badtable_functions[i], fn) == 0)
            return 1;
    }
    return 0;
}

TEST(every_public_function_has_a_row_and_every_row_a_public_function)
{
    size_t f, i;
    int missing = 0, strangers = 0;
    /* The generator found the declarations (a broken pattern finds none). */
    ASSERT_GT(COUNT(badtable_functions), 80);
    for (i = 0; i < COUNT(badtable_functions); i++) {
        if (!table_has(badtable_functions[i])) {
            NOTE("no row for %s", badtable_functions[i]);
            missing++;
        }
    }
    for (f = 0; f < COUNT(families); f++) {
        for (i = 0; i < families[f].n; i++) {
            if (!is_public(families[f].rows[i].fn)) {
                NOTE("the row of %s names no PS_API function", families[f].rows[i].fn);
                strangers++;
            }
        }
    }
    ASSERT_EQ(missing, 0);
    ASSERT_EQ(strangers, 0);
}

TEST(summary_counts_the_rows_per_kind_and_family)
{
    size_t f, i, k, per_kind[K_COUNT], total = 0, platform = 0;
    memset(per_kind, 0, sizeof per_kind);
    for (f = 0; f < COUNT(families); f++) {
        NOTE("%-12s %3zu rows", families[f].name, families[f].n);
        for (i = 0; i < families[f].n; i++) {
            per_kind[families[f].rows[i].kind]++;
            platform += families[f].rows[i].why != NULL;
        }
        total += families[f].n;
    }
    for (k = 0; k < K_COUNT; k++) {
        NOTE("%-22s %3zu rows", kind_names[k], per_kind[k]);
        ASSERT_GT(per_kind[k], 0); /* every kind is exercised */
    }
    NOTE("%zu rows over %zu public functions; %zu with a result of their own per platform", total,
         COUNT(badtable_functions), platform);
}

TEST_LIST = {
    TEST_ENTRY(error_functions_answer_out_of_range_codes_as_documented),
    TEST_ENTRY(library_lifetime_functions_take_any_call_order),
    TEST_ENTRY(socket_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(option_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(connection_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(create_connection_and_server_answer_each_bad_argument_exactly),
    TEST_ENTRY(data_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(sendmsg_and_recvmsg_answer_each_bad_argument_exactly),
    TEST_ENTRY(control_message_helpers_answer_each_bad_argument_exactly),
    TEST_ENTRY(sendfile_answers_each_bad_argument_exactly),
    TEST_ENTRY(stream_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(poll_answers_each_bad_argument_exactly),
    TEST_ENTRY(selector_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(timeout_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(address_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(name_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(diagnostic_functions_answer_each_bad_argument_exactly),
    TEST_ENTRY(every_public_function_has_a_row_and_every_row_a_public_function),
    TEST_ENTRY(summary_counts_the_rows_per_kind_and_family),
};
TEST_MAIN()
