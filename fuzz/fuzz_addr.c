/* Fuzz target: ps_addr_parse / ps_addr_format round trips on arbitrary
 * text. Whatever parses must format, and the text it formats to must parse
 * back to the same address; formatting into any smaller buffer must fail
 * cleanly without writing past it. */
#include "portsock.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char text[600], out[300], small[300];
    ps_addr a, b;
    size_t cut;
    int len;
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    if (ps_addr_parse(&a, text) < 0) {
        if (a.len != 0)
            abort(); /* a failed parse leaves the address empty */
        return 0;
    }
    len = ps_addr_format(&a, out, sizeof out);
    if (len < 0 || (size_t)len != strlen(out))
        abort();
    if (ps_addr_parse(&b, out) < 0 || b.len != a.len || memcmp(&a.storage, &b.storage, a.len) != 0)
        abort();
    for (cut = 0; cut <= (size_t)len; cut++) {
        memset(small, 0x5a, sizeof small);
        if (ps_addr_format(&a, small, cut) != PS_ENOBUFS || small[cut] != 0x5a)
            abort();
    }
    return 0;
}
