/* Diagnostics: the backend keeps the counters of its own paths. */
#include "core.h"

uint64_t ps_diag_count(int counter)
{
    return ps__sys_diag_count(counter);
}

int ps_diag_force(int knob, int on)
{
    if (knob != PS_DIAG_FORCE_POLL_SELECT && knob != PS_DIAG_FORCE_WAIT_TIMEOUTS)
        return PS_EINVAL;
    return ps__sys_diag_force(knob, on);
}
