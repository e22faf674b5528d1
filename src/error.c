/* Names and messages of the PS_E... codes, generated from PS_ERROR_LIST so
 * that codes, names and messages can never drift apart. */
#include "core.h"

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
    if (err >= 0)
        return "success";
    e = ps__error_find(err);
    return e ? e->text : "unknown error";
}

const char *ps_errname(int err)
{
    const ps__error_entry *e;
    if (err >= 0)
        return "OK";
    e = ps__error_find(err);
    return e ? e->name : "EUNKNOWN";
}

int ps_error_from_native(int native)
{
    return ps__sys_error_from_native(native);
}
