/* Path counters of the POSIX backend; it has no paths to force. */
#include "posix.h"

uint64_t ps__posix_diag[PS__POSIX_DIAG_SLOTS];

uint64_t ps__sys_diag_count(int counter)
{
    if (counter <= 0 || counter >= PS__POSIX_DIAG_SLOTS)
        return 0;
    return ps__posix_diag[counter];
}

int ps__sys_diag_force(int knob, int on)
{
    /* poll() reports failed connects: there is no select path to force. */
    (void)knob;
    (void)on;
    return PS_ENOTSUP;
}
