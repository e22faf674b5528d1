/* A socket's identity beyond its creation: adopting a native handle,
 * duplicating it, and whether child processes inherit it. */
#include "core.h"

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
    /* Whatever mode h was in, it takes the default timeout's. Another
     * object (or program) may use the same socket, so this object never
     * relies on the mode (timeout.c); an old timeout of NaN (unknown) lets
     * the backend set everything (Winsock clears the kernel timeouts a
     * creator set: an expired one leaves the socket indeterminate). */
    (*out)->shared = 1;
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
     * (POSIX, and Wine at least): from now on both objects are shared, so
     * neither is kernel-timed nor relies on the mode the other sets. The
     * mode is set once more for the duplicate where it would start in a
     * mode of its own. */
    (*out)->shared = 1;
    rc = ps__apply_timeout(*out, ps__unknown_mode(), ps__load_double(&s->timeout));
    if (rc == 0 && !ps__load_int(&s->shared)) {
        ps__store_int(&s->shared, 1);
        if (ps__load_int(&s->kernel_timed))
            rc = ps__apply_timeout(s, ps__load_double(&s->timeout), ps__load_double(&s->timeout));
    }
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
