/* Which selector backends Windows has: AFD polling (the default), and the
 * core's poll selector. */
#include "win32.h"

#include "selector_afd.h"

/* The AFD selector makes the cost follow the ready sockets; where it cannot
 * open (no AFD poll request: an emulator), the core falls back to its poll
 * selector (src/selector_poll.c) over ps__sys_poll, which is WSAPoll or
 * select() with fd_sets sized to the call (wait.c): neither has select's
 * 64-socket FD_SETSIZE limit. */
const ps__selector_ops *ps__sys_selector_ops(int kind)
{
    if (kind == PS_SELECTOR_DEFAULT || kind == PS_SELECTOR_AFD)
        return ps__win_afd_ops();
    return NULL;
}
