/*
 * psnc's platform code, all of it: standard input and output in binary mode
 * on Windows, the thread that reads standard input, and a monotonic clock.
 *
 * Standard input is no socket on Windows, so it cannot be polled there: a
 * reader thread (on every platform, to keep one code path) copies it into a
 * socket pair, and the relay polls that pair and the network socket.
 */
#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#else
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#endif

#include "psnc.h"

#include <errno.h>
#include <stdio.h>

/* The C runtime's text mode would end standard input at the first 0x1A byte
 * and write LF as CRLF: psnc moves bytes, so both are binary, in every mode,
 * and psnc.exe moves the same bytes as psnc. A console stays in text mode:
 * there Ctrl-Z ends the input and Enter sends LF, as at a POSIX terminal. */
void psnc_stdio_binary(void)
{
#ifdef _WIN32
    if (!_isatty(_fileno(stdin)))
        _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
#endif
}

double psnc_now(void)
{
#ifdef _WIN32
    return (double)GetTickCount64() / 1000.0;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

/* Reads some bytes of standard input as they come: 0 at EOF or on error. Through the
 * descriptor, not stdio: on Windows a thread blocked in fgets(stdin) holds the stream's lock,
 * and exit() waits for it (a psnc whose peer has gone would hang until the next line). */
static size_t read_stdin(char *buf, size_t size)
{
#ifdef _WIN32
    int n = _read(_fileno(stdin), buf, (unsigned)size);
#else
    ssize_t n;
    do
        n = read(STDIN_FILENO, buf, size);
    while (n < 0 && errno == EINTR);
#endif
    return n > 0 ? (size_t)n : 0;
}

static void reader_run(ps_socket *out)
{
    static char buf[PSNC_CHUNK];
    size_t n;
    while ((n = read_stdin(buf, sizeof buf)) > 0) {
        if (ps_sendall(out, buf, n, 0, NULL) < 0)
            return; /* the relay is done with standard input */
    }
    ps_shutdown(out, PS_SHUT_WR); /* EOF for the relay */
}

#ifdef _WIN32
static unsigned __stdcall reader_thread(void *arg)
{
    reader_run(arg);
    return 0;
}

int psnc_start_reader(ps_socket *out)
{
    uintptr_t h = _beginthreadex(NULL, 0, reader_thread, out, 0, NULL);
    if (h == 0)
        return -1;
    CloseHandle((HANDLE)h); /* never joined: the process ends with it */
    return 0;
}
#else
static void *reader_thread(void *arg)
{
    reader_run(arg);
    return NULL;
}

int psnc_start_reader(ps_socket *out)
{
    pthread_t t;
    if (pthread_create(&t, NULL, reader_thread, out) != 0)
        return -1;
    pthread_detach(t); /* never joined: the process ends with it */
    return 0;
}
#endif
