/* IP address text <-> bytes, the same on every platform. */
#ifndef PS_IPTEXT_H
#define PS_IPTEXT_H

#include "portsock.h"

/* Longest text ps__ip_format writes, with its NUL
 * ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is 45 characters). */
#define PS__IP_TEXT_MAX 48

/* Parses len bytes of text (no scope id, no brackets) as IPv4 when there is
 * no ':' in it, else as IPv6. Sets *family (PS_AF_INET / PS_AF_INET6) and 4 or
 * 16 bytes. Returns 0, or -1 when the text is malformed. */
int ps__ip_parse(const char *text, size_t len, int *family, unsigned char bytes[16]);

/* Writes an address's canonical text (RFC 5952 for IPv6); returns its length. */
int ps__ip_format(int family, const unsigned char bytes[16], char out[PS__IP_TEXT_MAX]);

#endif
