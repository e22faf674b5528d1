/* Which selector backends this POSIX system has. */
#include "posix.h"

const ps__selector_ops *ps__sys_selector_ops(int kind)
{
#if defined(__linux__)
    if (kind == PS_SELECTOR_DEFAULT || kind == PS_SELECTOR_EPOLL)
        return ps__posix_epoll_ops();
#endif
#if defined(PS__HAVE_KQUEUE)
    if (kind == PS_SELECTOR_DEFAULT || kind == PS_SELECTOR_KQUEUE)
        return ps__posix_kqueue_ops();
#endif
    (void)kind;
    return NULL;
}
