/* Control messages: PKTINFO (a datagram's destination, a send's source) on
 * IPv4 and IPv6, SCM_RIGHTS on POSIX AF_UNIX sockets (PS_ENOTSUP on
 * Windows), truncated control data, and the iteration over malformed or cut
 * control buffers, which must never read out of bounds (the linux-asan
 * target runs these with exact-size heap buffers). */
#include "ps_test.h"

#ifdef _WIN32
#include <mswsock.h>
typedef WSACMSGHDR nat_hdr;
#define NAT_LEN(n) ((size_t)WSA_CMSG_LEN(n))
#define NAT_SPACE(n) ((size_t)WSA_CMSG_SPACE(n))
#else
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
typedef struct cmsghdr nat_hdr;
#define NAT_LEN(n) ((size_t)CMSG_LEN(n))
#define NAT_SPACE(n) ((size_t)CMSG_SPACE(n))
#endif

#define IO_TIMEOUT 10.0
#define CONTROL_ROOM 512

static void msg_init(ps_msg *m, ps_iovec *iov, size_t n)
{
    memset(m, 0, sizeof *m);
    m->iov = iov;
    m->iovlen = n;
}

/* ---- PKTINFO ---- */

/* A UDP receiver on the loopback address of family with PKTINFO on. */
static ps_socket *pktinfo_receiver(int family, ps_addr *addr)
{
    ps_socket *rx = test_bound(family, PS_SOCK_DGRAM, addr);
    int on = -1;
    ASSERT_OK(ps_setopt(rx, PS_OPT_PKTINFO, 1));
    ASSERT_OK(ps_getopt(rx, PS_OPT_PKTINFO, &on));
    ASSERT_EQ(on, 1);
    ASSERT_OK(ps_settimeout(rx, IO_TIMEOUT));
    return rx;
}

/* Receives one datagram with its control data; returns the destination that
 * a PKTINFO message names (asserting there is exactly one) in *dst. */
static void recv_with_pktinfo(ps_socket *rx, int kind, const char *payload, ps_addr *from,
                              ps_addr *dst)
{
    union {
        unsigned char bytes[CONTROL_ROOM];
        uint64_t align;
    } ctl;
    unsigned char buf[64];
    ps_iovec iov[1];
    const ps_cmsg *c;
    ps_msg m;
    size_t n = strlen(payload);
    int found = 0, steps = 0;
    iov[0].base = buf;
    iov[0].len = sizeof buf;
    msg_init(&m, iov, 1);
    m.control = ctl.bytes;
    m.controllen = sizeof ctl.bytes;
    m.addr = from;
    ASSERT_EQ(ps_recvmsg(rx, &m, 0), n);
    ASSERT_MEMEQ(buf, payload, n);
    ASSERT_EQ(m.flags, 0);
    ASSERT_GT(m.controllen, 0);
    ASSERT_LE(m.controllen, sizeof ctl.bytes);
    for (c = ps_cmsg_first(&m); c != NULL && steps < 64; c = ps_cmsg_next(&m, c), steps++) {
        int level = 0, type = 0;
        const void *data = NULL;
        size_t len = 0;
        ASSERT_OK(ps_cmsg_native(c, &level, &type, &data, &len));
        if (ps_cmsg_kind(c) != kind)
            continue;
        ASSERT_GT(len, 0);
        ASSERT_OK(ps_cmsg_get_pktinfo(c, dst));
        found++;
    }
    ASSERT_EQ(found, 1);
}

static void pktinfo_shows_the_destination(int family, const char *want)
{
    ps_addr ra, ta, from, dst;
    ps_socket *rx = pktinfo_receiver(family, &ra);
    ps_socket *tx = test_bound(family, PS_SOCK_DGRAM, &ta);
    char text[PS_TEST_ADDRLEN];
    ASSERT_EQ(ps_sendto(tx, "where to?", 9, 0, &ra), 9);
    memset(&dst, 0, sizeof dst);
    recv_with_pktinfo(rx, family == PS_AF_INET6 ? PS_IPV6_PKTINFO : PS_IP_PKTINFO, "where to?",
                      &from, &dst);
    ASSERT_STREQ(test_fmt(&dst, text), want);
    ASSERT_EQ(ps_addr_family(&dst), family);
    ASSERT_EQ(ps_addr_port(&dst), 0);
    ASSERT_ADDR_TEXT_EQ(&from, &ta);
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(tx));
}

TEST(pktinfo_shows_127_0_0_1_as_the_destination_of_a_datagram)
{
    pktinfo_shows_the_destination(PS_AF_INET, "127.0.0.1:0");
}

TEST(ipv6_pktinfo_shows_loopback_as_the_destination_of_a_datagram)
{
    pktinfo_shows_the_destination(PS_AF_INET6, "[::1]:0");
}

