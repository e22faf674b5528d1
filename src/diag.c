/* Diagnostics: the backend keeps the counters of its own paths. */
#include "core.h"

uint64_t ps_diag_count(int counter)
{
    return ps__sys_diag_count(counter);
}

/* Read by ps_socketpair (pair.c); set by tests before their threads start. */
static volatile int ps__unix_pair_fails = 0;

int ps__diag_unix_pair_fails(void)
{
    return ps__unix_pair_fails;
}

int ps_diag_force(int knob, int on)
{
    if (knob == PS_DIAG_FORCE_UNIX_PAIR_FAILURE) {
        ps__unix_pair_fails = on != 0;
        return 0;
    }
    if (knob != PS_DIAG_FORCE_POLL_SELECT && knob != PS_DIAG_FORCE_WAIT_TIMEOUTS &&
        knob != PS_DIAG_FORCE_NO_AFD)
        return PS_EINVAL;
    return ps__sys_diag_force(knob, on);
}
