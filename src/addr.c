/* ps_addr: text forms ("1.2.3.4:80", "[::1]:80", "[fe80::1%eth0]:80",
 * "unix:/path") and the accessors. The bytes inside a ps_addr are the
 * platform's sockaddr, built and read by the backend. */
#include "core.h"
#include "iptext.h"

#include <stdio.h>
#include <string.h>

/* Longer text is malformed whatever it says: the longest valid form is an
 * AF_UNIX path, and sun_path is shorter than this everywhere. */
#define PS__ADDR_TEXT_MAX 256

static size_t ps__bounded_strlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* Decimal 0..65535, digits only. */
static int ps__port_parse(const char *p, size_t len, uint16_t *port)
{
    unsigned long value = 0;
    size_t i;
    if (len == 0 || len > 5)
        return PS_EINVAL;
    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return PS_EINVAL;
        value = value * 10 + (unsigned long)(p[i] - '0');
    }
    if (value > 65535)
        return PS_EINVAL;
    *port = (uint16_t)value;
    return 0;
}

/* The scope of a link-local IPv6 address: a number or an interface name. */
static int ps__scope_parse(const char *p, size_t len, uint32_t *scope)
{
    char name[64];
    unsigned long value = 0;
    size_t i;
    if (len == 0 || len >= sizeof name)
        return PS_EINVAL;
    for (i = 0; i < len && p[i] >= '0' && p[i] <= '9'; i++)
        value = value * 10 + (unsigned long)(p[i] - '0');
    if (i == len) {
        if (len > 10 || value > 0xffffffffUL)
            return PS_EINVAL;
        *scope = (uint32_t)value;
        return 0;
    }
    memcpy(name, p, len);
    name[len] = '\0';
    return ps__sys_if_nametoindex(name, scope);
}

/* A numeric host with an optional "%scope" (IPv6 only). */
static int ps__host_parse(const char *p, size_t len, uint16_t port, ps_addr *out)
{
    const char *pct = (const char *)memchr(p, '%', len);
    size_t host_len = pct ? (size_t)(pct - p) : len;
    ps__ip ip;
    int rc;
    memset(&ip, 0, sizeof ip);
    if (ps__ip_parse(p, host_len, &ip.family, ip.bytes) < 0)
        return PS_EINVAL;
    if (pct) {
        if (ip.family != PS_AF_INET6)
            return PS_EINVAL;
        rc = ps__scope_parse(pct + 1, len - host_len - 1, &ip.scope_id);
        if (rc < 0)
            return rc;
    }
    ip.port = port;
    return ps__sys_addr_from_ip(out, &ip);
}

int ps_addr_set(ps_addr *out, const char *numeric_host, uint16_t port)
{
    size_t len;
    int rc;
    if (!out)
        return PS_EINVAL;
    memset(out, 0, sizeof *out);
    if (!numeric_host)
        return PS_EINVAL;
    len = ps__bounded_strlen(numeric_host, PS__ADDR_TEXT_MAX);
    if (len == 0 || len == PS__ADDR_TEXT_MAX)
        return PS_EINVAL;
    rc = ps__host_parse(numeric_host, len, port, out);
    if (rc < 0)
        memset(out, 0, sizeof *out);
    return rc;
}

static int ps__addr_parse(ps_addr *out, const char *text, size_t len)
{
    const char *colon;
    uint16_t port;
    size_t host_len;
    if (len >= 5 && memcmp(text, "unix:", 5) == 0) {
        if (len == 5 || memchr(text + 5, '\0', len - 5))
            return PS_EINVAL;
        return ps__sys_addr_from_unix(out, text + 5, len - 5);
    }
    if (text[0] == '[') {
        const char *close = (const char *)memchr(text, ']', len);
        if (!close || close + 1 >= text + len || close[1] != ':')
            return PS_EINVAL;
        host_len = (size_t)(close - text) - 1;
        if (ps__port_parse(close + 2, len - (size_t)(close + 2 - text), &port) < 0)
            return PS_EINVAL;
        if (!memchr(text + 1, ':', host_len))
            return PS_EINVAL; /* brackets are for IPv6 only */
        return ps__host_parse(text + 1, host_len, port, out);
    }
    colon = (const char *)memchr(text, ':', len);
    if (!colon || memchr(colon + 1, ':', len - (size_t)(colon + 1 - text)))
        return PS_EINVAL; /* no port, or IPv6 without brackets */
    host_len = (size_t)(colon - text);
    if (ps__port_parse(colon + 1, len - host_len - 1, &port) < 0)
        return PS_EINVAL;
    return ps__host_parse(text, host_len, port, out);
}