TEST(without_pktinfo_no_control_message_arrives)
{
    ps_addr ra;
    ps_socket *rx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, &ra);
    ps_socket *tx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL);
    unsigned char ctl[CONTROL_ROOM], buf[8];
    ps_iovec iov[1];
    ps_msg m;
    int on = -1;
    ASSERT_OK(ps_getopt(rx, PS_OPT_PKTINFO, &on));
    ASSERT_EQ(on, 0);
    ASSERT_OK(ps_settimeout(rx, IO_TIMEOUT));
    ASSERT_EQ(ps_sendto(tx, "plain", 5, 0, &ra), 5);
    iov[0].base = buf;
    iov[0].len = sizeof buf;
    msg_init(&m, iov, 1);
    m.control = ctl;
    m.controllen = sizeof ctl;
    ASSERT_EQ(ps_recvmsg(rx, &m, 0), 5);
    ASSERT_EQ(m.controllen, 0);
    ASSERT_EQ(m.flags, 0);
    ASSERT_NULL(ps_cmsg_first(&m));
    /* switched off again after being on */
    ASSERT_OK(ps_setopt(rx, PS_OPT_PKTINFO, 1));
    ASSERT_OK(ps_setopt(rx, PS_OPT_PKTINFO, 0));
    ASSERT_OK(ps_getopt(rx, PS_OPT_PKTINFO, &on));
    ASSERT_EQ(on, 0);
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(tx));
}

static void send_from_source(int family, const char *src_text)
{
    union {
        unsigned char bytes[CONTROL_ROOM];
        uint64_t align;
    } ctl;
    ps_addr ra, src, from, dst;
    ps_socket *rx = pktinfo_receiver(family, &ra);
    ps_socket *tx;
    ps_iovec iov[1];
    const ps_cmsg *c;
    ps_msg m;
    char text[PS_TEST_ADDRLEN];
    int kind = family == PS_AF_INET6 ? PS_IPV6_PKTINFO : PS_IP_PKTINFO;

    ASSERT_OK(ps_socket_open(&tx, family, PS_SOCK_DGRAM, 0));
    ASSERT_OK(ps_addr_set(&src, src_text, 0));
    iov[0].base = (void *)"from me";
    iov[0].len = 7;
    msg_init(&m, iov, 1);
    m.control = ctl.bytes;
    m.controllen = 0;
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, sizeof ctl.bytes, &src));
    ASSERT_GT(m.controllen, 0);
    ASSERT_LE(m.controllen, sizeof ctl.bytes);
    c = ps_cmsg_first(&m);
    ASSERT_NOT_NULL(c);
    ASSERT_EQ(ps_cmsg_kind(c), kind);
    ASSERT_NULL(ps_cmsg_next(&m, c));
    m.addr = &ra;
    ASSERT_EQ(ps_sendmsg(tx, &m, 0), 7);

    memset(&from, 0, sizeof from);
    recv_with_pktinfo(rx, kind, "from me", &from, &dst);
    NOTE("sent with source %s, arrived from %s", src_text, test_fmt(&from, text));
    ASSERT_EQ(ps_addr_family(&from), family);
    {
        /* the source address chosen, with whatever port the sender got */
        ps_addr expect;
        ASSERT_OK(ps_addr_set(&expect, src_text, (uint16_t)ps_addr_port(&from)));
        ASSERT_ADDR_TEXT_EQ(&from, &expect);
    }
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(tx));
}

TEST(send_choosing_source_127_0_0_1_with_pktinfo_arrives_from_127_0_0_1)
{
    send_from_source(PS_AF_INET, "127.0.0.1");
}

TEST(ipv6_send_choosing_source_loopback_with_pktinfo_arrives_from_loopback)
{
    send_from_source(PS_AF_INET6, "::1");
}

TEST(pktinfo_with_a_too_small_control_buffer_sets_ctrunc_and_keeps_the_data)
{
    ps_addr ra;
    ps_socket *rx = pktinfo_receiver(PS_AF_INET, &ra);
    ps_socket *tx = test_bound(PS_AF_INET, PS_SOCK_DGRAM, NULL);
    unsigned char *ctl = (unsigned char *)malloc(4); /* exact: asan sees any overrun */
    unsigned char buf[16];
    ps_iovec iov[1];
    const ps_cmsg *c;
    ps_msg m;
    int steps = 0;
    ASSERT_NOT_NULL(ctl);
    ASSERT_EQ(ps_sendto(tx, "cut", 3, 0, &ra), 3);
    iov[0].base = buf;
    iov[0].len = sizeof buf;
    msg_init(&m, iov, 1);
    m.control = ctl;
    m.controllen = 4;
    ASSERT_EQ(ps_recvmsg(rx, &m, 0), 3);
    ASSERT_MEMEQ(buf, "cut", 3);
    ASSERT_TRUE(m.flags & PS_MSG_CTRUNC);
    ASSERT_FALSE(m.flags & PS_MSG_TRUNC);
    ASSERT_LE(m.controllen, 4);
    for (c = ps_cmsg_first(&m); c != NULL && steps < 8; c = ps_cmsg_next(&m, c))
        steps++;
    ASSERT_EQ(steps, 0);
    free(ctl);
    ASSERT_OK(ps_close(rx));
    ASSERT_OK(ps_close(tx));
}

