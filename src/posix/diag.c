/* Path counters and knobs of the POSIX backend. */
#include "posix.h"

uint64_t ps__posix_diag[PS__POSIX_DIAG_SLOTS];

uint64_t ps__sys_diag_count(int counter)
{
    if (counter <= 0 || counter >= PS__POSIX_DIAG_SLOTS)
        return 0;
    return ps__load_u64(&ps__posix_diag[counter]);
}

int ps__sys_diag_force(int knob, int on)
{
    if (knob == PS_DIAG_FORCE_WAIT_TIMEOUTS) {
        ps__store_int(&ps__posix_force_wait_timeouts, on != 0);
        return 0;
    }
    /* poll() reports failed connects: there is no select path to force;
     * and there is no AFD selector to refuse. */
    return PS_ENOTSUP;
}
