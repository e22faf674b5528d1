/* Addresses: ps_addr_set/parse/format/family/port, getaddrinfo, getnameinfo,
 * gethostname. */
#include "ps_test.h"

#ifndef _WIN32
#include <net/if.h>
#include <sys/socket.h>
#include <sys/un.h>
#endif

/* An address filled with `fill` before parsing, so that bytes the parser
 * leaves undefined show up in comparisons. */
static int parse_filled(ps_addr *a, const char *text, int fill)
{
    memset(a, fill, sizeof *a);
    return ps_addr_parse(a, text);
}

/* text parses, formats as `want`, and `want` parses back to the same bytes. */
static void check_round_trip(const char *text, const char *want, int family, int port)
{
    ps_addr a, b;
    char buf[PS_TEST_ADDRLEN];
    int r = parse_filled(&a, text, 0x00);
    if (r < 0)
        FAILF("ps_addr_parse(\"%s\") = %s", text, ps_errname(r));
    ASSERT_EQ(ps_addr_family(&a), family);
    if (port >= 0)
        ASSERT_EQ(ps_addr_port(&a), port);
    r = ps_addr_format(&a, buf, sizeof buf);
    ASSERT_OK(r);
    ASSERT_EQ((size_t)r, strlen(buf));
    if (strcmp(buf, want) != 0)
        FAILF("\"%s\" formats as \"%s\", want \"%s\"", text, buf, want);
    r = parse_filled(&b, buf, 0xA5);
    if (r < 0)
        FAILF("ps_addr_parse(\"%s\") (formatted) = %s", buf, ps_errname(r));
    if (!test_addr_equal(&a, &b))
        FAILF("\"%s\" -> \"%s\" -> parse gives other bytes (len %u vs %u)", text, buf,
              (unsigned)a.len, (unsigned)b.len);
}

TEST(ipv4_text_round_trips)
{
    check_round_trip("127.0.0.1:80", "127.0.0.1:80", PS_AF_INET, 80);
    check_round_trip("0.0.0.0:0", "0.0.0.0:0", PS_AF_INET, 0);
    check_round_trip("255.255.255.255:65535", "255.255.255.255:65535", PS_AF_INET, 65535);
    check_round_trip("10.1.2.3:8080", "10.1.2.3:8080", PS_AF_INET, 8080);
}

TEST(ipv6_text_round_trips_in_rfc5952_form)
{
    check_round_trip("[::1]:80", "[::1]:80", PS_AF_INET6, 80);
    check_round_trip("[::]:0", "[::]:0", PS_AF_INET6, 0);
    check_round_trip("[0:0:0:0:0:0:0:0]:1", "[::]:1", PS_AF_INET6, 1);
    check_round_trip("[2001:0db8:0:0:0:0:0:1]:80", "[2001:db8::1]:80", PS_AF_INET6, 80);
    check_round_trip("[2001:DB8::A]:443", "[2001:db8::a]:443", PS_AF_INET6, 443);
    /* the first of two equally long zero runs is the one compressed */
    check_round_trip("[2001:db8:0:0:1:0:0:1]:80", "[2001:db8::1:0:0:1]:80", PS_AF_INET6, 80);
    /* the longest run wins over an earlier shorter one */
    check_round_trip("[2001:0:0:1:0:0:0:1]:80", "[2001:0:0:1::1]:80", PS_AF_INET6, 80);
    /* a single zero field is not compressed (RFC 5952 4.2.2) */
    check_round_trip("[2001:db8:0:1:1:1:1:1]:80", "[2001:db8:0:1:1:1:1:1]:80", PS_AF_INET6, 80);
    check_round_trip("[::ffff:1.2.3.4]:80", "[::ffff:1.2.3.4]:80", PS_AF_INET6, 80);
}

