/* A socket's identity beyond its creation: adopting a native handle,
 * duplicating it, and whether child processes inherit it. */
#include "core.h"

/* "Mode unknown" for ps__apply_timeout: a NaN made at run time. The NAN
 * macro is a constant expression whose folding recent MSVC SDKs warn about
 * (C4756, an error at /WX); 0/0 from a volatile is a quiet NaN in IEEE 754
 * arithmetic everywhere, with nothing for a compiler to fold. */
static double ps__unknown_mode(void)
{
    volatile double zero = 0.0;
    return zero / zero;
}

int ps_socket_from_native(ps_socket **out, ps_native h)
{
    double timeout = ps_getdefaulttimeout();
    int family, type, rc;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (h == PS_INVALID_NATIVE)
        return PS_EBADF;
    rc = ps__sys_socket_info(h, &family, &type);
    if (rc < 0)
        return rc;
    rc = ps__socket_wrap(out, h, family, type, PS_TIMEOUT_NONE);
    if (rc < 0)
        return rc;
    /* Whatever mode h was in, it takes the default timeout's: an old
     * timeout of NaN (unknown) sets the mode and clears or sets the kernel
     * timeouts, whatever kernel_timed says. */
    rc = ps__apply_timeout(*out, ps__unknown_mode(), timeout);
    if (rc < 0) {
        /* On failure the caller still owns h. */
        (*out)->detached = 1;
        ps__socket_release(*out);
        *out = NULL;
    }
    return rc;
}

int ps_dup(ps_socket *s, ps_socket **out)
{
    ps_native h;
    int rc;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (!s)
        return PS_EINVAL;
    rc = ps__sys_dup(s->h, &h);
    if (rc < 0)
        return rc;
    rc = ps__socket_wrap(out, h, s->family, s->type, PS_TIMEOUT_NONE);
    if (rc < 0) {
        ps__sys_close(h);
        return rc;
    }
    /* The duplicate is the same socket underneath, whose mode it shares
     * (POSIX, and Wine at least); setting it once more (old NaN: all of it)
     * makes sure of it where a duplicate would start in a mode of its own. */
    rc = ps__apply_timeout(*out, ps__unknown_mode(), s->timeout);
    if (rc < 0) {
        ps__socket_release(*out);
        *out = NULL;
    }
    return rc;
}

int ps_get_inheritable(ps_socket *s)
{
    return s ? ps__sys_get_inheritable(s->h) : PS_EINVAL;
}

int ps_set_inheritable(ps_socket *s, int inheritable)
{
    return s ? ps__sys_set_inheritable(s->h, inheritable != 0) : PS_EINVAL;
}
