/* The allocator every portsock allocation goes through. */
#include "alloc.h"

#include <stdlib.h>

void *ps__malloc(size_t size)
{
    return malloc(size);
}

void *ps__calloc(size_t count, size_t size)
{
    return calloc(count, size);
}

void *ps__realloc(void *p, size_t size)
{
    return realloc(p, size);
}

void ps__free(void *p)
{
    free(p);
}
