/* Version and the optional explicit start of the platform's socket layer. */
#include "core.h"

#define PS__STR2(x) #x
#define PS__STR(x) PS__STR2(x)

const char *ps_version(void)
{
    return PS__STR(PS_VERSION_MAJOR) "." PS__STR(PS_VERSION_MINOR) "." PS__STR(PS_VERSION_PATCH);
}

int ps_init(void)
{
    return ps__sys_init();
}

void ps_cleanup(void)
{
    ps__sys_cleanup();
}
