/* Names and messages of the PS_E... codes, generated from PS_ERROR_LIST so
 * that codes, names and messages can never drift apart. */
#include "core.h"

#include <stdio.h>

/* The text of a kept OS error is made on demand: each thread writes it into
 * its own buffer, so no lock and no allocation. */
#if defined(_MSC_VER) && !defined(__clang__)
#define PS__THREAD_LOCAL __declspec(thread)
#else
#define PS__THREAD_LOCAL _Thread_local
#endif

static PS__THREAD_LOCAL char ps__native_text[256];
static PS__THREAD_LOCAL char ps__native_name[32];

typedef struct ps__error_entry {
    int code;
    const char *name;
    const char *text;
} ps__error_entry;

static const ps__error_entry ps__errors[] = {
#define PS__ERROR_ROW(name, value, text) {value, #name, text},
    PS_ERROR_LIST(PS__ERROR_ROW)
#undef PS__ERROR_ROW
};

static const ps__error_entry *ps__error_find(int err)
{
    size_t i;
    for (i = 0; i < sizeof ps__errors / sizeof ps__errors[0]; i++) {
        if (ps__errors[i].code == err)
            return &ps__errors[i];
    }
    return NULL;
}

const char *ps_strerror(int err)
{
    const ps__error_entry *e;
    int native = ps__error_native(err);
    if (err >= 0)
        return "success";
    if (native) {
        ps__sys_strerror(native, ps__native_text, sizeof ps__native_text);
        return ps__native_text;
    }
    e = ps__error_find(err);
    return e ? e->text : "unknown error";
}

const char *ps_errname(int err)
{
    const ps__error_entry *e;
    int native = ps__error_native(err);
    if (err >= 0)
        return "OK";
    if (native) {
        snprintf(ps__native_name, sizeof ps__native_name, "PS_ESYSERR(%d)", native);
        return ps__native_name;
    }
    e = ps__error_find(err);
    return e ? e->name : "EUNKNOWN";
}

int ps_error_from_native(int native)
{
    return ps__sys_error_from_native(native);
}

int ps_error_native(int err)
{
    return ps__error_native(err);
}