TEST(ipv6_numeric_scope_id_round_trips)
{
    ps_addr a, b;
    char buf[PS_TEST_ADDRLEN];
    static const char *const texts[] = {"[fe80::1%1]:80", "[fe80::1%12345]:80"};
    size_t i;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ASSERT_OK(parse_filled(&a, texts[i], 0));
        ASSERT_EQ(ps_addr_family(&a), PS_AF_INET6);
        ASSERT_EQ(ps_addr_port(&a), 80);
        ASSERT_OK(ps_addr_format(&a, buf, sizeof buf));
        /* the scope may come back as a number or as the interface's name */
        ASSERT_EQ(strncmp(buf, "[fe80::1%", 9), 0);
        ASSERT_STREQ(buf + strlen(buf) - 4, "]:80");
        ASSERT_OK(parse_filled(&b, buf, 0xA5));
        if (!test_addr_equal(&a, &b))
            FAILF("\"%s\" -> \"%s\" -> parse gives other bytes", texts[i], buf);
    }
    /* an index no interface has cannot become a name: it stays a number */
    ASSERT_OK(parse_filled(&a, "[fe80::1%12345]:80", 0));
    ASSERT_OK(ps_addr_format(&a, buf, sizeof buf));
    ASSERT_STREQ(buf, "[fe80::1%12345]:80");
    /* a scope makes a different address */
    ASSERT_OK(parse_filled(&b, "[fe80::1]:80", 0));
    ASSERT_FALSE(test_addr_equal(&a, &b));
}

TEST(ipv6_scope_may_be_an_interface_name)
{
    ps_addr a, b;
    char text[64];
    /* an interface no machine has */
    ASSERT_ERR(ps_addr_parse(&a, "[fe80::1%no-such-if0]:80"), PS_EINVAL);
    ASSERT_ERR(ps_addr_set(&a, "fe80::1%no-such-if0", 80), PS_EINVAL);
#ifndef _WIN32
    {
        /* the loopback interface by name equals its index */
        unsigned idx = if_nametoindex("lo");
        const char *name = "lo";
        if (idx == 0) {
            idx = if_nametoindex("lo0"); /* BSD, macOS */
            name = "lo0";
        }
        if (idx == 0)
            SKIP("no loopback interface named lo or lo0");
        snprintf(text, sizeof text, "[fe80::1%%%s]:80", name);
        ASSERT_OK(parse_filled(&a, text, 0));
        snprintf(text, sizeof text, "[fe80::1%%%u]:80", idx);
        ASSERT_OK(parse_filled(&b, text, 0xA5));
        ASSERT_TRUE(test_addr_equal(&a, &b));
        /* and a scope is written as the interface's name, as Python does */
        ASSERT_GT(ps_addr_format(&b, text, sizeof text), 0);
        {
            char want[64];
            snprintf(want, sizeof want, "[fe80::1%%%s]:80", name);
            ASSERT_STREQ(text, want);
        }
    }
#else
    (void)b;
    (void)text;
#endif
}

TEST(addr_set_builds_numeric_addresses)
{
    ps_addr a;
    char buf[PS_TEST_ADDRLEN];
    ASSERT_OK(ps_addr_set(&a, "127.0.0.1", 80));
    ASSERT_EQ(ps_addr_family(&a), PS_AF_INET);
    ASSERT_EQ(ps_addr_port(&a), 80);
    ASSERT_EQ(ps_addr_format(&a, buf, sizeof buf), 12);
    ASSERT_STREQ(buf, "127.0.0.1:80");
    {
        ps_addr p = test_addr("127.0.0.1:80");
        ASSERT_TRUE(test_addr_equal(&a, &p));
    }

    ASSERT_OK(ps_addr_set(&a, "::1", 443));
    ASSERT_EQ(ps_addr_family(&a), PS_AF_INET6);
    ASSERT_EQ(ps_addr_port(&a), 443);
    ASSERT_STREQ(test_fmt(&a, buf), "[::1]:443");

    ASSERT_OK(ps_addr_set(&a, "fe80::1%2", 7));
    ASSERT_EQ(ps_addr_family(&a), PS_AF_INET6);
    ASSERT_EQ(ps_addr_port(&a), 7);
    {
        ps_addr p = test_addr("[fe80::1%2]:7");
        ASSERT_TRUE(test_addr_equal(&a, &p));
    }

    ASSERT_OK(ps_addr_set(&a, "10.0.0.1", 65535));
    ASSERT_EQ(ps_addr_port(&a), 65535);
}