TEST(pktinfo_option_on_a_stream_socket_is_enotsup)
{
    /* Only datagrams carry a destination of their own. */
    ps_socket *c, *s;
    int v = -1;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_ERR(ps_setopt(s, PS_OPT_PKTINFO, 1), PS_ENOTSUP);
    ASSERT_ERR(ps_getopt(s, PS_OPT_PKTINFO, &v), PS_ENOTSUP);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

/* ---- building control buffers ---- */

TEST(cmsg_space_matches_the_platform_layout)
{
    size_t n;
    ASSERT_GT(ps_cmsg_space(0), 0);
    for (n = 0; n <= 64; n++) {
        ASSERT_EQ(ps_cmsg_space(n), NAT_SPACE(n));
        ASSERT_GE(ps_cmsg_space(n), n + sizeof(nat_hdr));
        ASSERT_LE(ps_cmsg_space(n), ps_cmsg_space(n + 1));
    }
}

TEST(put_pktinfo_that_does_not_fit_is_enobufs_and_changes_nothing)
{
    unsigned char ctl[CONTROL_ROOM];
    ps_addr src;
    ps_msg m;
    size_t one;
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    msg_init(&m, NULL, 0);
    m.control = ctl;
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, sizeof ctl, &src));
    one = m.controllen;
    ASSERT_GT(one, 0);
    /* room for exactly one more */
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, 2 * one, &src));
    ASSERT_EQ(m.controllen, 2 * one);
    ASSERT_ERR(ps_cmsg_put_pktinfo(&m, 3 * one - 1, &src), PS_ENOBUFS);
    ASSERT_EQ(m.controllen, 2 * one);
    /* two messages, both found */
    {
        const ps_cmsg *c = ps_cmsg_first(&m);
        ASSERT_NOT_NULL(c);
        c = ps_cmsg_next(&m, c);
        ASSERT_NOT_NULL(c);
        ASSERT_NULL(ps_cmsg_next(&m, c));
    }
}

TEST(put_helpers_reject_bad_arguments)
{
    unsigned char ctl[CONTROL_ROOM];
    ps_addr src, empty, un;
    ps_native fds[1];
    ps_msg m;
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    memset(&empty, 0, sizeof empty);
    msg_init(&m, NULL, 0);
    m.control = ctl;
    fds[0] = ps_fileno(NULL); /* any value: rejected before it is read */
    ASSERT_ERR(ps_cmsg_put_pktinfo(NULL, sizeof ctl, &src), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_put_pktinfo(&m, sizeof ctl, NULL), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_put_pktinfo(&m, sizeof ctl, &empty), PS_EINVAL);
    /* controllen beyond the capacity */
    m.controllen = 100;
    ASSERT_ERR(ps_cmsg_put_pktinfo(&m, 50, &src), PS_EINVAL);
    m.controllen = 0;
    /* no control buffer */
    m.control = NULL;
    ASSERT_ERR(ps_cmsg_put_pktinfo(&m, sizeof ctl, &src), PS_EINVAL);
    m.control = ctl;
    ASSERT_ERR(ps_cmsg_put_fds(&m, sizeof ctl, NULL, 1), PS_EINVAL);
    ASSERT_ERR2(ps_cmsg_put_fds(&m, sizeof ctl, fds, 0), PS_EINVAL, PS_ENOTSUP);
    ASSERT_EQ(m.controllen, 0);
    /* an address that is no IP address */
    if (ps_addr_parse(&un, "unix:/tmp/ps-cmsg-none.sock") == 0)
        ASSERT_ERR(ps_cmsg_put_pktinfo(&m, sizeof ctl, &un), PS_EINVAL);
    ASSERT_EQ(m.controllen, 0);
}

TEST(reading_helpers_reject_null_arguments)
{
    unsigned char ctl[CONTROL_ROOM];
    const ps_cmsg *c;
    ps_addr src, dst;
    ps_native fds[2];
    const void *data;
    size_t len;
    int level, type;
    ps_msg m;
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    msg_init(&m, NULL, 0);
    m.control = ctl;
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, sizeof ctl, &src));
    c = ps_cmsg_first(&m);
    ASSERT_NOT_NULL(c);

    ASSERT_NULL(ps_cmsg_first(NULL));
    ASSERT_NULL(ps_cmsg_next(NULL, c));
    ASSERT_NULL(ps_cmsg_next(&m, NULL));
    ASSERT_ERR(ps_cmsg_kind(NULL), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_native(NULL, &level, &type, &data, &len), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_native(c, NULL, &type, &data, &len), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_native(c, &level, NULL, &data, &len), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_native(c, &level, &type, NULL, &len), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_native(c, &level, &type, &data, NULL), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_get_pktinfo(NULL, &dst), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_get_pktinfo(c, NULL), PS_EINVAL);
    ASSERT_ERR(ps_cmsg_get_fds(NULL, fds, 2), PS_EINVAL);
    ASSERT_ERR2(ps_cmsg_get_fds(c, NULL, 2), PS_EINVAL, PS_ENOTSUP);
}

/* ---- malformed control buffers ---- */

/* Writes a native header claiming cmsg_len = claimed at buf + off, and
 * datalen bytes of `byte` after it. */
static void put_native(unsigned char *buf, size_t off, size_t claimed, int level, int type,
                       size_t datalen, unsigned char byte)
{
    nat_hdr h;
    memset(&h, 0, sizeof h);
    h.cmsg_len = claimed;
    h.cmsg_level = level;
    h.cmsg_type = type;
    memcpy(buf + off, &h, sizeof h);
    memset(buf + off + NAT_LEN(0), byte, datalen);
}

