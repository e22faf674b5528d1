/* POSIX has no socket layer to start: ps_init/ps_cleanup only count. */
#include "posix.h"

int ps__sys_init(void)
{
    return 0;
}

void ps__sys_cleanup(void)
{
}
