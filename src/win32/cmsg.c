/* Control messages in Winsock's layout (WSACMSGHDR, whose cmsg_len is a
 * SIZE_T), walked with every length checked against the buffer: a peer or
 * a caller can hand us garbage. Headers are copied out with memcpy, so a
 * buffer of any alignment is read safely. */
#include "win32.h"

#include <string.h>

/* Data starts this far into a message; a message with n bytes of data
 * takes PS__SPACE(n) bytes of the buffer, and the next one starts
 * PS__NEXT(cmsg_len) bytes after it (WSA_CMSG_NXTHDR's step). */
#define PS__DATA_OFF ((size_t)WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define PS__SPACE(n) ((size_t)WSA_CMSG_SPACE((size_t)(n)))
#define PS__NEXT(len) ((size_t)WSA_CMSGHDR_ALIGN((size_t)(len)))

/* The largest data ps_cmsg_space answers for, as on POSIX. */
#define PS__CMSG_DATA_MAX 0xffffu

static const unsigned char *ps__base(const ps_msg *msg)
{
    return (const unsigned char *)msg->control;
}

/* The header of the message at off, if the message lies wholly inside the
 * used part of the buffer. */
static int ps__header_at(const ps_msg *msg, size_t off, WSACMSGHDR *h)
{
    size_t len = msg->controllen;
    if (off > len || len - off < sizeof *h || len - off < PS__DATA_OFF)
        return 0;
    memcpy(h, ps__base(msg) + off, sizeof *h);
    return (size_t)h->cmsg_len >= PS__DATA_OFF && (size_t)h->cmsg_len <= len - off;
}

size_t ps__sys_cmsg_space(size_t datalen)
{
    if (datalen > PS__CMSG_DATA_MAX)
        return 0;
    return PS__SPACE(datalen);
}

const ps_cmsg *ps__sys_cmsg_first(const ps_msg *msg)
{
    WSACMSGHDR h;
    return ps__header_at(msg, 0, &h) ? (const ps_cmsg *)(const void *)ps__base(msg) : NULL;
}

const ps_cmsg *ps__sys_cmsg_next(const ps_msg *msg, const ps_cmsg *c)
{
    const unsigned char *p = (const unsigned char *)c;
    WSACMSGHDR h;
    size_t off, next;
    if (p < ps__base(msg) || p >= ps__base(msg) + msg->controllen)
        return NULL;
    off = (size_t)(p - ps__base(msg));
    if (!ps__header_at(msg, off, &h))
        return NULL;
    /* cmsg_len <= controllen - off was checked: no overflow. */
    next = off + PS__NEXT(h.cmsg_len);
    return next > off && ps__header_at(msg, next, &h)
               ? (const ps_cmsg *)(const void *)(ps__base(msg) + next)
               : NULL;
}

size_t ps__win_cmsg_copy(void *dst, size_t capacity, const void *src, size_t len, int *cut)
{
    ps_msg from;
    WSACMSGHDR h;
    size_t off = 0, used = 0;
    memset(&from, 0, sizeof from);
    from.control = (void *)(uintptr_t)src;
    from.controllen = len;
    while (ps__header_at(&from, off, &h)) {
        /* The whole message with its padding, or to the end of the data
         * (the last message's padding may be missing). */
        size_t step = PS__NEXT(h.cmsg_len), n = step < len - off ? step : len - off;
        if (n > capacity - used) {
            *cut = 1;
            break;
        }
        memcpy((unsigned char *)dst + used, (const unsigned char *)src + off, n);
        used += n;
        if (step >= len - off)
            break;
        off += step;
    }
    return used;
}

/* A message's header and data, from a pointer that ps_cmsg_first/next
 * produced (the core checked it for NULL). */
static void ps__read(const ps_cmsg *c, WSACMSGHDR *h, const unsigned char **data, size_t *len)
{
    memcpy(h, c, sizeof *h);
    *data = (const unsigned char *)c + PS__DATA_OFF;
    *len = (size_t)h->cmsg_len - PS__DATA_OFF;
}

int ps__sys_cmsg_kind(const ps_cmsg *c)
{
    WSACMSGHDR h;
    const unsigned char *data;
    size_t len;
    ps__read(c, &h, &data, &len);
    /* Windows has no SCM_RIGHTS: a socket is passed between processes
     * with WSADuplicateSocketW, never in a message. */
    if (h.cmsg_level == IPPROTO_IP && h.cmsg_type == IP_PKTINFO)
        return PS_IP_PKTINFO;
    if (h.cmsg_level == IPPROTO_IPV6 && h.cmsg_type == IPV6_PKTINFO)
        return PS_IPV6_PKTINFO;
    return PS_CMSG_OTHER;
}

