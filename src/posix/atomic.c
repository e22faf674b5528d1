/* Atomic counting (the allocator's live blocks): the compiler's builtins,
 * which gcc and clang have on every POSIX target portsock builds for. */
#include "posix.h"

long ps__sys_atomic_add(volatile long *p, long delta)
{
    return __atomic_add_fetch(p, delta, __ATOMIC_SEQ_CST);
}
