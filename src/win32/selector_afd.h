/* The AFD selector of the Winsock backend (selector_afd.c). */
#ifndef PS_WIN32_SELECTOR_AFD_H
#define PS_WIN32_SELECTOR_AFD_H

#include "../sys.h"

/* The selector over the AFD driver's poll requests and a completion port
 * (PS_SELECTOR_AFD). Its open is PS_ENOTSUP where the driver or ntdll's
 * calls are missing. */
const ps__selector_ops *ps__win_afd_ops(void);

#endif /* PS_WIN32_SELECTOR_AFD_H */
