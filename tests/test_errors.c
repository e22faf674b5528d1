/* The error model: codes, names, messages and the native translation. */
#include "ps_test.h"

typedef struct code_row {
    int code;
    const char *name; /* the macro name without PS_ */
    const char *text; /* the message of the list */
} code_row;

static const code_row codes[] = {
#define ROW(name, value, text) {PS_##name, #name, text},
    PS_ERROR_LIST(ROW)
#undef ROW
};
#define NCODES (sizeof codes / sizeof codes[0])

TEST(every_code_is_negative_and_distinct)
{
    size_t i, j;
    ASSERT_GT(NCODES, 30);
    for (i = 0; i < NCODES; i++) {
        ASSERT_LT(codes[i].code, 0);
        for (j = i + 1; j < NCODES; j++) {
            if (codes[i].code == codes[j].code)
                FAILF("%s and %s share the value %d", codes[i].name, codes[j].name, codes[i].code);
        }
    }
}

TEST(every_code_has_its_macro_name)
{
    size_t i;
    for (i = 0; i < NCODES; i++) {
        const char *n = ps_errname(codes[i].code);
        ASSERT_NOT_NULL(n);
        ASSERT_GT(strlen(n), 0);
        ASSERT_STREQ(n, codes[i].name);
    }
    ASSERT_STREQ(ps_errname(PS_ECONNREFUSED), "ECONNREFUSED");
}

TEST(every_code_has_its_own_message)
{
    size_t i, j;
    for (i = 0; i < NCODES; i++) {
        const char *m = ps_strerror(codes[i].code);
        ASSERT_NOT_NULL(m);
        ASSERT_GT(strlen(m), 0);
        ASSERT_STREQ(m, codes[i].text);
        if (codes[i].code == PS_EUNKNOWN)
            ASSERT_STREQ(m, "unknown error");
        else if (strcmp(m, "unknown error") == 0)
            FAILF("%s has the message of an unknown error", codes[i].name);
        for (j = 0; j < i; j++) {
            if (strcmp(m, ps_strerror(codes[j].code)) == 0)
                FAILF("%s and %s share the message \"%s\"", codes[i].name, codes[j].name, m);
        }
    }
    ASSERT_STREQ(ps_strerror(PS_ECONNREFUSED), "connection refused");
}

TEST(strerror_and_errname_are_never_null)
{
    static const int values[] = {0,     1, 2, 1000, INT_MAX, -1000, INT_MIN, PS__ERROR_LAST_ - 1,
                                 -99999};
    size_t i;
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        const char *m = ps_strerror(values[i]);
        const char *n = ps_errname(values[i]);
        ASSERT_NOT_NULL(m);
        ASSERT_NOT_NULL(n);
        ASSERT_GT(strlen(m), 0);
        ASSERT_GT(strlen(n), 0);
        if (values[i] >= 0) {
            ASSERT_STREQ(m, "success");
            ASSERT_STREQ(n, "OK");
        } else {
            ASSERT_STREQ(m, "unknown error");
            ASSERT_STREQ(n, "EUNKNOWN");
        }
    }
}

typedef struct native_row {
    int native;
    const char *native_name;
    int code;
} native_row;

/* clang-format off */
#define N(native, code) {native, #native, code}
/* clang-format on */