/* A heap copy of exactly n bytes (at least one allocated byte so that the
 * pointer is never NULL), so that AddressSanitizer flags any read past n. */
static unsigned char *exact_copy(const unsigned char *src, size_t n)
{
    unsigned char *p = (unsigned char *)malloc(n ? n : 1);
    ASSERT_NOT_NULL(p);
    if (n)
        memcpy(p, src, n);
    return p;
}

/* Walks every message of m with every reading helper; asserts each lies
 * inside the buffer and the walk ends. Returns the number of messages. */
static int walk(const ps_msg *m)
{
    const unsigned char *lo = (const unsigned char *)m->control;
    const unsigned char *hi = lo + m->controllen;
    const ps_cmsg *c;
    size_t bound = m->controllen / NAT_LEN(0) + 1;
    int count = 0;
    for (c = ps_cmsg_first(m); c != NULL; c = ps_cmsg_next(m, c)) {
        const unsigned char *p = (const unsigned char *)c;
        const void *data = NULL;
        size_t len = 0;
        int level, type, kind, n;
        ps_native fds[300];
        ps_addr dst;
        ASSERT_TRUE(p >= lo && p + NAT_LEN(0) <= hi);
        kind = ps_cmsg_kind(c);
        ASSERT_TRUE(kind == PS_CMSG_OTHER || kind == PS_SCM_RIGHTS || kind == PS_IP_PKTINFO ||
                    kind == PS_IPV6_PKTINFO);
        ASSERT_OK(ps_cmsg_native(c, &level, &type, &data, &len));
        ASSERT_TRUE((const unsigned char *)data >= p);
        ASSERT_TRUE(len <= (size_t)(hi - (const unsigned char *)data));
        (void)ps_cmsg_get_pktinfo(c, &dst);
        n = ps_cmsg_get_fds(c, fds, sizeof fds / sizeof fds[0]);
        if (n >= 0)
            ASSERT_LE((size_t)n, len / sizeof(int));
        if ((size_t)++count > bound)
            FAILF("iteration did not end after %d messages in %zu bytes", count, m->controllen);
    }
    return count;
}

/* Walks a copy of buf[0..len) held in an exact-size heap buffer. */
static int walk_bytes(const unsigned char *buf, size_t len)
{
    ps_msg m;
    int n;
    msg_init(&m, NULL, 0);
    m.control = exact_copy(buf, len);
    m.controllen = len;
    n = walk(&m);
    free(m.control);
    return n;
}

TEST(random_control_bytes_are_walked_without_reading_out_of_bounds)
{
    uint32_t seed = 2024u;
    int round, total = 0;
    for (round = 0; round < 4000; round++) {
        unsigned char buf[300];
        size_t len, i;
        seed = seed * 1103515245u + 12345u;
        len = (seed >> 8) % (sizeof buf + 1);
        for (i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (unsigned char)(seed >> 16);
        }
        /* Half the rounds get plausible lengths in their headers, so the
         * walk goes deeper than the first message. */
        if ((round & 1) && len >= NAT_LEN(0)) {
            size_t off = 0;
            while (off + sizeof(nat_hdr) <= len) {
                nat_hdr h;
                size_t claim;
                seed = seed * 1103515245u + 12345u;
                claim = NAT_LEN(0) + (seed >> 16) % 48 - ((seed >> 8) % 9 == 0 ? NAT_LEN(0) : 0);
                memcpy(&h, buf + off, sizeof h);
                h.cmsg_len = claim;
                memcpy(buf + off, &h, sizeof h);
                off += NAT_SPACE(claim > NAT_LEN(0) ? claim - NAT_LEN(0) : 0);
            }
        }
        total += walk_bytes(buf, len);
    }
    NOTE("%d messages found in 4000 random buffers", total);
    ASSERT_GT(total, 0); /* the plausible rounds do find messages */
}

/* Three messages with unaligned data lengths: 1, 5 and 20 bytes. */
static size_t three_messages(unsigned char *buf, size_t offs[3], size_t lens[3])
{
    static const size_t datalen[3] = {1, 5, 20};
    size_t off = 0, i;
    for (i = 0; i < 3; i++) {
        offs[i] = off;
        lens[i] = NAT_LEN(datalen[i]);
        put_native(buf, off, lens[i], 0x7071, 40 + (int)i, datalen[i], (unsigned char)(0xA0 + i));
        off += NAT_SPACE(datalen[i]);
    }
    return off;
}