TEST(addr_set_rejects_anything_but_a_numeric_host)
{
    ps_addr a;
    static const char *const bad[] = {"",         "localhost", "1.2.3.4:80", "[::1]",
                                      "1.2.3",    "1.2.3.256", "::1::2",     "127.1",
                                      " 1.2.3.4", "1.2.3.4 ",  "fe80::1%"};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = ps_addr_set(&a, bad[i], 80);
        if (r != PS_EINVAL)
            FAILF("ps_addr_set(\"%s\") = %d (%s), want EINVAL", bad[i], r, ps_errname(r));
    }
}

TEST(malformed_text_is_einval)
{
    static const char *const bad[] = {
        "",
        "1.2.3.4",
        "1.2.3.4:99999",
        "1.2.3.4:65536",
        "1.2.3.4:",
        "1.2.3.4:-1",
        "1.2.3.4:80x",
        "1.2.3.4: 80",
        "1.2.3.4:0x50",
        "1.2.3.4:80:80",
        ":80",
        "[::1",
        "[::1]",
        "[::1]:",
        "[::1]80",
        "[]:80",
        "[::1%]:80",
        "::1:80",
        "::1",
        "localhost:80",
        "example.com:80",
        "1.2.3.256:80",
        "1.2.3:80",
        "127.1:80",
        "1.2.3.4.5:80",
        " 1.2.3.4:80",
        "1.2.3.4:80 ",
        "[1:2:3:4:5:6:7:8:9]:80",
        "[::1]:99999",
        "unix",
        "tcp:1.2.3.4:80",
    };
    size_t i;
    ps_addr a;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = ps_addr_parse(&a, bad[i]);
        if (r != PS_EINVAL)
            FAILF("ps_addr_parse(\"%s\") = %d (%s), want EINVAL", bad[i], r, ps_errname(r));
    }
}

TEST(very_long_text_is_einval)
{
    size_t n = 4096;
    char *s = (char *)malloc(n + 1);
    ps_addr a;
    ASSERT_NOT_NULL(s);

    memset(s, 'a', n);
    s[n] = '\0';
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);
    ASSERT_ERR(ps_addr_set(&a, s, 80), PS_EINVAL);

    /* "[:::...:]:80" */
    memset(s, ':', n);
    s[0] = '[';
    memcpy(s + n - 4, "]:80", 4);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);

    /* "1.2.3.4:999...9" (a port that overflows every integer type) */
    memset(s, '9', n);
    memcpy(s, "1.2.3.4:", 8);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);

    /* "1.2.3.4:000...080": a port of 4 KiB text */
    memset(s, '0', n);
    memcpy(s, "1.2.3.4:", 8);
    memcpy(s + n - 2, "80", 2);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);

    /* "[fe80::1%999...9]:80": a scope id that overflows */
    memset(s, '9', n);
    memcpy(s, "[fe80::1%", 9);
    memcpy(s + n - 4, "]:80", 4);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);
    free(s);
}

/* "unix:" followed by n bytes of path. */
static char *unix_text(size_t n)
{
    char *s = (char *)malloc(n + 6);
    size_t i;
    ASSERT_NOT_NULL(s);
    memcpy(s, "unix:", 5);
    s[5] = '/';
    for (i = 1; i < n; i++)
        s[5 + i] = (char)('a' + i % 26);
    s[5 + n] = '\0';
    return s;
}

