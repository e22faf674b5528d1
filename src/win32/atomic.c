/* Atomic counting (the allocator's live blocks): the Interlocked functions,
 * which every Windows compiler (MSVC, mingw-w64 gcc and clang) has. long
 * is 32 bits on Windows, as LONG is. */
#include "win32.h"

long ps__sys_atomic_add(volatile long *p, long delta)
{
    return (long)InterlockedExchangeAdd((volatile LONG *)p, (LONG)delta) + delta;
}