TEST(well_formed_messages_are_all_found_with_their_data)
{
    unsigned char buf[256];
    size_t offs[3], lens[3], total;
    const ps_cmsg *c;
    ps_msg m;
    int i = 0;
    memset(buf, 0, sizeof buf);
    total = three_messages(buf, offs, lens);
    msg_init(&m, NULL, 0);
    m.control = exact_copy(buf, total);
    m.controllen = total;
    for (c = ps_cmsg_first(&m); c != NULL && i < 10; c = ps_cmsg_next(&m, c), i++) {
        int level, type;
        const void *data;
        size_t len;
        ASSERT_EQ((const unsigned char *)c - (const unsigned char *)m.control, offs[i]);
        ASSERT_EQ(ps_cmsg_kind(c), PS_CMSG_OTHER);
        ASSERT_OK(ps_cmsg_native(c, &level, &type, &data, &len));
        ASSERT_EQ(level, 0x7071);
        ASSERT_EQ(type, 40 + i);
        ASSERT_EQ(len, lens[i] - NAT_LEN(0));
        ASSERT_EQ(((const unsigned char *)data)[0], 0xA0 + i);
        ASSERT_EQ(((const unsigned char *)data)[len - 1], 0xA0 + i);
    }
    ASSERT_EQ(i, 3);
    free(m.control);
}

TEST(a_control_length_cut_anywhere_finds_only_the_whole_messages)
{
    unsigned char buf[256];
    size_t offs[3], lens[3], total, cut;
    memset(buf, 0, sizeof buf);
    total = three_messages(buf, offs, lens);
    /* Every cut: inside a header, inside data, inside padding, at the end.
     * A message counts when its cmsg_len bytes are all there (the kernel
     * drops the last message's padding when the buffer ends there). */
    for (cut = 0; cut <= total; cut++) {
        int want = 0, i;
        for (i = 0; i < 3 && offs[i] + lens[i] <= cut; i++)
            want++;
        if (walk_bytes(buf, cut) != want)
            FAILF("cut at %zu of %zu: %d messages, want %d", cut, total, walk_bytes(buf, cut),
                  want);
    }
}

TEST(a_huge_cmsg_len_ends_the_iteration)
{
    static const size_t huge[] = {(size_t)-1, (size_t)-1 / 2, (size_t)INT_MAX, (size_t)UINT32_MAX,
                                  (size_t)UINT32_MAX + 17u};
    unsigned char buf[256];
    size_t offs[3], lens[3], total, i;
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        nat_hdr h;
        /* in the first message: nothing is found */
        memset(buf, 0, sizeof buf);
        total = three_messages(buf, offs, lens);
        memcpy(&h, buf, sizeof h);
        h.cmsg_len = huge[i];
        if ((size_t)h.cmsg_len <= total)
            continue; /* a 32-bit cmsg_len field cannot hold this one */
        memcpy(buf, &h, sizeof h);
        ASSERT_EQ(walk_bytes(buf, total), 0);
        /* one past the buffer */
        h.cmsg_len = total + 1;
        memcpy(buf, &h, sizeof h);
        ASSERT_EQ(walk_bytes(buf, total), 0);
        /* in the second: the first is found, then the walk ends */
        memset(buf, 0, sizeof buf);
        total = three_messages(buf, offs, lens);
        memcpy(&h, buf + offs[1], sizeof h);
        h.cmsg_len = huge[i];
        memcpy(buf + offs[1], &h, sizeof h);
        ASSERT_EQ(walk_bytes(buf, total), 1);
        /* in the last */
        memset(buf, 0, sizeof buf);
        total = three_messages(buf, offs, lens);
        memcpy(&h, buf + offs[2], sizeof h);
        h.cmsg_len = huge[i];
        memcpy(buf + offs[2], &h, sizeof h);
        ASSERT_EQ(walk_bytes(buf, total), 2);
    }
}

TEST(a_cmsg_len_smaller_than_a_header_ends_the_iteration)
{
    unsigned char buf[256];
    size_t offs[3], lens[3], total, claim;
    for (claim = 0; claim < NAT_LEN(0); claim++) {
        nat_hdr h;
        memset(buf, 0, sizeof buf);
        total = three_messages(buf, offs, lens);
        memcpy(&h, buf, sizeof h);
        h.cmsg_len = claim;
        memcpy(buf, &h, sizeof h);
        ASSERT_EQ(walk_bytes(buf, total), 0);
        /* a zero or short length in the middle must not loop for ever */
        memset(buf, 0, sizeof buf);
        total = three_messages(buf, offs, lens);
        memcpy(&h, buf + offs[1], sizeof h);
        h.cmsg_len = claim;
        memcpy(buf + offs[1], &h, sizeof h);
        ASSERT_EQ(walk_bytes(buf, total), 1);
    }
    /* exactly a header: a message with no data */
    memset(buf, 0, sizeof buf);
    put_native(buf, 0, NAT_LEN(0), 1, 2, 0, 0);
    {
        ps_msg m;
        const ps_cmsg *c;
        int level, type;
        const void *data;
        size_t len = 99;
        msg_init(&m, NULL, 0);
        m.control = exact_copy(buf, NAT_LEN(0));
        m.controllen = NAT_LEN(0);
        c = ps_cmsg_first(&m);
        ASSERT_NOT_NULL(c);
        ASSERT_OK(ps_cmsg_native(c, &level, &type, &data, &len));
        ASSERT_EQ(len, 0);
        ASSERT_NULL(ps_cmsg_next(&m, c));
        free(m.control);
    }
}

