/* IP address text, parsed and written by portsock itself so that every
 * platform accepts and prints exactly the same forms (inet_pton differs in
 * details between C libraries and Winsock, and Wine's inet_ntop misreports
 * short buffers). */
#include "iptext.h"

#include <stdio.h>
#include <string.h>

static int ps__hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Strict dotted quad: four decimal parts 0..255 without leading zeros
 * (a leading zero reads as octal to some parsers: refuse the ambiguity). */
static int ps__ipv4_parse(const char *p, size_t len, unsigned char out[4])
{
    size_t i = 0;
    int part;
    for (part = 0; part < 4; part++) {
        unsigned value = 0;
        size_t digits = 0;
        if (part > 0) {
            if (i >= len || p[i] != '.')
                return -1;
            i++;
        }
        while (i < len && p[i] >= '0' && p[i] <= '9' && digits < 4) {
            value = value * 10 + (unsigned)(p[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && p[i - digits] == '0'))
            return -1;
        out[part] = (unsigned char)value;
    }
    return i == len ? 0 : -1;
}

/* RFC 4291 section 2.2 text: up to eight groups of 1-4 hex digits, at most
 * one "::", optionally ending in a dotted quad. */
static int ps__ipv6_parse(const char *p, size_t len, unsigned char out[16])
{
    unsigned char bytes[16];
    size_t i = 0, n = 0; /* n: bytes written */
    long gap = -1;       /* where "::" stands, in bytes */
    memset(bytes, 0, sizeof bytes);
    if (len >= 2 && p[0] == ':' && p[1] == ':') {
        gap = 0;
        i = 2;
    } else if (len >= 1 && p[0] == ':') {
        return -1;
    }
    while (i < len) {
        size_t start = i;
        unsigned value = 0;
        int d;
        if (n >= 16)
            return -1;
        while (i < len && i - start < 5 && (d = ps__hexval(p[i])) >= 0) {
            value = value * 16 + (unsigned)d;
            i++;
        }
        if (i < len && p[i] == '.') {
            /* A dotted quad fills the last four bytes. */
            if (n > 12 || ps__ipv4_parse(p + start, len - start, bytes + n) < 0)
                return -1;
            n += 4;
            i = len;
            break;
        }
        if (i == start || i - start > 4)
            return -1;
        bytes[n++] = (unsigned char)(value >> 8);
        bytes[n++] = (unsigned char)(value & 0xff);
        if (i == len)
            break;
        if (p[i] != ':')
            return -1;
        i++;
        if (i < len && p[i] == ':') {
            if (gap >= 0)
                return -1;
            gap = (long)n;
            i++;
        } else if (i == len) {
            return -1; /* a trailing single ':' */
        }
    }
    if (gap >= 0) {
        size_t tail = n - (size_t)gap;
        if (n == 16)
            return -1; /* "::" must stand for at least one group */
        memset(out, 0, 16);
        memcpy(out, bytes, (size_t)gap);
        memcpy(out + 16 - tail, bytes + gap, tail);
        return 0;
    }
    if (n != 16)
        return -1;
    memcpy(out, bytes, 16);
    return 0;
}

int ps__ip_parse(const char *p, size_t len, int *family, unsigned char bytes[16])
{
    if (memchr(p, ':', len)) {
        *family = PS_AF_INET6;
        return ps__ipv6_parse(p, len, bytes);
    }
    *family = PS_AF_INET;
    return ps__ipv4_parse(p, len, bytes);
}

static int ps__ipv4_format(const unsigned char b[4], char *out, size_t size)
{
    return snprintf(out, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* RFC 5952: lower case, no leading zeros, the longest run of two or more
 * zero groups (the first of equal runs) as "::", IPv4-mapped as dotted. */
static int ps__ipv6_format(const unsigned char b[16], char *out, size_t size)
{
    static const unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    unsigned groups[8];
    int best = -1, best_len = 0, run = -1, g;
    size_t pos = 0;
    for (g = 0; g < 8; g++)
        groups[g] = (unsigned)b[2 * g] << 8 | b[2 * g + 1];
    if (memcmp(b, mapped_prefix, 12) == 0) {
        pos = (size_t)snprintf(out, size, "::ffff:");
        return (int)pos + ps__ipv4_format(b + 12, out + pos, size - pos);
    }
    for (g = 0; g <= 8; g++) {
        if (g < 8 && groups[g] == 0) {
            if (run < 0)
                run = g;
        } else if (run >= 0) {
            if (g - run > best_len && g - run >= 2) {
                best = run;
                best_len = g - run;
            }
            run = -1;
        }
    }
    for (g = 0; g < 8; g++) {
        if (g == best) {
            pos += (size_t)snprintf(out + pos, size - pos, "::");
            g += best_len - 1;
            continue;
        }
        if (pos > 0 && out[pos - 1] != ':')
            out[pos++] = ':';
        pos += (size_t)snprintf(out + pos, size - pos, "%x", groups[g]);
    }
    out[pos] = '\0';
    return (int)pos;
}

int ps__ip_format(int family, const unsigned char bytes[16], char out[PS__IP_TEXT_MAX])
{
    if (family == PS_AF_INET)
        return ps__ipv4_format(bytes, out, PS__IP_TEXT_MAX);
    return ps__ipv6_format(bytes, out, PS__IP_TEXT_MAX);
}