TEST(unix_address_round_trips_where_the_platform_has_it)
{
    ps_addr a;
    char buf[PS_TEST_ADDRLEN];
    /* Both backends parse unix addresses (Windows' backend carries its own
     * sockaddr_un layout, so the SDK does not matter), whether or not the
     * system can then open such a socket. */
    int r = parse_filled(&a, "unix:/tmp/x", 0);
    ASSERT_OK(r);
    ASSERT_EQ(ps_addr_family(&a), PS_AF_UNIX);
    ASSERT_ERR(ps_addr_port(&a), PS_EAFNOSUPPORT);
    ASSERT_EQ(ps_addr_format(&a, buf, sizeof buf), 11);
    ASSERT_STREQ(buf, "unix:/tmp/x");
    check_round_trip("unix:/tmp/x", "unix:/tmp/x", PS_AF_UNIX, -1);
    check_round_trip("unix:relative/path.sock", "unix:relative/path.sock", PS_AF_UNIX, -1);
}

TEST(unix_path_longer_than_the_platform_allows_is_einval)
{
    ps_addr a;
    char *s;
    int r;
#ifdef _WIN32
    s = unix_text(200);
    r = ps_addr_parse(&a, s);
    free(s);
    NOTE("200-byte unix path on Windows: %d (%s)", r, ps_errname(r));
    ASSERT_ERR(r, PS_EINVAL); /* sun_path holds 108 bytes there too */
#else
    size_t max = sizeof(((struct sockaddr_un *)0)->sun_path); /* with its NUL */
    s = unix_text(200);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);
    free(s);
    /* the longest path that fits with its NUL, and one byte more */
    s = unix_text(max - 1);
    r = ps_addr_parse(&a, s);
    if (r < 0)
        FAILF("a unix path of %zu bytes (sun_path %zu) = %s", max - 1, max, ps_errname(r));
    {
        char buf[PS_TEST_ADDRLEN];
        ASSERT_STREQ(test_fmt(&a, buf), s);
    }
    free(s);
    s = unix_text(max);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);
    free(s);
    s = unix_text(4096);
    ASSERT_ERR(ps_addr_parse(&a, s), PS_EINVAL);
    free(s);
#endif
}

