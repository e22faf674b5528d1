/* Path counters of the Winsock backend, and the knobs that force ps_poll's
 * select path (whose reason, old WSAPoll's blindness to failed connects,
 * does not show under Wine or on current Windows) and the poll selector
 * where AFD polling would open. */
#include "win32.h"

/* Counters by PS_DIAG_* number; slot 0 is unused. Interlocked, so the
 * counts are exact even when threads take a path at once. */
#define PS__DIAG_SLOTS 5
static volatile LONG64 ps__diag[PS__DIAG_SLOTS];
static volatile LONG ps__force_select = 0;
static volatile LONG ps__force_no_afd = 0;

void ps__win_diag_count(int counter)
{
    if (counter > 0 && counter < PS__DIAG_SLOTS)
        InterlockedIncrement64(&ps__diag[counter]);
}

int ps__win_force_select(void)
{
    return InterlockedCompareExchange(&ps__force_select, 0, 0) != 0;
}

int ps__win_force_no_afd(void)
{
    return InterlockedCompareExchange(&ps__force_no_afd, 0, 0) != 0;
}

uint64_t ps__sys_diag_count(int counter)
{
    if (counter <= 0 || counter >= PS__DIAG_SLOTS)
        return 0;
    return (uint64_t)InterlockedCompareExchange64(&ps__diag[counter], 0, 0);
}

int ps__sys_diag_force(int knob, int on)
{
    /* Timeouts are always waited for here (socket.c): nothing to force. */
    if (knob == PS_DIAG_FORCE_WAIT_TIMEOUTS)
        return 0;
    if (knob == PS_DIAG_FORCE_NO_AFD) {
        InterlockedExchange(&ps__force_no_afd, on != 0);
        return 0;
    }
    if (knob != PS_DIAG_FORCE_POLL_SELECT)
        return PS_EINVAL;
    InterlockedExchange(&ps__force_select, on != 0);
    return 0;
}
