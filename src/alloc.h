/*
 * Every allocation portsock makes goes through these, so that one place
 * decides which allocator runs (ps_set_allocator, src/alloc.c). Core and
 * backends both use them; what one of them returned is freed with
 * ps__free, never with free().
 */
#ifndef PS_ALLOC_H
#define PS_ALLOC_H

#include <stddef.h>

void *ps__malloc(size_t size);
void *ps__calloc(size_t count, size_t size);
void *ps__realloc(void *p, size_t size);
void ps__free(void *p);

#endif /* PS_ALLOC_H */
