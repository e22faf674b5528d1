/* Which selector backends Windows has: none of its own. */
#include "win32.h"

/* The core's poll selector (src/selector_poll.c) runs over ps__sys_poll,
 * which is WSAPoll or select() with fd_sets sized to the call (wait.c):
 * neither has select's 64-socket FD_SETSIZE limit, so that selector is the
 * Windows one. A completion-port backend (AFD polling, as libuv and wepoll
 * do) would make the cost follow the ready sockets, but rests on
 * undocumented driver calls. */
const ps__selector_ops *ps__sys_selector_ops(int kind)
{
    (void)kind;
    return NULL;
}