TEST(zero_length_or_missing_control_gives_no_messages)
{
    unsigned char buf[64];
    ps_msg m;
    memset(buf, 0, sizeof buf);
    put_native(buf, 0, NAT_LEN(4), 1, 2, 4, 7);
    msg_init(&m, NULL, 0);
    m.control = buf;
    m.controllen = 0;
    ASSERT_NULL(ps_cmsg_first(&m));
    m.control = NULL;
    m.controllen = 0;
    ASSERT_NULL(ps_cmsg_first(&m));
    ASSERT_EQ(walk_bytes(buf, 0), 0);
}

TEST(next_with_a_message_of_another_buffer_gives_null)
{
    unsigned char a[64], b[64];
    const ps_cmsg *cb;
    ps_msg ma, mb;
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    put_native(a, 0, NAT_LEN(4), 1, 2, 4, 7);
    put_native(b, 0, NAT_LEN(4), 1, 2, 4, 7);
    msg_init(&ma, NULL, 0);
    ma.control = a;
    ma.controllen = NAT_SPACE(4);
    msg_init(&mb, NULL, 0);
    mb.control = b;
    mb.controllen = NAT_SPACE(4);
    cb = ps_cmsg_first(&mb);
    ASSERT_NOT_NULL(cb);
    ASSERT_NULL(ps_cmsg_next(&ma, cb));
}

TEST(a_control_buffer_at_an_odd_address_is_read_safely)
{
    /* Received control data lands wherever the caller's buffer is; the
     * helpers copy headers out instead of dereferencing them (UBSan in the
     * linux-asan target flags a misaligned access). */
    unsigned char aligned[CONTROL_ROOM];
    unsigned char *odd;
    const ps_cmsg *c;
    ps_addr src;
    ps_msg m;
    size_t n;
    int level, type, count = 0;
    const void *data;
    size_t len;
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    msg_init(&m, NULL, 0);
    m.control = aligned;
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, sizeof aligned, &src));
    n = m.controllen;
    put_native(aligned, n, NAT_LEN(3), 0x55, 66, 3, 9);
    n += NAT_SPACE(3);
    odd = (unsigned char *)malloc(n + 1);
    ASSERT_NOT_NULL(odd);
    memcpy(odd + 1, aligned, n);
    m.control = odd + 1;
    m.controllen = n;
    for (c = ps_cmsg_first(&m); c != NULL && count < 8; c = ps_cmsg_next(&m, c), count++) {
        ASSERT_OK(ps_cmsg_native(c, &level, &type, &data, &len));
        if (count == 0)
            ASSERT_EQ(ps_cmsg_kind(c), PS_IP_PKTINFO);
        else {
            ASSERT_EQ(ps_cmsg_kind(c), PS_CMSG_OTHER);
            ASSERT_EQ(level, 0x55);
            ASSERT_EQ(type, 66);
            ASSERT_EQ(len, 3);
        }
    }
    ASSERT_EQ(count, 2);
    free(odd);
}

/* ---- SCM_RIGHTS ---- */

#ifndef _WIN32

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* A temporary file holding text, as a descriptor. */
static int temp_file_with(const char *text)
{
    FILE *f = tmpfile();
    int fd;
    ASSERT_NOT_NULL(f);
    ASSERT_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
    ASSERT_EQ(fflush(f), 0);
    fd = dup(fileno(f));
    ASSERT_GE(fd, 0);
    fclose(f);
    return fd;
}

/* Sends one byte with descriptors over s. */
static void send_fds(ps_socket *s, const int *fds, size_t n)
{
    union {
        unsigned char bytes[CONTROL_ROOM];
        uint64_t align;
    } ctl;
    ps_native nat[8];
    ps_iovec iov[1];
    ps_msg m;
    size_t i;
    for (i = 0; i < n; i++)
        nat[i] = fds[i];
    iov[0].base = (void *)"F";
    iov[0].len = 1;
    msg_init(&m, iov, 1);
    m.control = ctl.bytes;
    ASSERT_OK(ps_cmsg_put_fds(&m, sizeof ctl.bytes, nat, n));
    ASSERT_EQ(m.controllen, ps_cmsg_space(n * sizeof(int)));
    ASSERT_EQ(ps_cmsg_kind(ps_cmsg_first(&m)), PS_SCM_RIGHTS);
    ASSERT_EQ(ps_sendmsg(s, &m, 0), 1);
}

/* Receives one byte and the descriptors of its SCM_RIGHTS message. */
static int recv_fds(ps_socket *s, void *control, size_t capacity, int *flags, ps_native *fds,
                    size_t max)
{
    unsigned char b = 0;
    ps_iovec iov[1];
    const ps_cmsg *c;
    ps_msg m;
    int got = 0, steps = 0;
    iov[0].base = &b;
    iov[0].len = 1;
    msg_init(&m, iov, 1);
    m.control = control;
    m.controllen = capacity;
    ASSERT_OK(ps_settimeout(s, IO_TIMEOUT));
    ASSERT_EQ(ps_recvmsg(s, &m, 0), 1);
    ASSERT_EQ(b, 'F');
    *flags = m.flags;
    for (c = ps_cmsg_first(&m); c != NULL && steps < 8; c = ps_cmsg_next(&m, c), steps++) {
        int n;
        if (ps_cmsg_kind(c) != PS_SCM_RIGHTS)
            continue;
        n = ps_cmsg_get_fds(c, fds + got, max - (size_t)got);
        ASSERT_OK(n);
        ASSERT_LE((size_t)n, max - (size_t)got);
        got += n;
    }
    return got;
}

