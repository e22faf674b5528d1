/* The allocator every portsock allocation goes through, and ps_set_allocator,
 * which may replace it while nothing allocated by the present one is alive. */
#include "sys.h"
#include "atomic.h"

#include <stdlib.h>

/* Plain functions of the C library: taking the address of malloc itself
 * would tie the pointers to one C runtime's import (Windows DLLs). */
static void *ps__libc_malloc(size_t size)
{
    return malloc(size);
}

static void *ps__libc_realloc(void *p, size_t size)
{
    return realloc(p, size);
}

static void *ps__libc_calloc(size_t count, size_t size)
{
    return calloc(count, size);
}

static void ps__libc_free(void *p)
{
    free(p);
}

static void *(*ps__malloc_fn)(size_t) = ps__libc_malloc;
static void *(*ps__realloc_fn)(void *, size_t) = ps__libc_realloc;
static void *(*ps__calloc_fn)(size_t, size_t) = ps__libc_calloc;
static void (*ps__free_fn)(void *) = ps__libc_free;

/* Blocks the present functions have handed out and not yet taken back:
 * ps_set_allocator refuses to switch while any is alive, since each must
 * be freed by the allocator that made it. Atomic: threads allocate at
 * once. */
static int64_t ps__live = 0;

void *ps__malloc(size_t size)
{
    void *p = ps__malloc_fn(size);
    if (p)
        ps__count_add(&ps__live, 1);
    return p;
}

void *ps__calloc(size_t count, size_t size)
{
    void *p = ps__calloc_fn(count, size);
    if (p)
        ps__count_add(&ps__live, 1);
    return p;
}

void *ps__realloc(void *p, size_t size)
{
    void *q;
    /* realloc(p, 0) is implementation-defined (C23 makes it undefined):
     * no caller asks for it, and it is never passed on. */
    if (size == 0)
        size = 1;
    q = ps__realloc_fn(p, size);
    if (q && !p)
        ps__count_add(&ps__live, 1);
    return q;
}

void ps__free(void *p)
{
    if (p) {
        ps__free_fn(p);
        ps__count_add(&ps__live, -1);
    }
}

int ps_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                     void *(*calloc_fn)(size_t, size_t), void (*free_fn)(void *))
{
    if (!malloc_fn || !realloc_fn || !calloc_fn || !free_fn)
        return PS_EINVAL;
    if (ps__count_add(&ps__live, 0) != 0)
        return PS_EBUSY;
    ps__malloc_fn = malloc_fn;
    ps__realloc_fn = realloc_fn;
    ps__calloc_fn = calloc_fn;
    ps__free_fn = free_fn;
    return 0;
}