static const native_row natives[] = {
#ifdef _WIN32
    N(WSAEWOULDBLOCK, PS_EAGAIN),
    N(WSAETIMEDOUT, PS_ETIMEDOUT),
    N(WSAEBADF, PS_EBADF),
    N(WSAEINVAL, PS_EINVAL),
    N(WSA_NOT_ENOUGH_MEMORY, PS_ENOMEM),
    N(WSAEOPNOTSUPP, PS_ENOTSUP),
    N(WSAEADDRINUSE, PS_EADDRINUSE),
    N(WSAEADDRNOTAVAIL, PS_EADDRNOTAVAIL),
    N(WSAEAFNOSUPPORT, PS_EAFNOSUPPORT),
    N(WSAEPROTONOSUPPORT, PS_EPROTONOSUPPORT),
    N(WSAECONNREFUSED, PS_ECONNREFUSED),
    N(WSAECONNRESET, PS_ECONNRESET),
    N(WSAECONNABORTED, PS_ECONNABORTED),
    N(WSAENOTCONN, PS_ENOTCONN),
    N(WSAEISCONN, PS_EISCONN),
    N(WSAEINPROGRESS, PS_EINPROGRESS),
    N(WSAEALREADY, PS_EALREADY),
    N(WSAENETUNREACH, PS_ENETUNREACH),
    N(WSAEHOSTUNREACH, PS_EHOSTUNREACH),
    N(WSAEMSGSIZE, PS_EMSGSIZE),
    N(WSAEACCES, PS_EACCES),
    N(WSAEMFILE, PS_EMFILE),
    N(WSAENOBUFS, PS_ENOBUFS),
    N(WSAENOTSOCK, PS_ENOTSOCK),
    N(WSAENETDOWN, PS_ENETDOWN),
    N(WSAENETRESET, PS_ENETRESET),
    N(WSAEPROTOTYPE, PS_EPROTOTYPE),
    N(WSAENOPROTOOPT, PS_ENOPROTOOPT),
    N(WSAEDESTADDRREQ, PS_EDESTADDRREQ),
    N(WSAESHUTDOWN, PS_ESHUTDOWN),
    N(WSAEHOSTDOWN, PS_EHOSTDOWN),
    N(WSAENAMETOOLONG, PS_ENAMETOOLONG),
    N(WSAHOST_NOT_FOUND, PS_EAI_NONAME),
    N(WSATRY_AGAIN, PS_EAI_AGAIN),
    N(WSANO_RECOVERY, PS_EAI_FAIL),
    N(WSATYPE_NOT_FOUND, PS_EAI_SERVICE),
#else
    N(EAGAIN, PS_EAGAIN),
    N(EWOULDBLOCK, PS_EAGAIN),
    N(ETIMEDOUT, PS_ETIMEDOUT),
    N(EBADF, PS_EBADF),
    N(EINVAL, PS_EINVAL),
    N(ENOMEM, PS_ENOMEM),
    N(EOPNOTSUPP, PS_ENOTSUP),
    N(ENOTSUP, PS_ENOTSUP),
    N(EADDRINUSE, PS_EADDRINUSE),
    N(EADDRNOTAVAIL, PS_EADDRNOTAVAIL),
    N(EAFNOSUPPORT, PS_EAFNOSUPPORT),
    N(EPROTONOSUPPORT, PS_EPROTONOSUPPORT),
    N(ECONNREFUSED, PS_ECONNREFUSED),
    N(ECONNRESET, PS_ECONNRESET),
    N(ECONNABORTED, PS_ECONNABORTED),
    N(EPIPE, PS_EPIPE),
    N(ENOTCONN, PS_ENOTCONN),
    N(EISCONN, PS_EISCONN),
    N(EINPROGRESS, PS_EINPROGRESS),
    N(EALREADY, PS_EALREADY),
    N(ENETUNREACH, PS_ENETUNREACH),
    N(EHOSTUNREACH, PS_EHOSTUNREACH),
    N(EMSGSIZE, PS_EMSGSIZE),
    N(EACCES, PS_EACCES),
    N(EMFILE, PS_EMFILE),
    N(ENOBUFS, PS_ENOBUFS),
    N(ENOTSOCK, PS_ENOTSOCK),
    N(ENETDOWN, PS_ENETDOWN),
    N(ENETRESET, PS_ENETRESET),
    N(EPROTOTYPE, PS_EPROTOTYPE),
    N(ENOPROTOOPT, PS_ENOPROTOOPT),
    N(EDESTADDRREQ, PS_EDESTADDRREQ),
#ifdef ESHUTDOWN
    N(ESHUTDOWN, PS_ESHUTDOWN),
#endif
#ifdef EHOSTDOWN
    N(EHOSTDOWN, PS_EHOSTDOWN),
#endif
    N(EPERM, PS_EPERM),
    N(ENOENT, PS_ENOENT),
    N(ENFILE, PS_ENFILE),
    N(ENAMETOOLONG, PS_ENAMETOOLONG),
#endif
};
#undef N