static void assert_reads(int fd, const char *text)
{
    char buf[64];
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    ASSERT_EQ(n, (ssize_t)strlen(text));
    ASSERT_MEMEQ(buf, text, strlen(text));
}

static void assert_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    ASSERT_GE(fl, 0);
    ASSERT_TRUE(fl & FD_CLOEXEC);
}

static void passes_a_descriptor(int type)
{
    union {
        unsigned char bytes[CONTROL_ROOM];
        uint64_t align;
    } ctl;
    ps_socket *p[2];
    ps_native got[4];
    struct stat a, b;
    int fd = temp_file_with("passed along"), flags = -1;
    ASSERT_OK(ps_socketpair(p, PS_AF_UNIX, type));
    send_fds(p[0], &fd, 1);
    ASSERT_EQ(recv_fds(p[1], ctl.bytes, sizeof ctl.bytes, &flags, got, 4), 1);
    ASSERT_EQ(flags, 0);
    ASSERT_NE(got[0], fd);
    assert_cloexec(got[0]);
    assert_reads(got[0], "passed along");
    ASSERT_EQ(fstat(fd, &a), 0);
    ASSERT_EQ(fstat(got[0], &b), 0);
    ASSERT_TRUE(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    close(got[0]);
    close(fd);
    ASSERT_OK(ps_close(p[0]));
    ASSERT_OK(ps_close(p[1]));
}

TEST(scm_rights_passes_a_descriptor_the_receiver_reads_over_a_unix_stream)
{
    passes_a_descriptor(PS_SOCK_STREAM);
}

TEST(scm_rights_passes_a_descriptor_the_receiver_reads_over_unix_datagrams)
{
    passes_a_descriptor(PS_SOCK_DGRAM);
}

TEST(get_fds_with_a_small_array_reports_how_many_the_message_holds)
{
    union {
        unsigned char bytes[CONTROL_ROOM];
        uint64_t align;
    } ctl;
    ps_socket *p[2];
    ps_native got[8];
    ps_iovec iov[1];
    const ps_cmsg *c;
    ps_msg m;
    unsigned char b;
    int fds[3], pipefd[2], i;
    char text[8];
    fds[0] = temp_file_with("zero");
    ASSERT_EQ(pipe(pipefd), 0);
    fds[1] = pipefd[0];
    fds[2] = pipefd[1];
    ASSERT_OK(ps_socketpair(p, PS_AF_UNIX, PS_SOCK_STREAM));
    send_fds(p[0], fds, 3);

    iov[0].base = &b;
    iov[0].len = 1;
    msg_init(&m, iov, 1);
    m.control = ctl.bytes;
    m.controllen = sizeof ctl.bytes;
    ASSERT_OK(ps_settimeout(p[1], IO_TIMEOUT));
    ASSERT_EQ(ps_recvmsg(p[1], &m, 0), 1);
    c = ps_cmsg_first(&m);
    ASSERT_NOT_NULL(c);
    ASSERT_EQ(ps_cmsg_kind(c), PS_SCM_RIGHTS);
    got[0] = -1;
    got[1] = -77;
    ASSERT_EQ(ps_cmsg_get_fds(c, got, 1), 3);
    ASSERT_GE(got[0], 0);
    ASSERT_EQ(got[1], -77); /* nothing past max */
    ASSERT_EQ(ps_cmsg_get_fds(c, NULL, 0), 3);
    ASSERT_EQ(ps_cmsg_get_fds(c, got, 8), 3);
    for (i = 0; i < 3; i++)
        assert_cloexec(got[i]);
    assert_reads(got[0], "zero");
    /* the passed pipe ends are the pipe */
    ASSERT_EQ(write(got[2], "pipe", 4), 4);
    ASSERT_EQ(read(pipefd[0], text, 4), 4);
    ASSERT_MEMEQ(text, "pipe", 4);
    ASSERT_EQ(write(pipefd[1], "back", 4), 4);
    ASSERT_EQ(read(got[1], text, 4), 4);
    ASSERT_MEMEQ(text, "back", 4);
    for (i = 0; i < 3; i++) {
        close(got[i]);
        close(fds[i]);
    }
    ASSERT_OK(ps_close(p[0]));
    ASSERT_OK(ps_close(p[1]));
}

TEST(scm_rights_cut_by_a_small_control_buffer_sets_ctrunc_and_leaks_no_descriptor)
{
    ps_socket *p[2];
    ps_native got[4];
    unsigned char *ctl;
    size_t cap = ps_cmsg_space(sizeof(int)); /* room for one of three, and padding */
    int fds[3], before, after, flags = 0, n, i;
    /* qemu 7.2 hands the kernel a control buffer twice the program's size
     * and cuts while converting, without MSG_CTRUNC. */
    SKIP_UNDER_QEMU("SCM_RIGHTS truncation is not reported (MSG_CTRUNC missing)");
    fds[0] = temp_file_with("a");
    fds[1] = temp_file_with("b");
    fds[2] = temp_file_with("c");
    ASSERT_OK(ps_socketpair(p, PS_AF_UNIX, PS_SOCK_STREAM));
    before = count_open_fds();
    if (before < 0)
        SKIP("no /proc/self/fd to count descriptors");
    send_fds(p[0], fds, 3);
    ctl = (unsigned char *)malloc(cap);
    ASSERT_NOT_NULL(ctl);
    n = recv_fds(p[1], ctl, cap, &flags, got, 4);
    NOTE("3 descriptors into room for 1: %d arrived, flags %#x", n, (unsigned)flags);
    ASSERT_TRUE(flags & PS_MSG_CTRUNC);
    /* as many as fit the buffer with its padding (Linux: 2 of 3) */
    ASSERT_LE((size_t)n, (cap - NAT_LEN(0)) / sizeof(int));
    ASSERT_LT(n, 3);
    for (i = 0; i < n; i++) {
        assert_cloexec(got[i]);
        close(got[i]);
    }
    after = count_open_fds();
    ASSERT_EQ(after, before);
    free(ctl);
    for (i = 0; i < 3; i++)
        close(fds[i]);
    ASSERT_OK(ps_close(p[0]));
    ASSERT_OK(ps_close(p[1]));
}

TEST(get_fds_of_a_message_of_another_kind_is_einval)
{
    unsigned char ctl[CONTROL_ROOM];
    ps_native fds[2];
    ps_addr src;
    ps_msg m;
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    msg_init(&m, NULL, 0);
    m.control = ctl;
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, sizeof ctl, &src));
    ASSERT_ERR(ps_cmsg_get_fds(ps_cmsg_first(&m), fds, 2), PS_EINVAL);
}