TEST(null_arguments_are_einval)
{
    ps_addr a = test_addr("127.0.0.1:80");
    char buf[64];
    ASSERT_ERR(ps_addr_set(NULL, "127.0.0.1", 80), PS_EINVAL);
    ASSERT_ERR(ps_addr_set(&a, NULL, 80), PS_EINVAL);
    ASSERT_ERR(ps_addr_parse(NULL, "127.0.0.1:80"), PS_EINVAL);
    ASSERT_ERR(ps_addr_parse(&a, NULL), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(NULL, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(&a, NULL, 64), PS_EINVAL);
    ASSERT_ERR(ps_addr_family(NULL), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(NULL), PS_EINVAL);
}

TEST(empty_address_is_einval_everywhere)
{
    ps_addr a;
    char buf[64], serv[16];
    memset(&a, 0, sizeof a);
    ASSERT_ERR(ps_addr_format(&a, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_addr_family(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(&a), PS_EINVAL);
    ASSERT_ERR(ps_getnameinfo(&a, buf, sizeof buf, serv, sizeof serv,
                              PS_NI_NUMERICHOST | PS_NI_NUMERICSERV),
               PS_EINVAL);
    /* a valid address with its length cleared is empty too */
    a = test_addr("127.0.0.1:80");
    a.len = 0;
    ASSERT_ERR(ps_addr_format(&a, buf, sizeof buf), PS_EINVAL);
    ASSERT_ERR(ps_addr_family(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(&a), PS_EINVAL);
}

TEST(address_of_unknown_family_or_absurd_length_is_einval)
{
    ps_addr a;
    char buf[64];
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_family = 77; /* no AF_ has this value on the platforms we know */
    memset(&a, 0, sizeof a);
    memcpy(a.storage.bytes, &ss,
           sizeof ss < sizeof a.storage.bytes ? sizeof ss : sizeof a.storage.bytes);
    a.len = 28;
    ASSERT_ERR(ps_addr_family(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(&a, buf, sizeof buf), PS_EINVAL);

    a = test_addr("127.0.0.1:80");
    a.len = 100000; /* more than the storage holds */
    ASSERT_ERR(ps_addr_family(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(&a, buf, sizeof buf), PS_EINVAL);

    a = test_addr("127.0.0.1:80");
    a.len = 1; /* too short for any sockaddr */
    ASSERT_ERR(ps_addr_family(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_port(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(&a, buf, sizeof buf), PS_EINVAL);

    a = test_addr("[::1]:80");
    a.len = 8; /* an IPv6 family with the length of half a sockaddr_in */
    ASSERT_ERR(ps_addr_port(&a), PS_EINVAL);
    ASSERT_ERR(ps_addr_format(&a, buf, sizeof buf), PS_EINVAL);
}

#define CANARY ((char)0x5A)

/* Formats a (whose text is `text`) into buffers of every small size and
 * checks that nothing past buf[size-1] is touched. */
static void check_format_sizes(const char *text)
{
    ps_addr a = test_addr(text);
    size_t len = strlen(text), size;
    char buf[PS_TEST_ADDRLEN + 8];
    for (size = 0; size <= len + 2; size++) {
        int r;
        size_t i;
        memset(buf, CANARY, sizeof buf);
        r = ps_addr_format(&a, buf, size);
        if (size <= len) {
            if (r != PS_ENOBUFS)
                FAILF("format \"%s\" into %zu bytes = %d (%s), want ENOBUFS", text, size, r,
                      ps_errname(r));
        } else {
            ASSERT_EQ(r, (int)len);
            ASSERT_STREQ(buf, text);
        }
        for (i = size; i < sizeof buf; i++) {
            if (buf[i] != CANARY)
                FAILF("format \"%s\" into %zu bytes wrote buf[%zu]", text, size, i);
        }
    }
}

TEST(format_into_small_buffers_is_enobufs_and_writes_nothing_past_size)
{
    check_format_sizes("127.0.0.1:80");
    check_format_sizes("[2001:db8::1]:65535");
    check_format_sizes("[fe80::1%12345]:80");
#ifndef _WIN32
    check_format_sizes("unix:/tmp/some.sock");
#endif
}

static void check_gai_first(const char *host, const char *service, int family, int flags,
                            const char *want, int want_family)
{
    ps_addrinfo *res = NULL, *ai;
    char buf[PS_TEST_ADDRLEN];
    int r = ps_getaddrinfo(host, service, family, PS_SOCK_STREAM, flags, &res);
    if (r < 0)
        FAILF("ps_getaddrinfo(%s, %s) = %s", host ? host : "NULL", service ? service : "NULL",
              ps_errname(r));
    ASSERT_NOT_NULL(res);
    for (ai = res; ai != NULL; ai = ai->next) {
        ASSERT_EQ(ai->family, want_family);
        ASSERT_EQ(ai->type, PS_SOCK_STREAM);
        ASSERT_EQ(ps_addr_family(&ai->addr), want_family);
        ASSERT_STREQ(test_fmt(&ai->addr, buf), want);
        ASSERT_NULL(ai->canonname);
    }
    ps_freeaddrinfo(res);
}

TEST(getaddrinfo_of_numeric_hosts)
{
    check_gai_first("127.0.0.1", "80", PS_AF_UNSPEC, PS_AI_NUMERICHOST, "127.0.0.1:80", PS_AF_INET);
    check_gai_first("::1", "443", PS_AF_UNSPEC, PS_AI_NUMERICHOST, "[::1]:443", PS_AF_INET6);
    check_gai_first("10.9.8.7", "8080", PS_AF_INET, PS_AI_NUMERICHOST | PS_AI_NUMERICSERV,
                    "10.9.8.7:8080", PS_AF_INET);
    check_gai_first("127.0.0.1", NULL, PS_AF_INET, PS_AI_NUMERICHOST, "127.0.0.1:0", PS_AF_INET);
}

TEST(getaddrinfo_passive_with_null_host_gives_the_wildcard)
{
    check_gai_first(NULL, "8080", PS_AF_INET, PS_AI_PASSIVE, "0.0.0.0:8080", PS_AF_INET);
    check_gai_first(NULL, "8080", PS_AF_INET6, PS_AI_PASSIVE, "[::]:8080", PS_AF_INET6);
}

TEST(getaddrinfo_errors)
{
    ps_addrinfo *res = NULL;
    ASSERT_ERR(
        ps_getaddrinfo("999.1.1.1", "80", PS_AF_UNSPEC, PS_SOCK_STREAM, PS_AI_NUMERICHOST, &res),
        PS_EAI_NONAME);
    ASSERT_ERR(
        ps_getaddrinfo("not-an-address", "80", PS_AF_INET, PS_SOCK_STREAM, PS_AI_NUMERICHOST, &res),
        PS_EAI_NONAME);
    ASSERT_ERR(ps_getaddrinfo(NULL, NULL, PS_AF_UNSPEC, PS_SOCK_STREAM, 0, &res), PS_EINVAL);
    ASSERT_ERR(
        ps_getaddrinfo("127.0.0.1", "80", PS_AF_UNSPEC, PS_SOCK_STREAM, PS_AI_NUMERICHOST, NULL),
        PS_EINVAL);
    {
        /* a family that does not match the numeric host */
        int r = ps_getaddrinfo("::1", "80", PS_AF_INET, PS_SOCK_STREAM, PS_AI_NUMERICHOST, &res);
        NOTE("getaddrinfo(\"::1\", AF_INET) = %d (%s)", r, ps_errname(r));
        ASSERT_ERR2(r, PS_EAI_NONAME, PS_EAI_FAMILY);
    }
    {
        /* an unknown family: a bad constant */
        int r = ps_getaddrinfo("127.0.0.1", "80", 99, PS_SOCK_STREAM, PS_AI_NUMERICHOST, &res);
        NOTE("getaddrinfo(family 99) = %d (%s)", r, ps_errname(r));
        ASSERT_ERR2(r, PS_EAI_FAMILY, PS_EINVAL);
    }
    ps_freeaddrinfo(NULL);
}

TEST(getnameinfo_numeric)
{
    ps_addr a = test_addr("127.0.0.1:80");
    char host[64], serv[16];
    ASSERT_OK(ps_getnameinfo(&a, host, sizeof host, serv, sizeof serv,
                             PS_NI_NUMERICHOST | PS_NI_NUMERICSERV));
    ASSERT_STREQ(host, "127.0.0.1");
    ASSERT_STREQ(serv, "80");

    a = test_addr("[::1]:443");
    ASSERT_OK(ps_getnameinfo(&a, host, sizeof host, serv, sizeof serv,
                             PS_NI_NUMERICHOST | PS_NI_NUMERICSERV));
    ASSERT_STREQ(host, "::1");
    ASSERT_STREQ(serv, "443");

    /* one of the two may be left out */
    memset(serv, 0, sizeof serv);
    ASSERT_OK(ps_getnameinfo(&a, NULL, 0, serv, sizeof serv, PS_NI_NUMERICSERV));
    ASSERT_STREQ(serv, "443");
    ASSERT_OK(ps_getnameinfo(&a, host, sizeof host, NULL, 0, PS_NI_NUMERICHOST));
    ASSERT_STREQ(host, "::1");
}

TEST(getnameinfo_bad_arguments)
{
    ps_addr a = test_addr("127.0.0.1:80");
    char host[64], serv[16];
    size_t i;
    ASSERT_ERR(ps_getnameinfo(NULL, host, sizeof host, serv, sizeof serv, PS_NI_NUMERICHOST),
               PS_EINVAL);
    ASSERT_ERR(ps_getnameinfo(&a, NULL, 0, NULL, 0, PS_NI_NUMERICHOST), PS_EINVAL);
    /* a host buffer too small fails and stays inside its size */
    memset(host, CANARY, sizeof host);
    ASSERT_ERR(
        ps_getnameinfo(&a, host, 4, serv, sizeof serv, PS_NI_NUMERICHOST | PS_NI_NUMERICSERV),
        PS_ENOBUFS);
    for (i = 4; i < sizeof host; i++)
        ASSERT_EQ(host[i], CANARY);
    /* and a service buffer too small */
    memset(serv, CANARY, sizeof serv);
    ASSERT_ERR(
        ps_getnameinfo(&a, host, sizeof host, serv, 2, PS_NI_NUMERICHOST | PS_NI_NUMERICSERV),
        PS_ENOBUFS);
    for (i = 2; i < sizeof serv; i++)
        ASSERT_EQ(serv[i], CANARY);
    /* unknown flag bits */
    ASSERT_ERR(ps_getnameinfo(&a, host, sizeof host, serv, sizeof serv, 0x4000), PS_EINVAL);
#ifndef _WIN32
    {
        ps_addr u = test_addr("unix:/tmp/x");
        ASSERT_ERR(ps_getnameinfo(&u, host, sizeof host, serv, sizeof serv,
                                  PS_NI_NUMERICHOST | PS_NI_NUMERICSERV),
                   PS_EAFNOSUPPORT);
    }
#endif
}

TEST(gethostname_gives_a_name_and_enobufs_when_small)
{
    char name[256];
    char small[8];
    size_t i;
    memset(name, CANARY, sizeof name);
    ASSERT_OK(ps_gethostname(name, sizeof name));
    ASSERT_NOT_NULL(memchr(name, '\0', sizeof name));
    ASSERT_GT(strlen(name), 0);
    NOTE("host name: %s", name);

    memset(small, CANARY, sizeof small);
    ASSERT_ERR(ps_gethostname(small, 1), PS_ENOBUFS);
    for (i = 1; i < sizeof small; i++)
        ASSERT_EQ(small[i], CANARY);
    if (strlen(name) + 1 <= sizeof name) {
        /* exactly enough room, and one byte less */
        size_t n = strlen(name);
        char *b = (char *)malloc(n + 2);
        ASSERT_NOT_NULL(b);
        memset(b, CANARY, n + 2);
        ASSERT_OK(ps_gethostname(b, n + 1));
        ASSERT_STREQ(b, name);
        ASSERT_EQ(b[n + 1], CANARY);
        memset(b, CANARY, n + 2);
        ASSERT_ERR(ps_gethostname(b, n), PS_ENOBUFS);
        ASSERT_EQ(b[n], CANARY);
        free(b);
    }
    ASSERT_ERR(ps_gethostname(NULL, 64), PS_EINVAL);
}

TEST_LIST = {
    TEST_ENTRY(ipv4_text_round_trips),
    TEST_ENTRY(ipv6_text_round_trips_in_rfc5952_form),
    TEST_ENTRY(ipv6_numeric_scope_id_round_trips),
    TEST_ENTRY(ipv6_scope_may_be_an_interface_name),
    TEST_ENTRY(addr_set_builds_numeric_addresses),
    TEST_ENTRY(addr_set_rejects_anything_but_a_numeric_host),
    TEST_ENTRY(malformed_text_is_einval),
    TEST_ENTRY(very_long_text_is_einval),
    TEST_ENTRY(unix_address_round_trips_where_the_platform_has_it),
    TEST_ENTRY(unix_path_longer_than_the_platform_allows_is_einval),
    TEST_ENTRY(null_arguments_are_einval),
    TEST_ENTRY(empty_address_is_einval_everywhere),
    TEST_ENTRY(address_of_unknown_family_or_absurd_length_is_einval),
    TEST_ENTRY(format_into_small_buffers_is_enobufs_and_writes_nothing_past_size),
    TEST_ENTRY(getaddrinfo_of_numeric_hosts),
    TEST_ENTRY(getaddrinfo_passive_with_null_host_gives_the_wildcard),
    TEST_ENTRY(getaddrinfo_errors),
    TEST_ENTRY(getnameinfo_numeric),
    TEST_ENTRY(getnameinfo_bad_arguments),
    TEST_ENTRY(gethostname_gives_a_name_and_enobufs_when_small),
};
TEST_MAIN()