int ps_addr_parse(ps_addr *out, const char *text)
{
    size_t len;
    int rc;
    if (!out)
        return PS_EINVAL;
    memset(out, 0, sizeof *out);
    if (!text)
        return PS_EINVAL;
    len = ps__bounded_strlen(text, PS__ADDR_TEXT_MAX);
    if (len == 0 || len == PS__ADDR_TEXT_MAX)
        return PS_EINVAL;
    rc = ps__addr_parse(out, text, len);
    if (rc < 0)
        memset(out, 0, sizeof *out);
    return rc;
}

/* Writes the text of a into out (PS__ADDR_TEXT_MAX bytes); returns its length. */
static int ps__addr_text(const ps_addr *a, char *out)
{
    char host[PS__IP_TEXT_MAX];
    const char *path;
    size_t path_len = 0, path_max;
    ps__ip ip;
    int rc = ps__sys_addr_to_ip(a, &ip);
    if (rc == PS_EAFNOSUPPORT) {
        rc = ps__sys_addr_unix_path(a, &path, &path_max);
        if (rc < 0)
            return rc;
        while (path_len < path_max && path[path_len] != '\0')
            path_len++;
        if (path_len + 6 > PS__ADDR_TEXT_MAX)
            return PS_EINVAL;
        memcpy(out, "unix:", 5);
        memcpy(out + 5, path, path_len);
        out[5 + path_len] = '\0';
        return (int)(5 + path_len);
    }
    if (rc < 0)
        return rc;
    ps__ip_format(ip.family, ip.bytes, host);
    if (ip.family == PS_AF_INET)
        return snprintf(out, PS__ADDR_TEXT_MAX, "%s:%u", host, (unsigned)ip.port);
    if (ip.scope_id != 0) {
        /* The interface's name where it has one, as Python and getnameinfo
         * print a scope ("fe80::1%eth0"); ps_addr_parse reads both forms. */
        char name[PS__IF_NAME_MAX];
        if (ps__sys_if_indextoname(ip.scope_id, name) == 0 && name[0] != '\0' && strlen(name) < 64)
            return snprintf(out, PS__ADDR_TEXT_MAX, "[%s%%%s]:%u", host, name, (unsigned)ip.port);
        return snprintf(out, PS__ADDR_TEXT_MAX, "[%s%%%lu]:%u", host, (unsigned long)ip.scope_id,
                        (unsigned)ip.port);
    }
    return snprintf(out, PS__ADDR_TEXT_MAX, "[%s]:%u", host, (unsigned)ip.port);
}

int ps_addr_format(const ps_addr *a, char *buf, size_t size)
{
    char text[PS__ADDR_TEXT_MAX];
    int len;
    if (!a || (!buf && size > 0) || a->len == 0 || a->len > sizeof a->storage)
        return PS_EINVAL;
    len = ps__addr_text(a, text);
    if (len < 0)
        return len;
    if ((size_t)len >= size)
        return PS_ENOBUFS;
    memcpy(buf, text, (size_t)len + 1);
    return len;
}

int ps_addr_family(const ps_addr *a)
{
    if (!a || a->len == 0 || a->len > sizeof a->storage)
        return PS_EINVAL;
    return ps__sys_addr_family(a);
}

int ps_addr_port(const ps_addr *a)
{
    ps__ip ip;
    int rc;
    if (!a || a->len == 0 || a->len > sizeof a->storage)
        return PS_EINVAL;
    rc = ps__sys_addr_to_ip(a, &ip);
    return rc < 0 ? rc : (int)ip.port;
}
