/*
 * Every allocation portsock makes goes through these, so that one place
 * decides which allocator runs (ps_set_allocator). Core and backends both
 * use them; they call nothing of the OS but the C library's allocator.
 */
#ifndef PS_ALLOC_H
#define PS_ALLOC_H

#include <stddef.h>

void *ps__malloc(size_t size);
void *ps__calloc(size_t count, size_t size);
void *ps__realloc(void *p, size_t size);
void ps__free(void *p);

#endif /* PS_ALLOC_H */