TEST(native_codes_map_to_the_code_of_the_same_meaning)
{
    size_t i;
    int bad = 0;
    for (i = 0; i < sizeof natives / sizeof natives[0]; i++) {
        int got = ps_error_from_native(natives[i].native);
        if (got != natives[i].code) {
            NOTE("%s (%d) -> %d (%s), want %s", natives[i].native_name, natives[i].native, got,
                 ps_errname(got), ps_errname(natives[i].code));
            bad++;
        }
    }
    ASSERT_EQ(bad, 0);
}

TEST(native_zero_is_success_and_numbers_outside_the_encoding_are_unknown)
{
    ASSERT_EQ(ps_error_from_native(0), 0);
    ASSERT_ERR(ps_error_from_native(-1), PS_EUNKNOWN);
    ASSERT_ERR(ps_error_from_native(INT_MIN), PS_EUNKNOWN);
    ASSERT_ERR(ps_error_from_native(INT_MAX), PS_EUNKNOWN);
    ASSERT_ERR(ps_error_from_native(PS_ESYSERR_NATIVE_MAX + 1), PS_EUNKNOWN);
    ASSERT_EQ(ps_error_from_native(PS_ESYSERR_NATIVE_MAX), PS_ESYSERR - PS_ESYSERR_NATIVE_MAX);
    ASSERT_EQ(ps_error_native(PS_ESYSERR - PS_ESYSERR_NATIVE_MAX), PS_ESYSERR_NATIVE_MAX);
}

/* Native numbers portsock has no code for, on this platform. */
static const native_row unmapped[] = {
#ifdef _WIN32
    {WSAELOOP, "WSAELOOP", 0},
    {WSAETOOMANYREFS, "WSAETOOMANYREFS", 0},
    {WSAEINTR, "WSAEINTR", 0},
    {WSAESTALE, "WSAESTALE", 0},
    {ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION", 0},
#else
    {EIO, "EIO", 0},
    {EDOM, "EDOM", 0},
    {ELOOP, "ELOOP", 0},
    {EISDIR, "EISDIR", 0},
#endif
};

/* What the OS itself says for n, made here independently of the library. */
static void os_text(int n, char *buf, size_t size)
{
#ifdef _WIN32
    DWORD len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                               (DWORD)n, 0, buf, (DWORD)size, NULL);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    if (len == 0)
        snprintf(buf, size, "system error %d", n);
#else
    snprintf(buf, size, "%s", strerror(n));
#endif
}

TEST(an_unmapped_native_error_keeps_its_number_name_and_text)
{
    size_t i;
    for (i = 0; i < sizeof unmapped / sizeof unmapped[0]; i++) {
        int n = unmapped[i].native, code = ps_error_from_native(n);
        char want_name[64], want_text[512];
        NOTE("%s (%d) -> %d \"%s\" \"%s\"", unmapped[i].native_name, n, code, ps_errname(code),
             ps_strerror(code));
        ASSERT_EQ(code, PS_ESYSERR - n);
        ASSERT_EQ(ps_error_native(code), n);
        snprintf(want_name, sizeof want_name, "PS_ESYSERR(%d)", n);
        ASSERT_STREQ(ps_errname(code), want_name);
        os_text(n, want_text, sizeof want_text);
        ASSERT_STREQ(ps_strerror(code), want_text);
        ASSERT_TRUE(strcmp(ps_strerror(code), "unknown error") != 0);
    }
#ifndef _WIN32
    /* The name the issue promised, for Linux's EOPNOTSUPP-sized numbers. */
    ASSERT_STREQ(ps_errname(PS_ESYSERR - 95), "PS_ESYSERR(95)");
#endif
}