int ps__sys_cmsg_native(const ps_cmsg *c, int *level, int *type, const void **data, size_t *len)
{
    WSACMSGHDR h;
    const unsigned char *d;
    ps__read(c, &h, &d, len);
    *level = h.cmsg_level;
    *type = h.cmsg_type;
    *data = d;
    return 0;
}

/* On receive, Windows' IN_PKTINFO / IN6_PKTINFO hold the datagram's
 * destination address and the interface it came in on. */
int ps__sys_cmsg_get_pktinfo(const ps_cmsg *c, ps_addr *dst)
{
    const unsigned char *data;
    WSACMSGHDR h;
    size_t len;
    ps__ip ip;
    int kind = ps__sys_cmsg_kind(c);
    ps__read(c, &h, &data, &len);
    memset(&ip, 0, sizeof ip);
    if (kind == PS_IP_PKTINFO && len >= sizeof(IN_PKTINFO)) {
        IN_PKTINFO pi;
        memcpy(&pi, data, sizeof pi);
        ip.family = PS_AF_INET;
        memcpy(ip.bytes, &pi.ipi_addr, 4);
        return ps__sys_addr_from_ip(dst, &ip);
    }
    if (kind == PS_IPV6_PKTINFO && len >= sizeof(IN6_PKTINFO)) {
        IN6_PKTINFO pi;
        memcpy(&pi, data, sizeof pi);
        ip.family = PS_AF_INET6;
        memcpy(ip.bytes, &pi.ipi6_addr, 16);
        if (ip.bytes[0] == 0xfe && (ip.bytes[1] & 0xc0) == 0x80)
            ip.scope_id = pi.ipi6_ifindex; /* link-local: the interface is part of it */
        return ps__sys_addr_from_ip(dst, &ip);
    }
    return PS_EINVAL;
}

int ps__sys_cmsg_get_fds(const ps_cmsg *c, ps_native *fds, size_t max)
{
    (void)c;
    (void)fds;
    (void)max;
    return PS_ENOTSUP; /* no SCM_RIGHTS on Windows */
}

/* Appends one message to msg->control (capacity bytes in all). */
static int ps__put(ps_msg *msg, size_t capacity, int level, int type, const void *data, size_t len)
{
    size_t space = PS__SPACE(len);
    WSACMSGHDR h;
    unsigned char *p;
    if (space > capacity - msg->controllen)
        return PS_ENOBUFS;
    p = (unsigned char *)msg->control + msg->controllen;
    memset(p, 0, space);
    memset(&h, 0, sizeof h);
    h.cmsg_len = (SIZE_T)(PS__DATA_OFF + len);
    h.cmsg_level = level;
    h.cmsg_type = type;
    memcpy(p, &h, sizeof h);
    memcpy(p + PS__DATA_OFF, data, len);
    msg->controllen += space;
    return 0;
}

/* On send, Windows takes the source address of the datagram from
 * ipi_addr / ipi6_addr (where Linux reads IPv4's ipi_spec_dst) and the
 * outgoing interface from the index: 0 lets the stack choose it by the
 * source address; an IPv6 link-local source gives its scope. */
int ps__sys_cmsg_put_pktinfo(ps_msg *msg, size_t capacity, const ps_addr *src)
{
    ps__ip ip;
    int rc = ps__sys_addr_to_ip(src, &ip);
    if (rc < 0)
        return rc == PS_EAFNOSUPPORT ? PS_EINVAL : rc;
    if (ip.family == PS_AF_INET) {
        IN_PKTINFO pi;
        memset(&pi, 0, sizeof pi);
        memcpy(&pi.ipi_addr, ip.bytes, 4);
        return ps__put(msg, capacity, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
    }
    if (ip.family == PS_AF_INET6) {
        IN6_PKTINFO pi;
        memset(&pi, 0, sizeof pi);
        memcpy(&pi.ipi6_addr, ip.bytes, 16);
        pi.ipi6_ifindex = ip.scope_id;
        return ps__put(msg, capacity, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof pi);
    }
    return PS_ENOTSUP;
}

int ps__sys_cmsg_put_fds(ps_msg *msg, size_t capacity, const ps_native *fds, size_t n)
{
    (void)msg;
    (void)capacity;
    (void)fds;
    (void)n;
    return PS_ENOTSUP; /* no SCM_RIGHTS on Windows */
}