#else /* _WIN32 */

TEST(descriptor_passing_is_enotsup_on_windows)
{
    /* Windows passes sockets with WSADuplicateSocketW, never in a message. */
    unsigned char ctl[CONTROL_ROOM];
    ps_native fds[1];
    ps_socket *s;
    ps_addr src;
    ps_msg m;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_DGRAM, 0));
    fds[0] = ps_fileno(s);
    msg_init(&m, NULL, 0);
    m.control = ctl;
    ASSERT_ERR(ps_cmsg_put_fds(&m, sizeof ctl, fds, 1), PS_ENOTSUP);
    ASSERT_EQ(m.controllen, 0);
    /* reading descriptors from any message */
    ASSERT_OK(ps_addr_set(&src, "127.0.0.1", 0));
    ASSERT_OK(ps_cmsg_put_pktinfo(&m, sizeof ctl, &src));
    ASSERT_ERR(ps_cmsg_get_fds(ps_cmsg_first(&m), fds, 1), PS_ENOTSUP);
    ASSERT_OK(ps_close(s));
}

#endif

TEST_LIST = {
    TEST_ENTRY(pktinfo_shows_127_0_0_1_as_the_destination_of_a_datagram),
    TEST_ENTRY(ipv6_pktinfo_shows_loopback_as_the_destination_of_a_datagram),
    TEST_ENTRY(without_pktinfo_no_control_message_arrives),
    TEST_ENTRY(send_choosing_source_127_0_0_1_with_pktinfo_arrives_from_127_0_0_1),
    TEST_ENTRY(ipv6_send_choosing_source_loopback_with_pktinfo_arrives_from_loopback),
    TEST_ENTRY(pktinfo_with_a_too_small_control_buffer_sets_ctrunc_and_keeps_the_data),
    TEST_ENTRY(pktinfo_option_on_a_stream_socket_is_enotsup),
    TEST_ENTRY(cmsg_space_matches_the_platform_layout),
    TEST_ENTRY(put_pktinfo_that_does_not_fit_is_enobufs_and_changes_nothing),
    TEST_ENTRY(put_helpers_reject_bad_arguments),
    TEST_ENTRY(reading_helpers_reject_null_arguments),
    TEST_ENTRY(random_control_bytes_are_walked_without_reading_out_of_bounds),
    TEST_ENTRY(well_formed_messages_are_all_found_with_their_data),
    TEST_ENTRY(a_control_length_cut_anywhere_finds_only_the_whole_messages),
    TEST_ENTRY(a_huge_cmsg_len_ends_the_iteration),
    TEST_ENTRY(a_cmsg_len_smaller_than_a_header_ends_the_iteration),
    TEST_ENTRY(zero_length_or_missing_control_gives_no_messages),
    TEST_ENTRY(next_with_a_message_of_another_buffer_gives_null),
    TEST_ENTRY(a_control_buffer_at_an_odd_address_is_read_safely),
#ifndef _WIN32
    TEST_ENTRY(scm_rights_passes_a_descriptor_the_receiver_reads_over_a_unix_stream),
    TEST_ENTRY(scm_rights_passes_a_descriptor_the_receiver_reads_over_unix_datagrams),
    TEST_ENTRY(get_fds_with_a_small_array_reports_how_many_the_message_holds),
    TEST_ENTRY(scm_rights_cut_by_a_small_control_buffer_sets_ctrunc_and_leaks_no_descriptor),
    TEST_ENTRY(get_fds_of_a_message_of_another_kind_is_einval),
#else
    TEST_ENTRY(descriptor_passing_is_enotsup_on_windows),
#endif
};
TEST_MAIN()