typedef struct namer {
    int native, bad;
} namer;

static void name_many_times(void *arg)
{
    namer *n = (namer *)arg;
    char want[64];
    int i;
    snprintf(want, sizeof want, "PS_ESYSERR(%d)", n->native);
    for (i = 0; i < 20000; i++) {
        const char *got = ps_errname(PS_ESYSERR - n->native);
        (void)ps_strerror(PS_ESYSERR - n->native);
        if (strcmp(got, want) != 0)
            n->bad++;
    }
}

TEST(threads_naming_kept_errors_at_once_each_get_their_own_text)
{
    /* The names of kept errors are made in a buffer of each thread: two
     * threads at once never see each other's. */
    namer a = {5, 0}, b = {33, 0};
    test_thread ta, tb;
    test_thread_spawn(&ta, name_many_times, &a);
    test_thread_spawn(&tb, name_many_times, &b);
    test_thread_join(&ta);
    test_thread_join(&tb);
    ASSERT_EQ(a.bad, 0);
    ASSERT_EQ(b.bad, 0);
}

TEST(mapped_codes_hold_no_native_number_and_never_meet_the_encoding)
{
    size_t i;
    for (i = 0; i < NCODES; i++) {
        ASSERT_EQ(ps_error_native(codes[i].code), 0);
        /* every encoded value lies below every code */
        ASSERT_LT(PS_ESYSERR - 1, codes[i].code);
    }
    for (i = 0; i < sizeof natives / sizeof natives[0]; i++)
        ASSERT_EQ(ps_error_native(ps_error_from_native(natives[i].native)), 0);
    /* the library's internal "interrupted" value (-1000) and the edges */
    ASSERT_LT(PS_ESYSERR - 1, -1000);
    ASSERT_EQ(ps_error_native(-1000), 0);
    ASSERT_EQ(ps_error_native(PS_ESYSERR), 0);
    ASSERT_EQ(ps_error_native(PS_ESYSERR - 1), 1);
    ASSERT_EQ(ps_error_native(0), 0);
    ASSERT_EQ(ps_error_native(5), 0);
    ASSERT_EQ(ps_error_native(INT_MIN), 0);
    /* the largest native numbers either platform uses fit: WSA_QOS_... (11031) */
    ASSERT_EQ(ps_error_native(ps_error_from_native(11031)), 11031);
}

TEST(version_string_matches_the_version_macros)
{
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", PS_VERSION_MAJOR, PS_VERSION_MINOR, PS_VERSION_PATCH);
    ASSERT_NOT_NULL(ps_version());
    ASSERT_STREQ(ps_version(), want);
}

TEST_LIST = {
    TEST_ENTRY(every_code_is_negative_and_distinct),
    TEST_ENTRY(every_code_has_its_macro_name),
    TEST_ENTRY(every_code_has_its_own_message),
    TEST_ENTRY(strerror_and_errname_are_never_null),
    TEST_ENTRY(native_codes_map_to_the_code_of_the_same_meaning),
    TEST_ENTRY(native_zero_is_success_and_numbers_outside_the_encoding_are_unknown),
    TEST_ENTRY(an_unmapped_native_error_keeps_its_number_name_and_text),
    TEST_ENTRY(threads_naming_kept_errors_at_once_each_get_their_own_text),
    TEST_ENTRY(mapped_codes_hold_no_native_number_and_never_meet_the_encoding),
    TEST_ENTRY(version_string_matches_the_version_macros),
};
/* The first text of an OS error makes what the process then keeps for good:
 * mingw-w64's thread-local storage (emulated) creates a semaphore on its
 * first use, and Windows loads its message tables. Made here, before the
 * leak check's first count, neither counts as a test's leak; the tests then
 * check that later calls make no more. */
static void setup(void)
{
    (void)ps_strerror(PS_ESYSERR - 1);
    (void)ps_errname(PS_ESYSERR - 1);
}

TEST_MAIN_WITH_SETUP(setup)
