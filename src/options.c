/* Socket options: portable ones checked here and mapped by the backend, and
 * the native pass-throughs. */
#include "core.h"

#include <limits.h>

static int ps__opt_is_bool(int opt)
{
    switch (opt) {
    case PS_OPT_REUSEADDR:
    case PS_OPT_REUSEPORT:
    case PS_OPT_KEEPALIVE:
    case PS_OPT_NODELAY:
    case PS_OPT_BROADCAST:
    case PS_OPT_V6ONLY:
    case PS_OPT_PKTINFO: return 1;
    default: return 0;
    }
}

static int ps__opt_known(int opt)
{
    return opt >= PS_OPT_REUSEADDR && opt <= PS_OPT_TYPE;
}

/* Options that make no sense on this kind of socket, whatever the platform. */
static int ps__opt_applies(const ps_socket *s, int opt)
{
    switch (opt) {
    case PS_OPT_NODELAY: return s->type == PS_SOCK_STREAM && s->family != PS_AF_UNIX;
    case PS_OPT_V6ONLY: return s->family == PS_AF_INET6;
    case PS_OPT_PKTINFO:
    case PS_OPT_BROADCAST: return s->type == PS_SOCK_DGRAM && s->family != PS_AF_UNIX;
    default: return 1;
    }
}

int ps_setopt(ps_socket *s, int opt, int value)
{
    if (!s || !ps__opt_known(opt) || opt == PS_OPT_ERROR || opt == PS_OPT_TYPE)
        return PS_EINVAL;
    if (ps__opt_is_bool(opt))
        value = value != 0;
    else if ((opt == PS_OPT_LINGER && value < -1) ||
             ((opt == PS_OPT_RCVBUF || opt == PS_OPT_SNDBUF) && value <= 0))
        return PS_EINVAL;
    if (!ps__opt_applies(s, opt))
        return PS_ENOTSUP;
    return ps__sys_setopt(s->h, s->family, s->type, opt, value);
}

int ps_getopt(ps_socket *s, int opt, int *value)
{
    if (!s || !value || !ps__opt_known(opt))
        return PS_EINVAL;
    if (opt == PS_OPT_TYPE) {
        /* Asked of the OS, like SO_TYPE: a dead handle says so. */
        int family, type, rc = ps__sys_socket_info(s->h, &family, &type);
        if (rc < 0)
            return rc;
        *value = type;
        return 0;
    }
    if (opt == PS_OPT_ERROR) {
        int native, err = ps__sys_socket_error(s->h, &native);
        /* A failing getsockopt itself (closed handle) is the call's error. */
        if (err < 0 && native == 0)
            return err;
        *value = err;
        return 0;
    }
    if (!ps__opt_applies(s, opt))
        return PS_ENOTSUP;
    return ps__sys_getopt(s->h, s->family, s->type, opt, value);
}

int ps_setsockopt_native(ps_socket *s, int level, int name, const void *v, size_t len)
{
    if (!s || (!v && len > 0) || len > INT_MAX)
        return PS_EINVAL;
    return ps__sys_setsockopt_native(s->h, level, name, v, len);
}

int ps_getsockopt_native(ps_socket *s, int level, int name, void *v, size_t *len)
{
    if (!s || !len || (!v && *len > 0) || *len > INT_MAX)
        return PS_EINVAL;
    return ps__sys_getsockopt_native(s->h, level, name, v, len);
}
