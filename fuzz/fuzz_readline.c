/* Fuzz target: a stream of arbitrary bytes through a socket pair in
 * arbitrary chunks, read back with ps_file_readline / ps_file_read on a
 * non-blocking stream of arbitrary buffer size. Every byte must come back
 * once, in order, whatever PS_EAGAIN interrupted. */
#include "portsock.h"

#include <stdlib.h>
#include <string.h>

/* Reads what is there; returns 1 at EOF. */
static int drain(ps_file *f, unsigned char op, char *line, size_t size, unsigned char *got,
                 size_t *ngot, size_t cap)
{
    for (;;) {
        ptrdiff_t n;
        if (op & 1) {
            n = ps_file_readline(f, line, size);
            if (n > 0 && (line[n] != '\0' || (size_t)n > size - 1))
                abort();
        } else {
            n = ps_file_read(f, line, size - 1);
        }
        if (n == PS_EAGAIN)
            return 0;
        if (n < 0)
            abort();
        if (n == 0)
            return 1;
        if (*ngot + (size_t)n > cap)
            abort();
        memcpy(got + *ngot, line, (size_t)n);
        *ngot += (size_t)n;
        if (op & 1 && memchr(line, '\n', (size_t)n - 1))
            abort(); /* a newline ends a line */
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ps_socket *pair[2];
    ps_file *f;
    unsigned char *got;
    char line[300];
    size_t ngot = 0, pos, size_line, bufsize;
    unsigned char op;
    int eof = 0;
    if (size < 3 || size > 8192)
        return 0;
    op = data[0];
    size_line = 2 + data[1] % 250; /* readline buffer, >= 2 */
    bufsize = (size_t)(data[2] % 4) == 0 ? 0 : (size_t)data[2] % 64 + 1;
    data += 3;
    size -= 3;
    if (ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM) < 0)
        return 0;
    got = (unsigned char *)malloc(size + 1);
    if (!got || ps_settimeout(pair[1], 0.0) < 0 || ps_makefile(pair[1], "rb", bufsize, &f) < 0)
        abort();
    for (pos = 0; pos < size;) {
        /* The next chunk's length comes from the data itself. */
        size_t chunk = 1 + (size_t)data[pos] % 97;
        if (chunk > size - pos)
            chunk = size - pos;
        if (ps_sendall(pair[0], data + pos, chunk, 0, NULL) < 0)
            abort();
        pos += chunk;
        drain(f, op, line, size_line, got, &ngot, size);
    }
    ps_shutdown(pair[0], PS_SHUT_WR);
    ps_settimeout(pair[1], 5.0);
    while (!eof)
        eof = drain(f, op, line, size_line, got, &ngot, size);
    if (ngot != size || memcmp(got, data, size) != 0)
        abort();
    ps_file_close(f);
    ps_close(pair[0]);
    ps_close(pair[1]);
    free(got);
    return 0;
}
