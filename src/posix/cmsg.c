/* Control messages in the platform's layout, walked with every length
 * checked against the buffer (a peer or a caller can hand us garbage). */
#include "posix.h"

#include <string.h>

/* Data starts this far into a message (CMSG_DATA - the header). */
#define PS__CMSG_HDR ((size_t)CMSG_LEN(0))

static const unsigned char *ps__base(const ps_msg *msg)
{
    return (const unsigned char *)msg->control;
}

/* The header of the message at off, if it lies wholly inside the buffer. */
static int ps__header_at(const ps_msg *msg, size_t off, struct cmsghdr *h)
{
    size_t len = msg->controllen;
    if (off > len || len - off < sizeof *h || len - off < PS__CMSG_HDR)
        return 0;
    memcpy(h, ps__base(msg) + off, sizeof *h);
    return (size_t)h->cmsg_len >= PS__CMSG_HDR && (size_t)h->cmsg_len <= len - off;
}

size_t ps__sys_cmsg_space(size_t datalen)
{
    if (datalen > 0xffffu)
        return 0;
    return CMSG_SPACE((socklen_t)datalen);
}

const ps_cmsg *ps__sys_cmsg_first(const ps_msg *msg)
{
    struct cmsghdr h;
    return ps__header_at(msg, 0, &h) ? (const ps_cmsg *)(const void *)ps__base(msg) : NULL;
}

const ps_cmsg *ps__sys_cmsg_next(const ps_msg *msg, const ps_cmsg *c)
{
    const unsigned char *p = (const unsigned char *)c;
    struct cmsghdr h;
    size_t off, next;
    if (p < ps__base(msg) || p >= ps__base(msg) + msg->controllen)
        return NULL;
    off = (size_t)(p - ps__base(msg));
    if (!ps__header_at(msg, off, &h))
        return NULL;
    next = off + CMSG_SPACE((socklen_t)((size_t)h.cmsg_len - PS__CMSG_HDR));
    return next > off && ps__header_at(msg, next, &h)
               ? (const ps_cmsg *)(const void *)(ps__base(msg) + next)
               : NULL;
}

/* A message's header and data, from a pointer the core checked for NULL
 * and ps_cmsg_first/next produced. */
static void ps__read(const ps_cmsg *c, struct cmsghdr *h, const unsigned char **data, size_t *len)
{
    memcpy(h, c, sizeof *h);
    *data = (const unsigned char *)c + PS__CMSG_HDR;
    *len = (size_t)h->cmsg_len - PS__CMSG_HDR;
}

int ps__sys_cmsg_kind(const ps_cmsg *c)
{
    struct cmsghdr h;
    const unsigned char *data;
    size_t len;
    ps__read(c, &h, &data, &len);
    if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS)
        return PS_SCM_RIGHTS;
#ifdef IP_PKTINFO
    if (h.cmsg_level == IPPROTO_IP && h.cmsg_type == IP_PKTINFO)
        return PS_IP_PKTINFO;
#endif
#ifdef IPV6_PKTINFO
    if (h.cmsg_level == IPPROTO_IPV6 && h.cmsg_type == IPV6_PKTINFO)
        return PS_IPV6_PKTINFO;
#endif
    return PS_CMSG_OTHER;
}

int ps__sys_cmsg_native(const ps_cmsg *c, int *level, int *type, const void **data, size_t *len)
{
    struct cmsghdr h;
    const unsigned char *d;
    ps__read(c, &h, &d, len);
    *level = h.cmsg_level;
    *type = h.cmsg_type;
    *data = d;
    return 0;
}

int ps__sys_cmsg_get_pktinfo(const ps_cmsg *c, ps_addr *dst)
{
    const unsigned char *data;
    struct cmsghdr h;
    size_t len;
    ps__ip ip;
    int kind = ps__sys_cmsg_kind(c);
    ps__read(c, &h, &data, &len);
    memset(&ip, 0, sizeof ip);
#ifdef IP_PKTINFO
    if (kind == PS_IP_PKTINFO && len >= sizeof(struct in_pktinfo)) {
        struct in_pktinfo pi;
        memcpy(&pi, data, sizeof pi);
        ip.family = PS_AF_INET;
        memcpy(ip.bytes, &pi.ipi_addr, 4);
        return ps__sys_addr_from_ip(dst, &ip);
    }
#endif
#ifdef IPV6_PKTINFO
    if (kind == PS_IPV6_PKTINFO && len >= sizeof(struct in6_pktinfo)) {
        struct in6_pktinfo pi;
        memcpy(&pi, data, sizeof pi);
        ip.family = PS_AF_INET6;
        memcpy(ip.bytes, &pi.ipi6_addr, 16);
        if (ip.bytes[0] == 0xfe && (ip.bytes[1] & 0xc0) == 0x80)
            ip.scope_id = pi.ipi6_ifindex; /* link-local: the interface is part of it */
        return ps__sys_addr_from_ip(dst, &ip);
    }
#endif
    (void)kind;
    return PS_EINVAL;
}

int ps__sys_cmsg_get_fds(const ps_cmsg *c, ps_native *fds, size_t max)
{
    const unsigned char *data;
    struct cmsghdr h;
    size_t len, n, i;
    ps__read(c, &h, &data, &len);
    if (h.cmsg_level != SOL_SOCKET || h.cmsg_type != SCM_RIGHTS)
        return PS_EINVAL;
    n = len / sizeof(int);
    for (i = 0; i < n && i < max; i++)
        memcpy(&fds[i], data + i * sizeof(int), sizeof(int));
    return (int)n;
}

/* Appends one message to msg->control (capacity bytes in all). */
static int ps__put(ps_msg *msg, size_t capacity, int level, int type, const void *data, size_t len)
{
    size_t space = CMSG_SPACE((socklen_t)len);
    struct cmsghdr h;
    unsigned char *p;
    if (space > capacity - msg->controllen)
        return PS_ENOBUFS;
    p = (unsigned char *)msg->control + msg->controllen;
    memset(p, 0, space);
    memset(&h, 0, sizeof h);
    h.cmsg_len = CMSG_LEN((socklen_t)len);
    h.cmsg_level = level;
    h.cmsg_type = type;
    memcpy(p, &h, sizeof h);
    memcpy(p + PS__CMSG_HDR, data, len);
    msg->controllen += space;
    return 0;
}

int ps__sys_cmsg_put_pktinfo(ps_msg *msg, size_t capacity, const ps_addr *src)
{
    ps__ip ip;
    int rc = ps__sys_addr_to_ip(src, &ip);
    if (rc < 0)
        return rc == PS_EAFNOSUPPORT ? PS_EINVAL : rc;
#ifdef IP_PKTINFO
    if (ip.family == PS_AF_INET) {
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        /* Linux takes the source from ipi_spec_dst on send. */
        memcpy(&pi.ipi_spec_dst, ip.bytes, 4);
        return ps__put(msg, capacity, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
    }
#endif
#ifdef IPV6_PKTINFO
    if (ip.family == PS_AF_INET6) {
        struct in6_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        memcpy(&pi.ipi6_addr, ip.bytes, 16);
        pi.ipi6_ifindex = ip.scope_id;
        return ps__put(msg, capacity, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof pi);
    }
#endif
    return PS_ENOTSUP;
}

int ps__sys_cmsg_put_fds(ps_msg *msg, size_t capacity, const ps_native *fds, size_t n)
{
    return ps__put(msg, capacity, SOL_SOCKET, SCM_RIGHTS, fds, n * sizeof(int));
}
